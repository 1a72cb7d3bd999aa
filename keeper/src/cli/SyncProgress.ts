import type { Logger } from 'pino';
import type { TerminalOutput } from './TerminalOutput.js';

const BAR_WIDTH = 30;

/** The bar as text: `initial sync [#####.....] 1200 open positions loaded (of 5000 ever opened)`. */
export function formatSyncBar(rows: number, total: number): string {
  const shown = Math.min(rows, total);
  const filled = total > 0 ? Math.round((shown / total) * BAR_WIDTH) : BAR_WIDTH;
  return `initial sync [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${shown} open positions loaded (of ${total} ever opened)`;
}

/**
 * Progress of the initial sync: on a terminal, a bar on the status line, which log lines scroll above and
 * which stays as a line of its own when done (positions loaded against the module's position count, an upper
 * bound since closed positions are not loaded); log lines every 5000 positions otherwise. `done()` ends it.
 */
export class SyncProgress {
  private lastLogged = 0;
  private finished = false;
  private shown = false;

  constructor(
    private readonly log: Logger,
    private readonly totalPositions: number,
    private readonly terminal?: TerminalOutput,
  ) {}

  update({ kind, rows }: { kind: string; rows: number }): void {
    if (this.finished || kind !== 'positions') return;
    if (this.terminal?.tty) {
      this.terminal.setStatus(formatSyncBar(rows, Math.max(this.totalPositions, rows)));
      this.shown = true;
      return;
    }
    if (rows - this.lastLogged >= 5000) {
      this.log.info({ rows, totalPositions: this.totalPositions }, 'initial sync: positions loaded');
      this.lastLogged = rows;
    }
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.shown && this.terminal) this.terminal.commitStatus();
  }
}
