import { describe, expect, it } from 'vitest';
import { terminalScreen as screen } from '../../../test/support/terminalScreen.js';
import { BlockLineFolder } from './BlockLineFolder.js';
import { formatDuration } from './formatDuration.js';
import { formatRunSummary } from './formatRunSummary.js';
import { formatSyncBar } from './SyncProgress.js';
import { TerminalOutput } from './TerminalOutput.js';

const CLEAR = '\r\x1b[2K';

function fakeTerminal(tty: boolean) {
  let out = '';
  const stream = { write: (chunk: string) => ((out += chunk), true) };
  return { terminal: new TerminalOutput(stream, stream, tty), bytes: () => out };
}

const quiet = (n: number) =>
  `block ${n} | lag 0 | tracked 20 | at risk 0 | candidates 0 | plan: none | 1.2 ms`;

describe('the terminal', () => {
  it('folds quiet blocks into one status line, keeps blocks with a plan, and logs scroll above the status', () => {
    const { terminal, bytes } = fakeTerminal(true);
    const folder = new BlockLineFolder(terminal, () => 'nearest: #27 in 1 d 20 h');
    for (let n = 100; n < 105; n++) folder.print(quiet(n));
    terminal.logLine('12:00:00.000 WARN: RPC endpoint down');
    folder.print('block 105 | lag 0 | tracked 20 | at risk 2 | candidates 2 | plan: 2 freeze | 3.0 ms');
    folder.print('  freeze position 7 (order 3) from 0xa1: profit 0.9 ETH, gas 90000, liquidatable');
    folder.print(quiet(106));
    folder.print('  included complete position 9: landed in block 106');
    folder.print(quiet(107));
    folder.print(quiet(108));
    folder.finish();
    expect(screen(bytes())).toEqual([
      '12:00:00.000 WARN: RPC endpoint down',
      'block 105 | lag 0 | tracked 20 | at risk 2 | candidates 2 | plan: 2 freeze | 3.0 ms',
      '  nearest: #27 in 1 d 20 h',
      '  freeze position 7 (order 3) from 0xa1: profit 0.9 ETH, gas 90000, liquidatable',
      quiet(106),
      '  included complete position 9: landed in block 106',
      `${quiet(108)} | 2 quiet blocks | nearest: #27 in 1 d 20 h`,
      '',
    ]);
    // Before the log line, the status showed the fifth quiet block in place of the first four.
    expect(bytes()).toContain(`${CLEAR}${quiet(104)} | 5 quiet blocks | nearest: #27 in 1 d 20 h`);
  });

  it('is plain lines, every one of them, when not a terminal', () => {
    const { terminal, bytes } = fakeTerminal(false);
    const folder = new BlockLineFolder(terminal, () => 'nearest: #1 now');
    folder.print(quiet(1));
    folder.print(quiet(2));
    folder.finish();
    expect(bytes()).toBe(`${quiet(1)}\n${quiet(2)}\n`);
  });

  it('shows an ETA as time, the sync bar as text, and a summary line', () => {
    expect([0, 42, 185, 7_800, 158_400, null].map(formatDuration)).toEqual([
      'now',
      'in 42 s',
      'in 3 min 5 s',
      'in 2 h 10 min',
      'in 1 d 20 h',
      'never',
    ]);
    expect(formatSyncBar(50, 200)).toBe(
      `initial sync [########......................] 50 open positions loaded (of 200 ever opened)`,
    );
    expect(
      formatRunSummary({
        ranMs: 754_000,
        blocksHandled: 61,
        blocksFailed: 1,
        reorgs: 0,
        lastHead: 161,
        dryRun: false,
        liquidations: 6,
        rewardWei: 6n * 10n ** 18n,
        gasSpentWei: 913_285_451_945_855_354n,
        alertsSent: 1,
      }),
    ).toBe(
      'summary: ran 12 min 34 s, 61 blocks handled (last 161), 1 failed, 0 reorgs; liquidations 6, earned 6.000000 ETH, gas 0.913285 ETH, profit 5.086714 ETH; 1 alerts sent',
    );
  });
});
