import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { buildBundle, type BundleContext } from './buildBundle.js';
import { replacementUuid } from './replacementUuid.js';
import { KEY_A, MODULE, address, gwei, makeAction } from './testActions.js';

const mm = new Interface(['function liquidate(uint256 positionId, address receiver)']);

const context: BundleContext = {
  chainId: 31337,
  marginModule: MODULE,
  nextBlock: 101n,
  nextBaseFeePerGasWei: 10n * gwei,
  targetBlocks: 1,
  fees: {
    profitShareBps: 1000n,
    minPriorityFeePerGasWei: gwei,
    maxGasPriceWei: 100n * gwei,
    baseFeeMultiplier: 2n,
  },
  gasLimitMarginBps: 3000n,
  rewardReceiver: null,
};

describe('buildBundle', () => {
  it('one freeze: liquidate(position, sender), fees from the profit, gas with the margin, its own uuid', () => {
    const { draft, dropped } = buildBundle(KEY_A, [makeAction({ positionId: 9n })], 4, context);
    expect(dropped).toEqual([]);
    expect(draft).not.toBeNull();
    expect(draft?.txs).toHaveLength(1);
    const tx = draft!.txs[0]!;
    expect(tx.request).toEqual({
      type: 2,
      chainId: 31337n,
      nonce: 4,
      to: MODULE,
      data: mm.encodeFunctionData('liquidate', [9n, KEY_A]),
      value: 0n,
      gasLimit: 130_000n,
      maxFeePerGas: 30n * gwei,
      maxPriorityFeePerGas: 10n * gwei,
    });
    expect(tx.action.sender).toBe(KEY_A);
    expect(draft?.replacementUuid).toBe(replacementUuid(31337, MODULE, [{ positionId: 9n, kind: 'freeze' }]));
    expect(draft?.targetBlocks).toEqual([101n]);
    expect(draft?.minTimestampSec).toBeNull();
    expect(draft?.maxTimestampSec).toBeNull();
  });

  it('nonces in plan order; a completion bounds the bundle to its window', () => {
    const { draft } = buildBundle(
      KEY_A,
      [
        makeAction({ positionId: 1n, kind: 'complete', completeBySec: 5_000n }),
        makeAction({ positionId: 2n, kind: 'complete', completeBySec: 4_000n }),
        makeAction({ positionId: 3n }),
      ],
      10,
      { ...context, targetBlocks: 3 },
    );
    expect(draft?.txs.map((tx) => [tx.action.positionId, tx.request.nonce])).toEqual([
      [1n, 10],
      [2n, 11],
      [3n, 12],
    ]);
    // Frozen at 1,400 and 400: later than both, at most 3,600 s after either.
    expect(draft?.minTimestampSec).toBe(1_401n);
    expect(draft?.maxTimestampSec).toBe(4_000n);
    expect(draft?.targetBlocks).toEqual([101n, 102n, 103n]);
  });

  it('gives every transaction the bundle gas-weighted average bid, so fee-ordered pools keep it together', () => {
    // Bids: 10 % of 0.01 ETH / 100,000 gas = 10 gwei; 10 % of 0.03 ETH / 300,000 gas = 10 gwei;
    // the floor (1 gwei) for a loss. Weighted: (10 × 100k + 10 × 300k + 1 × 100k) / 500k = 8.2 gwei.
    const { draft } = buildBundle(
      KEY_A,
      [
        makeAction({ positionId: 1n }),
        makeAction({ positionId: 2n, gasUnits: 300_000n, expectedProfitWei: 3n * 10n ** 16n }),
        makeAction({ positionId: 3n, expectedProfitWei: -1n }),
      ],
      0,
      context,
    );
    expect(draft?.txs.map((tx) => [tx.request.maxPriorityFeePerGas, tx.request.maxFeePerGas])).toEqual([
      [8_200_000_000n, 28_200_000_000n],
      [8_200_000_000n, 28_200_000_000n],
      [8_200_000_000n, 28_200_000_000n],
    ]);
  });

  it('keeps the max fee under the ceiling', () => {
    const { draft } = buildBundle(KEY_A, [makeAction()], 0, { ...context, nextBaseFeePerGasWei: 60n * gwei });
    expect(draft?.txs[0]?.request.maxFeePerGas).toBe(100n * gwei);
    expect(draft?.txs[0]?.request.maxPriorityFeePerGas).toBe(10n * gwei);
  });

  it('pays the reward to the configured receiver', () => {
    const receiver = address('ee');
    const { draft } = buildBundle(KEY_A, [makeAction()], 0, { ...context, rewardReceiver: receiver });
    expect(draft?.txs[0]?.request.data).toBe(mm.encodeFunctionData('liquidate', [7n, receiver]));
  });

  it('drops an action whose fees cannot be met, without using its nonce', () => {
    const { draft, dropped } = buildBundle(
      KEY_A,
      [makeAction({ positionId: 1n }), makeAction({ positionId: 2n })],
      0,
      { ...context, nextBaseFeePerGasWei: 100n * gwei },
    );
    expect(draft).toBeNull();
    expect(dropped.map((d) => d.positionId)).toEqual([1n, 2n]);
    expect(dropped[0]?.reason).toContain('max gas price');
  });

  it("swap-then-complete: the freezer's marginSwaps first, then the completion; one uuid for the completion", () => {
    const swap = (assetIndex: number, minAmountOut: bigint) => ({
      assetIndex,
      asset: address('2000'),
      whitelistId1: 2n,
      whitelistId2: 0n,
      amount: 400n,
      assetOut: address('1000'),
      feeTier: 3000,
      quote: 1_000n,
      minAmountOut,
      gasUnits: 200_000n,
    });
    const { draft } = buildBundle(
      KEY_A,
      [
        makeAction({
          positionId: 5n,
          kind: 'complete',
          completeBySec: 5_000n,
          gasUnits: 100_000n,
          swapsFirst: [swap(2, 970n), swap(1, 900n)],
        }),
        makeAction({ positionId: 6n }),
      ],
      7,
      context,
    );
    const swapAbi = new Interface([
      'function marginSwap(uint256 positionId, uint256 assetId1, uint256 whitelistId1, uint256 whitelistId2, uint256 amount, address asset2, uint24 feeTier, uint256 minAmountOut, uint160 priceLimitX96)',
    ]);
    expect(
      draft?.txs.map((tx) => [tx.request.nonce, tx.request.data, tx.request.gasLimit, tx.swap?.assetIndex]),
    ).toEqual([
      [
        7,
        swapAbi.encodeFunctionData('marginSwap', [5n, 2n, 2n, 0n, 400n, address('1000'), 3000, 970n, 0n]),
        260_000n,
        2,
      ],
      [
        8,
        swapAbi.encodeFunctionData('marginSwap', [5n, 1n, 2n, 0n, 400n, address('1000'), 3000, 900n, 0n]),
        260_000n,
        1,
      ],
      [9, mm.encodeFunctionData('liquidate', [5n, KEY_A]), 130_000n, undefined],
      [10, mm.encodeFunctionData('liquidate', [6n, KEY_A]), 130_000n, undefined],
    ]);
    // Every transaction at the same fees; the swaps are not separate steps of the replacement key.
    expect(new Set(draft?.txs.map((tx) => tx.request.maxPriorityFeePerGas)).size).toBe(1);
    expect(draft?.replacementUuid).toBe(
      replacementUuid(31337, MODULE, [
        { positionId: 5n, kind: 'complete' },
        { positionId: 6n, kind: 'freeze' },
      ]),
    );
    expect(draft?.maxTimestampSec).toBe(5_000n);
  });
});
