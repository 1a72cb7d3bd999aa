import { Interface, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { runKeeper, waitForStdout, type KeeperProcess } from '../support/keeperProcess.js';

/** Each keeper has keys of its own: a liquidator key and a relay auth key. */
const SHARDS = [
  { name: 'A', key: `0x${'6a'.repeat(32)}`, auth: `0x${'b1'.repeat(32)}` },
  { name: 'B', key: `0x${'6b'.repeat(32)}`, auth: `0x${'b2'.repeat(32)}` },
] as const;

const liquidation = new Interface([
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;
const running: KeeperProcess[] = [];

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 40, seed: 29 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  for (const run of running) {
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    await run.exited;
  }
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

/** Liquidations in blocks `from..to`: position → order and liquidator. */
async function liquidations(
  from: number,
  to: number,
): Promise<Map<bigint, { orderId: bigint; liquidator: string }>> {
  const logs = await devnet.provider.getLogs({
    address: devnet.addresses.marginModule,
    fromBlock: from,
    toBlock: to,
    topics: [liquidation.getEvent('Liquidation')!.topicHash],
  });
  const out = new Map<bigint, { orderId: bigint; liquidator: string }>();
  for (const log of logs) {
    const parsed = liquidation.parseLog(log)!;
    out.set(parsed.args[0] as bigint, {
      orderId: parsed.args[1] as bigint,
      liquidator: (parsed.args[2] as string).toLowerCase(),
    });
  }
  return out;
}

describe('two keepers side by side, sharded by order id, each with its own keys', () => {
  it('after a crash each liquidates exactly the positions of its own orders, and together all of them', async () => {
    const orderIds = market.orders.map((o) => o.orderId);
    expect(orderIds.length).toBeGreaterThanOrEqual(2);
    // Even orders to A, odd ones to B.
    const shardOf = (orderId: bigint) => (orderIds.indexOf(orderId) % 2 === 0 ? 0 : 1);
    const shardOrders = [0, 1].map((s) => orderIds.filter((id) => shardOf(id) === s));
    const addresses = SHARDS.map((s) => new Wallet(s.key).address.toLowerCase());
    for (const address of addresses)
      await devnet.provider.send('anvil_setBalance', [address, '0x56bc75e2d63100000']);

    await crashPrices(devnet, market, 150_000n);
    const crash = await devnet.producer.latest();
    const truth = await contractLiquidatable(
      devnet.provider,
      devnet.addresses.marginModule,
      crash.hash,
      crash.timestampSec + 12,
    );
    expect(truth.size).toBeGreaterThanOrEqual(3);

    SHARDS.forEach((shard, i) => {
      const flags: Record<string, string> = {
        'chain-id': String(devnet.chainId),
        'rpc-urls': devnet.rpcUrl,
        'subgraph-url': host.url,
        'margin-module': devnet.addresses.marginModule,
        'block-time-sec': '12',
        'poll-interval-ms': '50',
        'subgraph.max-lag-blocks': '0',
        'ops.port': '0',
        weth: market.base.address,
        'execution.relays': relay.url,
        'filters.order-ids': shardOrders[i]!.join(','),
      };
      running.push(
        runKeeper(['run', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])], {
          DEX223_KEEPER_PRIVATE_KEY: shard.key,
          DEX223_KEEPER_FLASHBOTS_AUTH_KEY: shard.auth,
        }),
      );
    });
    const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'gm'))?.length ?? 0;
    // Which shard each liquidatable position belongs to, from the contract (its order id).
    const mm = new Interface(['function positions(uint256) view returns (uint256 orderId)']);
    const expected: bigint[][] = [[], []];
    for (const id of truth) {
      const raw = await devnet.provider.call({
        to: devnet.addresses.marginModule,
        data: mm.encodeFunctionData('positions', [id]),
      });
      expected[shardOf(mm.decodeFunctionResult('positions', raw)[0] as bigint)]!.push(id);
    }
    expect(expected[0]!.length).toBeGreaterThan(0);
    expect(expected[1]!.length).toBeGreaterThan(0);
    /** Waits until each keeper has sent `kind` for every position of its shard, for block `target`. */
    const sentAll = async (kind: string, target: number) => {
      for (const [s, run] of running.entries())
        await waitForStdout(
          run,
          (out) =>
            expected[s]!.every((id) =>
              new RegExp(`^ {2}sent ${kind} position ${id} .* for block ${target} `, 'm').test(out),
            ),
          `keeper ${SHARDS[s]!.name}: ${kind} of positions ${expected[s]!.join(', ')} for block ${target}`,
        );
    };
    await sentAll('freeze', crash.number + 1);
    const freezeBlock = await devnet.producer.mine();
    await sentAll('complete', freezeBlock.number + 1);
    const completeBlock = await devnet.producer.mine();
    const last = completeBlock.number;
    const done = await liquidations(crash.number + 1, last);
    expect(new Set(done.keys())).toEqual(truth);
    const byShard = [0, 1].map((s) => [...done.values()].filter((l) => shardOf(l.orderId) === s));
    for (const s of [0, 1]) {
      // Each position of a shard's orders was liquidated by that shard's key, and only by it.
      expect(byShard[s]!.every((l) => l.liquidator === addresses[s])).toBe(true);
    }
    expect(byShard[0]!.length).toBeGreaterThan(0);
    expect(byShard[1]!.length).toBeGreaterThan(0);
    for (const [s, run] of running.entries()) {
      // A completion's "included" line comes when the keeper settles it, after its block line: wait for it.
      await waitForStdout(
        run,
        (out) => count(out, /^ {2}included complete position \d+/) === byShard[s]!.length,
        `${byShard[s]!.length} completions settled by keeper ${SHARDS[s]!.name}`,
      );
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      // The other shard's positions never appear in this keeper's sends.
      const others = byShard[1 - s]!.length;
      expect(others).toBeGreaterThan(0);
      const sentIds = [...run.stdout().matchAll(/^ {2}sent \w+ position (\d+) /gm)].map((m) => BigInt(m[1]!));
      expect(sentIds.length).toBeGreaterThan(0);
      for (const id of sentIds) {
        expect(done.has(id)).toBe(true);
        expect(shardOf(done.get(id)!.orderId)).toBe(s);
      }
      expect(count(run.stdout(), /^ {2}included complete position \d+/)).toBe(byShard[s]!.length);
    }
    console.log(
      `sharded-keepers: liquidatable=${truth.size} shardA_orders=${shardOrders[0]!.join(',')} liquidated_by_A=${byShard[0]!.length} shardB_orders=${shardOrders[1]!.join(',')} liquidated_by_B=${byShard[1]!.length}`,
    );
  }, 180_000);
});
