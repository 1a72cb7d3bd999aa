import { formatEther } from 'ethers';
import { startKeeper } from './startKeeper.js';

function eta(seconds: bigint): string {
  if (seconds <= 0n) return 'now';
  const s = Number(seconds);
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  if (s < 86_400 * 2) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** `dex223-keeper status`: the positions nearest to liquidation, with health, ETA and reward. */
export async function statusCommand(options: {
  flags: Record<string, string | boolean>;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}): Promise<number> {
  const top = Number(options.flags.top ?? 20);
  const { top: _top, ...flags } = options.flags;
  const keeper = await startKeeper({ flags, env: options.env, subgraphWaitMs: 15_000 });
  try {
    const block = await keeper.rpc.provider.getBlock('latest');
    if (!block?.hash) throw new Error('the RPC has no latest block');
    const outcome = await keeper.core.processBlock({
      number: block.number,
      hash: block.hash.toLowerCase(),
      timestampSec: block.timestamp,
    });
    keeper.progress.done();
    if (outcome.kind === 'not-acting') {
      options.print(`not acting: ${outcome.reason}`);
      return 1;
    }
    const { mirror, book } = keeper.core;
    const ts = outcome.nextTimestampSec;
    const rows = [...mirror.positions.values()].map((position) => ({
      position,
      valuation: book.valuation(position.positionId, ts),
    }));
    const when = (r: (typeof rows)[number]) =>
      r.valuation?.kind === 'valued' && r.valuation.liquidatableAtSec !== null
        ? r.valuation.liquidatableAtSec
        : null;
    rows.sort((a, b) => {
      const [x, y] = [when(a), when(b)];
      if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
      return x < y ? -1 : x > y ? 1 : a.position.positionId < b.position.positionId ? -1 : 1;
    });
    options.print(
      `block ${outcome.head.number}: ${rows.length} open positions, ${outcome.stats.candidates} liquidatable at the next block, ${outcome.stats.atRisk} at risk`,
    );
    options.print('position  order  health    liquidatable in  frozen  reward');
    for (const { position, valuation } of rows.slice(0, top)) {
      const order = mirror.orders.get(position.orderId);
      const health =
        valuation?.kind === 'valued'
          ? valuation.debt === 0n
            ? '∞'
            : `${(Number((valuation.value * 10_000n) / valuation.debt) / 100).toFixed(2)}%`
          : (valuation?.kind ?? 'unknown');
      const at = when({ position, valuation });
      const reward = order
        ? `${formatEther(order.rewardAmount)} ${order.rewardAsset === '0x0000000000000000000000000000000000000000' ? 'ETH' : order.rewardAsset}`
        : '?';
      options.print(
        `${position.positionId.toString().padEnd(9)} ${position.orderId.toString().padEnd(6)} ${health.padEnd(9)} ${(at === null ? 'never' : eta(at - BigInt(outcome.head.timestampSec))).padEnd(16)} ${(position.frozenAtSec > 0n ? 'yes' : 'no').padEnd(7)} ${reward}`,
      );
    }
    return 0;
  } finally {
    keeper.close();
  }
}
