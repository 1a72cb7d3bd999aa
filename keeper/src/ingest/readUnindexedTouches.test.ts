import { Interface, getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { touchesOf } from './readUnindexedTouches.js';

const module = new Interface([
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
  'event PositionDeposit(uint256 indexed positionId, address indexed asset, uint256 amount)',
  'event PositionClosed(uint256 indexed positionId, address closedBy)',
  'event OrderDeposit(uint256 indexed orderId, address indexed asset, uint256 amount)',
  'event OrderModified(uint256 indexed orderId, address indexed owner, address indexed baseAsset, bytes32 tokenWhitelist, uint256 interestRate, uint256 duration, uint256 minLoan, uint8 leverage, address oracle)',
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);
const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';

/** A hand-made module log at (block, index). */
function log(blockNumber: number, index: number, name: string, args: unknown[]) {
  const { topics, data } = module.encodeEventLog(name, args);
  return { topics, data, blockNumber, index };
}

describe('touchesOf', () => {
  it('a position only frozen gets the freeze (time and freezer), not a hold', () => {
    const touches = touchesOf([log(7, 0, 'PositionFrozen', [5n, getAddress(A), 1234n])]);
    expect(touches.freezes.get(5n)).toEqual({ frozenAtSec: 1234n, frozenBy: A });
    expect(touches.positions.size).toBe(0);
  });

  it('the newest of several freezes wins, whatever order the logs come in', () => {
    const touches = touchesOf([
      log(8, 3, 'PositionFrozen', [5n, B, 5000n]),
      log(8, 1, 'PositionFrozen', [5n, A, 4000n]),
      log(7, 9, 'PositionFrozen', [5n, A, 3000n]),
    ]);
    expect(touches.freezes.get(5n)).toEqual({ frozenAtSec: 5000n, frozenBy: B });
  });

  it('any other event on the position holds it back, before or after its freeze', () => {
    const touches = touchesOf([
      log(7, 0, 'PositionFrozen', [5n, A, 1n]),
      log(7, 1, 'PositionDeposit', [5n, B, 10n]),
      log(8, 0, 'PositionClosed', [6n, A]),
      log(8, 1, 'PositionFrozen', [6n, A, 2n]),
    ]);
    expect([...touches.positions].sort()).toEqual([5n, 6n]);
    expect(touches.freezes.size).toBe(0);
  });

  it('an order counts as touched when its terms change, not when its balance does or one of its positions closes', () => {
    const touches = touchesOf([
      log(7, 0, 'OrderDeposit', [3n, A, 10n]),
      log(7, 1, 'Liquidation', [5n, 4n, A, A]),
      log(7, 2, 'OrderModified', [6n, A, B, `0x${'00'.repeat(32)}`, 1n, 2n, 3n, 4, A]),
    ]);
    expect([...touches.orders]).toEqual([6n]);
    expect([...touches.positions]).toEqual([5n]);
  });

  it('a log it cannot read makes every position doubtful', () => {
    const touches = touchesOf([{ topics: [`0x${'12'.repeat(32)}`], data: '0x', blockNumber: 7, index: 1 }]);
    expect(touches.unknown).toBe(1);
  });
});
