import { ValuationBook } from '../../keeper/src/valuation/ValuationBook.js';
import { measureRpcBaseline } from './measureRpcBaseline.js';
import { syntheticMarket } from './syntheticMarket.js';
import { syntheticTwapMarket } from './syntheticTwapMarket.js';

// The valuation engine on a synthetic market of POSITIONS open positions (2–4 assets, 3 on average) over POOLS
// pools, then the same per-block work done the way the existing Dex223 keeper does it: one eth_call per
// affected position, measured on the devnet at BASELINE_POSITIONS positions and extrapolated per position.
// `--oracle twap`: every order priced by the 2d3ffd2 TWAP oracle (1800 s window) over pools with rings, each moved
// pool a real swap that writes an observation; TWAP prices then move with time alone (every pool is inside some
// window), so a keeper asking the chain must check every position every block: that is the baseline's count there.
// The book files each position under a bound from its pairs' extreme rates and checks it exactly only when due.
// `--positions N` changes the book's size (default 100,000).
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const ORACLE = flag('oracle') ?? 'spot';
if (ORACLE !== 'spot' && ORACLE !== 'twap') throw new Error(`--oracle must be spot or twap, got ${ORACLE}`);
const TWAP_WINDOW_SEC = 1800;
const POSITIONS = Number(flag('positions') ?? 100_000);
const POOLS = 200;
const MOVED_POOLS = Math.max(1, Math.round(POOLS / 100));
const BLOCKS = 200;
const COLD_RUNS = 5;
const BASELINE_POSITIONS = 2_000;
const SECONDS_PER_BLOCK = 12n;

const mb = (bytes: number) => bytes / 2 ** 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

type BenchMarket = Omit<ReturnType<typeof syntheticMarket>, 'movePools'> & {
  movePools(count: number, timestampSec: bigint): ReturnType<ReturnType<typeof syntheticMarket>['movePools']>;
};

/** A book valued from nothing at `atSec`, the market's present (its pools' rings were written up to then). */
function buildBook(market: BenchMarket, atSec: bigint): { book: ValuationBook; ms: number } {
  // The TWAP oracles run on the gen-2/3 modules, whose debt rule is gen 2's.
  const book = new ValuationBook({ debtModel: ORACLE === 'twap' ? 'gen2' : 'gen1' });
  const started = performance.now();
  book.update(
    { oracles: market.oracles, orders: market.orders, pools: market.pools, positions: market.positions },
    atSec,
  );
  return { book, ms: performance.now() - started };
}

const generated = performance.now();
const market: BenchMarket =
  ORACLE === 'twap'
    ? syntheticTwapMarket({ positions: POSITIONS, pools: POOLS, window: TWAP_WINDOW_SEC })
    : (() => {
        const spot = syntheticMarket({ positions: POSITIONS, pools: POOLS });
        return { ...spot, movePools: (count: number) => spot.movePools(count) };
      })();
console.log(
  `market (${ORACLE === 'twap' ? `2d3ffd2 TWAP, window ${TWAP_WINDOW_SEC} s` : 'spot and fixed-ratio oracles'}): ${market.positions.length} positions, ${(market.positions.reduce((n, p) => n + p.assets.length, 0) / market.positions.length).toFixed(2)} assets each on average, ${market.pools.length} pools, ${market.orders.length} orders (generated in ${Math.round(performance.now() - generated)} ms)`,
);

let peakRss = process.memoryUsage().rss;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

// One book, as a keeper process holds it: the first full valuation (JIT still cold), then a run of blocks.
// In a function, so that the book is garbage before the cold runs below start from nothing.
function runBlocks() {
  const first = buildBook(market, market.startSec);
  const { book } = first;
  sampleRss();
  let timestampSec = market.startSec;
  book.candidates(timestampSec);
  const blockMs: number[] = [];
  let revalued = 0;
  let candidates = 0;
  for (let block = 0; block < BLOCKS; block++) {
    timestampSec += SECONDS_PER_BLOCK;
    const moved = market.movePools(MOVED_POOLS, timestampSec);
    const started = performance.now();
    const summary = book.update({ pools: moved }, timestampSec);
    candidates += book.candidates(timestampSec).length;
    blockMs.push(performance.now() - started);
    revalued += summary.revalued;
    if (block % 20 === 0) sampleRss();
  }
  sampleRss();
  return {
    firstMs: first.ms,
    blockMs,
    revaluedPerBlock: revalued / BLOCKS,
    candidatesPerBlock: candidates / BLOCKS,
    rpcPerBlock: book.positionIds('unvalued').length,
    endSec: timestampSec,
  };
}

const { firstMs, blockMs, revaluedPerBlock, candidatesPerBlock, rpcPerBlock, endSec } = runBlocks();
const blockMean = blockMs.reduce((a, b) => a + b, 0) / BLOCKS;
console.log(
  `per block (${MOVED_POOLS} of ${POOLS} pools move, ${BLOCKS} blocks): mean ${blockMean.toFixed(2)} ms, p50 ${median(blockMs).toFixed(2)} ms, p95 ${percentile(blockMs, 0.95).toFixed(2)} ms, max ${Math.max(...blockMs).toFixed(2)} ms; ${revaluedPerBlock.toFixed(0)} positions revalued and ${candidatesPerBlock.toFixed(0)} candidates per block`,
);
console.log(`memory: peak RSS ${mb(peakRss).toFixed(0)} MB with the book and its input states`);

// Full valuations from an empty book, as on start and on each scheduled resync: at the market's present, after the
// blocks above moved its pools (valuing it at its start would put every ring's newest write in the future).
const coldMs: number[] = [];
for (let run = 0; run < COLD_RUNS; run++) coldMs.push(buildBook(market, endSec).ms);
const coldMedian = median(coldMs);
console.log(
  `cold full valuation: first (JIT cold) ${firstMs.toFixed(0)} ms; then ${coldMs.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${coldMedian.toFixed(0)} ms)`,
);

const baseline = await measureRpcBaseline(BASELINE_POSITIONS);
// Under a TWAP every position's value can move at every block; with spot prices only those of the moved pools.
const affectedPerBlock = ORACLE === 'twap' ? market.positions.length : revaluedPerBlock;
const baselineBlockMs = baseline.perPositionMs * affectedPerBlock;
const ratio = baselineBlockMs / blockMean;
console.log(
  `baseline (one subjectToLiquidation eth_call per affected position, devnet, ${baseline.positions} positions, setup ${(baseline.setupMs / 1000).toFixed(1)} s): ${baseline.perPositionMs.toFixed(3)} ms per position → ${baselineBlockMs.toFixed(0)} ms for the ${affectedPerBlock.toFixed(0)} affected positions of a block, ${affectedPerBlock.toFixed(0)} RPC calls per block and growing with the book`,
);
console.log(
  `targets: cold ≤ 250 ms, per block ≤ 5 ms, RSS ≤ 300 MB, RPC calls per block independent of the number of positions`,
);
console.log(
  `bench: cold_ms=${coldMedian.toFixed(0)} block_ms=${blockMean.toFixed(2)} rss_mb=${mb(peakRss).toFixed(0)} rpc_per_block=${rpcPerBlock} baseline_ratio=${ratio.toFixed(0)}`,
);
