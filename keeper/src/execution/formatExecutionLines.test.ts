import { describe, expect, it } from 'vitest';
import { formatExecutionLines, formatExecutionTotals } from './formatExecutionLines.js';
import { KEY_A, gwei } from './testActions.js';
import type { ExecutionReport } from './types.js';

describe('formatExecutionLines', () => {
  it('outcomes first, then the fallback notice, what was sent, and what was not', () => {
    const report: ExecutionReport = {
      headBlock: 100n,
      mode: 'bundle',
      outcomes: [
        {
          positionId: 3n,
          kind: 'freeze',
          sender: KEY_A,
          txHash: '0x01',
          outcome: 'included',
          blockNumber: 100n,
          gasCostWei: 10n ** 15n,
          detail: 'landed in block 100',
        },
        {
          positionId: 4n,
          kind: 'freeze',
          sender: KEY_A,
          txHash: '0x02',
          outcome: 'beaten',
          blockNumber: null,
          gasCostWei: 0n,
          detail: 'frozen by 0xb1 at 5',
        },
      ],
      fallback: 'relay is down (connect ECONNREFUSED) → falling back to public',
      sent: [
        {
          positionId: 3n,
          kind: 'complete',
          sender: KEY_A,
          nonce: 7,
          txHash: '0x03',
          gasLimit: 452_512n,
          maxFeePerGasWei: 21n * gwei,
          maxPriorityFeePerGasWei: 1n * gwei,
          expectedProfitWei: 10n ** 16n,
          mode: 'public',
          replacementUuid: null,
          relaysAccepted: 0,
          firstTargetBlock: 101n,
          lastTargetBlock: 102n,
        },
      ],
      dropped: [
        { positionId: 9n, kind: 'freeze', sender: KEY_A, reason: 'would revert: execution reverted' },
      ],
    };
    expect(formatExecutionLines(report)).toEqual([
      '  included freeze position 3: landed in block 100, gas 0.001 ETH',
      '  beaten freeze position 4: frozen by 0xb1 at 5',
      '  relay is down (connect ECONNREFUSED) → falling back to public',
      `  sent complete position 3 from ${KEY_A} nonce 7 for blocks 101-102 (public mempool): priority 1.0 gwei, max 21.0 gwei, gas limit 452512`,
      '  not sent freeze position 9: would revert: execution reverted',
    ]);
  });

  it('totals as key=value', () => {
    expect(
      formatExecutionTotals({
        sent: 4,
        included: 3,
        reverted: 0,
        beaten: 1,
        dropped: 0,
        cancelled: 0,
        gasSpentWei: 123n,
        gasLostWei: 0n,
        rewardsWei: 0n,
        wastedGasWei: 23n,
      }),
    ).toBe(
      'execution: sent=4 included=3 reverted=0 beaten=1 dropped=0 cancelled=0 gas_spent_wei=123 wasted_gas_wei=23 gas_lost_wei=0',
    );
  });
});
