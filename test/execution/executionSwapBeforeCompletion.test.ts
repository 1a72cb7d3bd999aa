import { Interface, Wallet, type TransactionReceipt } from 'ethers';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Devnet } from '../../devnet/Devnet.js';
import { startGen3Devnet } from '../support/startGen3Devnet.js';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { startGraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay } from '../../devnet/relay/startRelay.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { FlashbotsRelay } from '../../keeper/src/execution/FlashbotsRelay.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';

// Gen 3 with the 2d3ffd2 TWAP oracle as deployed (1800 s window) and ten-minute blocks. After a crash the TWAP
// trails the spot price for three blocks; meanwhile the forced swaps' 95 % floor refuses completions. The same
// crash is run twice on identical devnets: with the swap-before-completion policy off, then on.
const SECONDS_PER_BLOCK = 600;
const KEEP_PPM = 500_000n;
const MAX_SLIPPAGE_BPS = 2500n;
const BLOCKS = 12;

const authSigner = new Wallet(`0x${'b8'.repeat(32)}`);
const marginSwapEvent = new Interface([
  'event MarginSwap(uint256 indexed positionId, address assetIn, address assetOut, uint256 amountIn, uint256 amountOut)',
]);
const marginSwapSelector = new Interface([
  'function marginSwap(uint256 positionId, uint256 assetId1, uint256 whitelistId1, uint256 whitelistId2, uint256 amount, address asset2, uint24 feeTier, uint256 minAmountOut, uint160 priceLimitX96)',
]).getFunction('marginSwap')!.selector;
const oracleAbi = new Interface([
  'function getAmountOut(address buy, address sell, uint256 amountToSell) view returns (uint256)',
]);

interface OurSwap {
  block: number;
  positionId: bigint;
  amountOut: bigint;
  /** The oracle's quote for the amount sold, read independently at the block's timestamp on its parent's state. */
  quote: bigint;
}

interface CrashRun {
  crashBlock: number;
  frozenAt: Map<bigint, number>;
  completedAt: Map<bigint, number>;
  /** Positions whose completion the keeper reported blocked by simulation at least once. */
  blocked: Set<bigint>;
  swaps: OurSwap[];
  gasLostOnChainWei: bigint;
  gasLostReportedWei: bigint;
  othersCompleted: number;
}

/** Where a run's keeper log goes: kept when the test fails, removed when it passes. */
const logPath = (policyOn: boolean) =>
  join(tmpdir(), `swap-before-completion-${policyOn ? 'on' : 'off'}-${process.pid}.log`);

async function crashRun(policyOn: boolean): Promise<CrashRun> {
  const devnet = await startGen3Devnet(SECONDS_PER_BLOCK);
  try {
    requireDevnetBuild(devnet);
    const market = await setUpKeeperMarket(devnet, { positions: 24, seed: 57, tradedPerFive: 5 });
    const host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
    const relay = await startRelay({ devnet });
    const keys = await fundedKeys(devnet, ['swap-first']);
    const ours = new Set(keys.map((k) => k.address.toLowerCase()));
    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [
        new FlashbotsRelay({
          url: relay.url,
          authSigner,
          chain: devnet.provider,
          chainId: devnet.chainId,
          timeoutMs: 5000,
        }),
      ],
      // The keeper's own lines, kept for a failing run: what it planned, what it found blocked, what it swapped.
      log: pino(
        { level: 'info' },
        pino.destination({
          dest: logPath(policyOn),
          sync: true,
        }),
      ),
      flags: {
        weth: market.base.address,
        ...(policyOn
          ? {
              'policy.swap-before-completion.enabled': 'true',
              'policy.swap-before-completion.max-slippage-bps': String(MAX_SLIPPAGE_BPS),
            }
          : {}),
      },
    });
    try {
      await crashPrices(devnet, market, KEEP_PPM);
      const crashBlock = (await devnet.producer.latest()).number;
      const run: CrashRun = {
        crashBlock,
        frozenAt: new Map(),
        completedAt: new Map(),
        blocked: new Set(),
        swaps: [],
        gasLostOnChainWei: 0n,
        gasLostReportedWei: 0n,
        othersCompleted: 0,
      };
      const receipts: TransactionReceipt[] = [];
      for (let i = 0; i <= BLOCKS; i++) {
        const { outcome } = await keeper.step();
        if (outcome.kind === 'planned')
          for (const s of outcome.plan.skipped)
            if (s.reason === 'completion-blocked') run.blocked.add(s.positionId);
        if (i === BLOCKS) break;
        const mined = await devnet.producer.mine();
        const got = await blockReceipts(devnet, mined.number);
        receipts.push(...got);
        for (const [id, who] of eventsIn(got, 'PositionFrozen'))
          if (ours.has(who) && !run.frozenAt.has(id)) run.frozenAt.set(id, mined.number);
        for (const [id, who] of eventsIn(got, 'Liquidation')) {
          if (ours.has(who)) run.completedAt.set(id, mined.number);
          else run.othersCompleted += 1;
        }
        run.swaps.push(...(await ourSwaps(devnet, market.oracle, got, ours, mined.number)));
      }
      run.gasLostOnChainWei = gasLostWei(receipts, ours);
      run.gasLostReportedWei = keeper.executor.totals.gasLostWei;
      return run;
    } finally {
      keeper.close();
      await relay.stop();
      await host.stop();
    }
  } finally {
    await devnet.stop();
  }
}

/** MarginSwap events of our transactions in one block, each with the oracle's own quote for what it sold. */
async function ourSwaps(
  devnet: Devnet,
  oracle: string,
  receipts: TransactionReceipt[],
  ours: Set<string>,
  blockNumber: number,
): Promise<OurSwap[]> {
  const block = await devnet.provider.getBlock(blockNumber);
  const out: OurSwap[] = [];
  for (const receipt of receipts) {
    if (!ours.has(receipt.from.toLowerCase())) continue;
    // A completion's forced swaps emit MarginSwap too: only our own marginSwap calls count here.
    const tx = await devnet.provider.getTransaction(receipt.hash);
    if (!tx?.data.startsWith(marginSwapSelector)) continue;
    for (const log of receipt.logs) {
      const parsed = (() => {
        try {
          return marginSwapEvent.parseLog(log);
        } catch {
          return null;
        }
      })();
      if (parsed?.name !== 'MarginSwap') continue;
      const [positionId, assetIn, assetOut, amountIn, amountOut] = parsed.args as unknown as [
        bigint,
        string,
        string,
        bigint,
        bigint,
      ];
      // Our swaps come first in the block (the bundle), so the parent's state at this block's second is the
      // state the oracle quoted them at.
      const quoted = await callAtTimestamp(
        devnet.provider,
        { to: oracle, data: oracleAbi.encodeFunctionData('getAmountOut', [assetOut, assetIn, amountIn]) },
        block!.timestamp,
        { blockHash: block!.parentHash },
      );
      if (!quoted.ok) throw new Error(`oracle quote reverted: ${quoted.message}`);
      out.push({ block: blockNumber, positionId, amountOut, quote: BigInt(quoted.data) });
    }
  }
  return out;
}

describe('swap before completion on the gen-3 devnet (policy.swapBeforeCompletion)', () => {
  it('with the policy on, floor-blocked completions of our freezes land earlier, nothing of ours reverts, and every sale clears quote × (1 − slippage)', async () => {
    const off = await crashRun(false);
    const on = await crashRun(true);
    const delay = (run: CrashRun, id: bigint) => run.completedAt.get(id)! - run.crashBlock;

    // The policy does not change what we freeze, nor when.
    expect([...on.frozenAt]).toEqual([...off.frozenAt]);
    expect(off.frozenAt.size).toBeGreaterThan(0);
    // Off: the floor holds some of our completions back; on: those are swapped first and land sooner.
    expect(off.blocked.size).toBeGreaterThan(0);
    expect(off.swaps).toEqual([]);
    const swapped = new Set(on.swaps.map((s) => s.positionId));
    expect(swapped.size).toBeGreaterThan(0);
    for (const id of swapped) {
      expect(off.blocked.has(id)).toBe(true);
      expect(on.completedAt.has(id)).toBe(true);
      if (off.completedAt.has(id)) expect(delay(on, id)).toBeLessThan(delay(off, id));
      // Swaps land only in the block of their completion.
      for (const s of on.swaps.filter((x) => x.positionId === id))
        expect(s.block).toBe(on.completedAt.get(id));
    }
    // Nothing completes later with the policy on, and nothing completed with it off is missed.
    for (const id of off.completedAt.keys()) {
      expect(on.completedAt.has(id)).toBe(true);
      expect(delay(on, id)).toBeLessThanOrEqual(delay(off, id));
    }
    // No revert of ours landed, in either run.
    for (const run of [off, on]) {
      expect(run.gasLostOnChainWei).toBe(0n);
      expect(run.gasLostReportedWei).toBe(0n);
    }
    // What the lender's repayment got for each sold asset: at least the oracle's quote × (1 − slippage).
    for (const s of on.swaps)
      expect(s.amountOut * 10_000n).toBeGreaterThanOrEqual(s.quote * (10_000n - MAX_SLIPPAGE_BPS));
    const sum = (run: CrashRun, ids: Iterable<bigint>) => [...ids].reduce((t, id) => t + delay(run, id), 0);
    const both = [...off.completedAt.keys()];
    const worst = on.swaps.reduce(
      (min, s) => ((s.amountOut * 10_000n) / s.quote < min ? (s.amountOut * 10_000n) / s.quote : min),
      10_000n,
    );
    console.log(
      `swap-before-completion: frozen=${off.frozenAt.size} blocked_off=${off.blocked.size} swapped_on=${swapped.size} ` +
        `swaps=${on.swaps.length} completed_off=${off.completedAt.size} completed_on=${on.completedAt.size} ` +
        `completion_blocks_after_crash_off=${sum(off, both)} on=${sum(on, both)} ` +
        `earlier=${both.filter((id) => delay(on, id) < delay(off, id)).length} ` +
        `worst_out_vs_quote_bps=${worst} max_slippage_bps=${MAX_SLIPPAGE_BPS} ` +
        `gas_lost_wei=${off.gasLostOnChainWei + on.gasLostOnChainWei}`,
    );
    for (const policyOn of [false, true]) rmSync(logPath(policyOn), { force: true });
  }, 1_200_000);
});
