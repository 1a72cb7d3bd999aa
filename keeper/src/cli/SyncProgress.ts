import { Presets, SingleBar } from 'cli-progress';
import type { Logger } from 'pino';

/**
 * Progress of the initial sync: a bar on a terminal (positions loaded against the module's position count,
 * an upper bound since closed positions are not loaded), log lines otherwise. `done()` ends it.
 */
export class SyncProgress {
  private bar: SingleBar | undefined;
  private lastLogged = 0;
  private finished = false;

  constructor(
    private readonly log: Logger,
    private readonly totalPositions: number,
  ) {}

  update({ kind, rows }: { kind: string; rows: number }): void {
    if (this.finished || kind !== 'positions') return;
    if (process.stderr.isTTY) {
      if (!this.bar) {
        this.bar = new SingleBar(
          {
            format: 'initial sync |{bar}| {value} open positions loaded (of {total} ever opened)',
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        this.bar.start(Math.max(this.totalPositions, rows), 0);
      }
      this.bar.update(Math.min(rows, this.totalPositions));
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
    if (this.bar) {
      this.bar.update(this.bar.getTotal());
      this.bar.stop();
    }
  }
}
