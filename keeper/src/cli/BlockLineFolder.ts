import type { TerminalOutput } from './TerminalOutput.js';

/** A block line with nothing to do: the bulk of a quiet chain's output. */
const QUIET = /^block \d+ \| lag \d+ \| .*\| plan: none \| [\d.]+ ms$/;
const BLOCK = /^block \d+ \|/;

/**
 * The run command's lines on a person's terminal: quiet blocks (`plan: none`) fold into the one status line,
 * updated in place with how many went by; a block with a plan, and anything else, stays. A quiet block whose
 * execution lines follow (outcomes settling) is written out first, so those lines keep their block.
 * `atRisk` gives text appended to the status line (the positions nearest to liquidation and their ETA).
 */
export class BlockLineFolder {
  private quietBlocks = 0;
  private pendingQuiet: string | null = null;

  constructor(
    private readonly terminal: TerminalOutput,
    private readonly atRisk: () => string = () => '',
  ) {}

  print(line: string): void {
    if (!this.terminal.tty) {
      this.terminal.line(line);
      return;
    }
    if (QUIET.test(line)) {
      this.quietBlocks += 1;
      this.pendingQuiet = line;
      const risk = this.atRisk();
      this.terminal.setStatus(
        `${line} | ${this.quietBlocks} quiet block${this.quietBlocks === 1 ? '' : 's'}${risk ? ` | ${risk}` : ''}`,
      );
      return;
    }
    if (BLOCK.test(line)) {
      // A block with something to say: the status line of older quiet blocks goes.
      this.terminal.clearStatus();
      this.quietBlocks = 0;
    } else if (this.pendingQuiet !== null && line.startsWith(' ')) {
      this.terminal.clearStatus();
      this.terminal.line(this.pendingQuiet);
      this.quietBlocks = 0;
    }
    this.pendingQuiet = null;
    this.terminal.line(line);
    // A block with positions at risk: which ones, and when, as time rather than a count.
    if (BLOCK.test(line) && /\| at risk [1-9]/.test(line)) {
      const risk = this.atRisk();
      if (risk) this.terminal.line(`  ${risk}`);
    }
  }

  /** Before the summary: the status line becomes a line of its own, so nothing is overwritten. */
  finish(): void {
    this.terminal.commitStatus();
  }
}
