import { ZeroAddress, formatEther } from 'ethers';
import { pino } from 'pino';
import { RpcClient } from '../chain/RpcClient.js';
import type { KeeperConfig } from '../config/configSchema.js';
import { loadConfig } from '../config/loadConfig.js';
import { ConfigError } from '../errors/KeeperError.js';
import type { Address } from '../model/types.js';
import { liquidationHistory, type LiquidationRecord } from '../report/liquidationHistory.js';
import { poolsAtBlock } from '../report/poolsAtBlock.js';
import { amountInEthWei } from '../run/rewardValueWei.js';
import { PoolIndex } from '../valuation/PoolIndex.js';
import { profitReport, type ProfitReport } from '../report/profitReport.js';
import { ourAddresses } from './ourAddresses.js';

/**
 * `dex223-keeper report [--since <block|date>] [--json]`: every liquidation of the period from the subgraph's
 * history, joined with the receipts of our freezes and completions (gas at the price paid), per position and
 * in total, with our share of the market's liquidations. Nothing is stored locally: the subgraph and the
 * chain are the record.
 */
export async function reportCommand(options: {
  flags: Record<string, string | boolean>;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}): Promise<number> {
  const { config: file, since, json, ...flags } = options.flags;
  const config = loadConfig({ file: typeof file === 'string' ? file : undefined, env: options.env, flags });
  const log = pino({ level: config.ops.logLevel }, pino.destination(2));
  const ours = new Set(ourAddresses(config, log).map((a) => a.toLowerCase()));
  const rpc = new RpcClient(config.rpcUrls, config.chainId);
  try {
    const sinceBlock = await sinceToBlock(rpc, since);
    const history = await liquidationHistory(
      config.subgraphUrl,
      sinceBlock,
      config.subgraph.requestTimeoutMs,
    );
    const ourTxs = new Set([
      ...history.freezes.filter((f) => ours.has(f.liquidator)).map((f) => f.txHash),
      ...history.liquidations.filter((l) => ours.has(l.liquidator)).map((l) => l.txHash),
    ]);
    const gasByTx = new Map<string, bigint>();
    for (const hash of ourTxs) {
      const receipt = (await rpc.send('eth_getTransactionReceipt', [hash])) as {
        gasUsed: string;
        effectiveGasPrice: string;
      } | null;
      if (receipt === null) throw new Error(`no receipt for ${hash}: the RPC is behind the subgraph`);
      gasByTx.set(hash, BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice));
    }
    const tokenRewardWei = await tokenRewardsInEth(config, history.liquidations, ours);
    const report = profitReport({ ...history, ours, weth: config.weth ?? null, gasByTx, tokenRewardWei });
    if (json === true) options.print(JSON.stringify(toJson(report, sinceBlock)));
    else for (const line of formatReport(report, sinceBlock)) options.print(line);
    return 0;
  } finally {
    rpc.destroy();
  }
}

/**
 * Our completions paid in a token other than ETH and WETH, valued in ETH wei as the decision values rewards
 * (`amountInEthWei`, the gen-1 spot rule) on the pools as the subgraph had them at the end of the completion's
 * block: an estimate of what the token was worth then, not what selling it would have fetched.
 */
async function tokenRewardsInEth(
  config: KeeperConfig,
  liquidations: readonly LiquidationRecord[],
  ours: ReadonlySet<string>,
): Promise<Map<string, bigint>> {
  const values = new Map<string, bigint>();
  const weth = config.weth;
  if (weth === undefined) return values;
  for (const l of liquidations) {
    if (!ours.has(l.liquidator) || l.rewardAmount === null || l.rewardAsset === null) continue;
    const asset = l.rewardAsset as Address;
    if (asset === (ZeroAddress as Address) || asset === weth) continue;
    const pools = await poolsAtBlock(
      config.subgraphUrl,
      l.blockNumber,
      [asset, weth],
      config.subgraph.requestTimeoutMs,
    );
    const value = amountInEthWei(asset, l.rewardAmount, weth, PoolIndex.from(pools));
    if (value !== null) values.set(l.txHash, value);
  }
  return values;
}

/** A block number as is; a date (ISO 8601) as the first block at or after it (binary search on timestamps). */
async function sinceToBlock(rpc: RpcClient, since: string | boolean | undefined): Promise<number> {
  if (since === undefined) return 0;
  if (typeof since !== 'string' || since.trim() === '')
    throw new ConfigError('--since needs a block number or a date');
  if (/^\d+$/.test(since)) return Number(since);
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new ConfigError(`--since ${since}: neither a block number nor a date`);
  const target = BigInt(Math.floor(ms / 1000));
  const timestampOf = async (n: number) =>
    BigInt(
      ((await rpc.send('eth_getBlockByNumber', [`0x${n.toString(16)}`, false])) as { timestamp: string })
        .timestamp,
    );
  let lo = 0;
  let hi = Number(BigInt((await rpc.send('eth_blockNumber', [])) as string));
  if ((await timestampOf(hi)) < target) return hi + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await timestampOf(mid)) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function formatReport(report: ProfitReport, sinceBlock: number): string[] {
  const short = (a: string | null) => (a === null ? '-' : `${a.slice(0, 8)}…`);
  const lines = [
    `liquidations since block ${sinceBlock}: position, frozen by, completed by (block), reward, our gas, our profit (ETH)`,
  ];
  for (const p of report.positions) {
    lines.push(
      `  position ${p.positionId}: frozen by ${short(p.frozenBy)} completed by ${short(p.completedBy)}` +
        `${p.completedBlock === null ? '' : ` (${p.completedBlock})`} reward ${formatEther(p.rewardWei)}` +
        `${p.rewardEstimated ? ` (estimate: a token reward at the pool price of block ${p.completedBlock})` : ''}` +
        `${p.rewardUnvalued ? ' (+ a token reward not valued)' : ''} gas ${formatEther(p.gasWei)} profit ${formatEther(p.profitWei)}`,
    );
  }
  const t = report.totals;
  if (t.estimatedRewardWei > 0n)
    lines.push(
      `estimate: reward_wei and profit_wei include ${t.estimatedRewardWei} wei of token rewards valued at the pool price of their completion block`,
    );
  lines.push(
    `report: market_liquidations=${t.marketLiquidations} our_liquidations=${t.ourLiquidations} ` +
      `our_share=${(t.shareBps / 100).toFixed(2)}% reward_wei=${t.rewardWei} gas_wei=${t.gasWei} profit_wei=${t.profitWei}`,
  );
  return lines;
}

function toJson(report: ProfitReport, sinceBlock: number): unknown {
  return {
    sinceBlock,
    positions: report.positions.map((p) => ({
      ...p,
      positionId: p.positionId.toString(),
      rewardWei: p.rewardWei.toString(),
      gasWei: p.gasWei.toString(),
      profitWei: p.profitWei.toString(),
    })),
    totals: {
      ...report.totals,
      rewardWei: report.totals.rewardWei.toString(),
      estimatedRewardWei: report.totals.estimatedRewardWei.toString(),
      gasWei: report.totals.gasWei.toString(),
      profitWei: report.totals.profitWei.toString(),
    },
  };
}
