import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Interface, Wallet, id } from 'ethers';
import { planBlock } from '../../keeper/src/decision/planBlock.js';
import type { PositionInput } from '../../keeper/src/decision/types.js';
import type { Address } from '../../keeper/src/model/types.js';
import { ValuationBook } from '../../keeper/src/valuation/ValuationBook.js';
import { measureRpcBaseline } from './measureRpcBaseline.js';
import { syntheticMarket } from './syntheticMarket.js';

// Head seen → bundle sent, per block, on a synthetic market of 10,000 and 100,000 positions: the pool changes of
// one block go into the valuation book, the candidates are decided, their transactions signed, and one bundle is
// posted (signed with the Flashbots auth key) to a relay stand-in on loopback; the clock stops when the relay has
// answered. The baseline is the same block done the way the existing Dex223 keeper does it: one eth_call per
// affected position (measured on the devnet in this run), then the same send.
const SIZES = [10_000, 100_000];
const POOLS = 200;
const MOVED_POOLS = 2;
/** Each block also drops one pool by this much, so that every block has positions to liquidate. */
const CRASH_KEEP_PPM = 700_000n;
const BLOCKS = 100;
const BASELINE_POSITIONS = 200;
const SECONDS_PER_BLOCK = 12n;
const MM = '0x5f2d775362adbc70a6814456a41b268e29259ba0';

const mmAbi = new Interface([
  'function liquidate(uint256 positionId)',
  'function freeze(uint256 positionId)',
]);
const liquidator = new Wallet(`0x${'4b'.repeat(32)}`);
const authKey = new Wallet(`0x${'a7'.repeat(32)}`);

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

/** A relay stand-in: reads the bundle, checks it carries a signature header, answers a bundle hash. */
async function startRelayStandIn(): Promise<{
  url: string;
  bundles: () => number;
  stop: () => Promise<void>;
}> {
  let bundles = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as { id: number; method: string };
      const ok =
        request.method === 'eth_sendBundle' && typeof req.headers['x-flashbots-signature'] === 'string';
      if (ok) bundles += 1;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            ok
              ? { jsonrpc: '2.0', id: request.id, result: { bundleHash: id(body) } }
              : { jsonrpc: '2.0', id: request.id, error: { code: -32600, message: 'bad bundle' } },
          ),
        );
    });
  });
  // Generating the 100,000-position market takes longer than the default keep-alive: keep the socket open.
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bundles: () => bundles,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Signs the plan's transactions and posts them as one bundle for `blockNumber`; resolves when the relay answered. */
async function sendBundle(
  url: string,
  txs: { kind: string; positionId: bigint }[],
  blockNumber: bigint,
  nonce: number,
) {
  const signed = await Promise.all(
    txs.map((tx, i) =>
      liquidator.signTransaction({
        to: MM,
        data: mmAbi.encodeFunctionData(tx.kind === 'freeze' ? 'freeze' : 'liquidate', [tx.positionId]),
        nonce: nonce + i,
        gasLimit: 400_000n,
        maxFeePerGas: 30_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
        chainId: 1n,
        type: 2,
      }),
    ),
  );
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'eth_sendBundle',
    params: [{ txs: signed, blockNumber: `0x${blockNumber.toString(16)}` }],
  });
  const signature = `${authKey.address}:${await authKey.signMessage(id(body))}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-flashbots-signature': signature },
    body,
  });
  const answer = (await res.json()) as { result?: unknown };
  if (!answer.result) throw new Error(`relay refused the bundle: ${JSON.stringify(answer)}`);
}

interface Measured {
  positions: number;
  latencyMs: number[];
  sendMs: number[];
  actionsPerBlock: number;
  revaluedPerBlock: number;
}

async function measure(positions: number, relayUrl: string): Promise<Measured> {
  const market = syntheticMarket({ positions, pools: POOLS });
  const positionsById = new Map(market.positions.map((p) => [p.positionId, p]));
  const ordersById = new Map(market.orders.map((o) => [o.orderId, o]));
  const book = new ValuationBook();
  let timestampSec = market.startSec;
  book.update(
    { oracles: market.oracles, orders: market.orders, pools: market.pools, positions: market.positions },
    timestampSec,
  );
  // Positions already liquidatable at the start are taken out (as if liquidated): each block's work is its own.
  const done = new Set<bigint>(book.candidates(timestampSec + SECONDS_PER_BLOCK));
  const latencyMs: number[] = [];
  const sendMs: number[] = [];
  let actions = 0;
  let revalued = 0;
  let nonce = 0;
  for (let block = 0; block < BLOCKS; block++) {
    timestampSec += SECONDS_PER_BLOCK;
    const moved = market.movePools(MOVED_POOLS);
    const crashed = moved[0]!;
    crashed.sqrtPriceX96 = (crashed.sqrtPriceX96 * CRASH_KEEP_PPM) / 1_000_000n;
    // Head seen: the block's pool changes are in hand (as the mirror hands them to the book).
    const seen = performance.now();
    const nextSec = timestampSec + SECONDS_PER_BLOCK;
    revalued += book.update({ pools: moved }, nextSec).revalued;
    const inputs: PositionInput[] = [];
    for (const positionId of book.candidates(nextSec)) {
      if (done.has(positionId)) continue;
      const position = positionsById.get(positionId)!;
      const order = ordersById.get(position.orderId)!;
      const valuation = book.valuation(positionId, nextSec);
      if (valuation) inputs.push({ position, order, valuation, rewardValueWei: 10n ** 17n });
    }
    const plan = planBlock({
      nextBlock: { number: BigInt(block + 1), timestampSec: nextSec },
      ourAddresses: [liquidator.address.toLowerCase() as Address],
      inFlight: new Map(),
      fees: { nextBlock: { baseFeePerGasWei: 10_000_000_000n, priorityFeePerGasWei: 1_000_000_000n } },
      policy: {
        minProfitWei: 0n,
        alwaysLiquidateAboveRewardWei: null,
        lenders: [],
        orderIds: [],
        rewardFloorWei: 0n,
      },
      erc223Addresses: new Set(),
      positions: inputs,
    });
    const sendStarted = performance.now();
    if (plan.actions.length > 0) {
      await sendBundle(relayUrl, plan.actions, BigInt(block + 1), nonce);
      nonce += plan.actions.length;
      sendMs.push(performance.now() - sendStarted);
      latencyMs.push(performance.now() - seen);
    }
    actions += plan.actions.length;
    for (const action of plan.actions) done.add(action.positionId);
  }
  return {
    positions,
    latencyMs,
    sendMs,
    actionsPerBlock: actions / BLOCKS,
    revaluedPerBlock: revalued / BLOCKS,
  };
}

const relay = await startRelayStandIn();
const results: Measured[] = [];
try {
  for (const size of SIZES) {
    const r = await measure(size, relay.url);
    results.push(r);
    console.log(
      `${size} positions: ${r.latencyMs.length} of ${BLOCKS} blocks sent a bundle (${r.actionsPerBlock.toFixed(1)} actions, ${r.revaluedPerBlock.toFixed(0)} positions revalued per block); ` +
        `head seen → bundle sent p50 ${percentile(r.latencyMs, 0.5).toFixed(2)} ms, p99 ${percentile(r.latencyMs, 0.99).toFixed(2)} ms ` +
        `(of which signing and sending p50 ${percentile(r.sendMs, 0.5).toFixed(2)} ms)`,
    );
  }
} finally {
  await relay.stop();
}

const baseline = await measureRpcBaseline(BASELINE_POSITIONS);
for (const r of results) {
  // The existing keeper: one eth_call per affected position, then the same signing and sending.
  const baselineMs = baseline.perPositionMs * r.revaluedPerBlock + percentile(r.sendMs, 0.5);
  const p50 = percentile(r.latencyMs, 0.5);
  console.log(
    `latency: positions=${r.positions} p50_ms=${p50.toFixed(2)} p99_ms=${percentile(r.latencyMs, 0.99).toFixed(2)} ` +
      `baseline_ms=${baselineMs.toFixed(0)} baseline_ratio=${(baselineMs / p50).toFixed(0)}`,
  );
}
console.log(
  `baseline: ${baseline.perPositionMs.toFixed(3)} ms per subjectToLiquidation eth_call (devnet, ${baseline.positions} positions, setup ${(baseline.setupMs / 1000).toFixed(1)} s)`,
);
