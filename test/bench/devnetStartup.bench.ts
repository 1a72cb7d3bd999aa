import { Devnet } from '../../devnet/Devnet.js';
import { runSmallMarket } from '../../devnet/scenario/smallMarket.js';

// Starts the devnet a few times and prints the time to a running chain with contracts and a small market.
// The first run may include compiling the contracts (cached afterwards).
const RUNS = 3;
const totals: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const started = performance.now();
  const devnet = await Devnet.start();
  const deployed = performance.now();
  const market = await runSmallMarket(devnet);
  const done = performance.now();
  const head = await devnet.producer.latest();
  await devnet.stop();
  totals.push(done - started);
  console.log(
    `run ${run}: chain+deploy ${Math.round(deployed - started)} ms, small market ${Math.round(done - deployed)} ms ` +
      `(${head.number} blocks, ${market.positionIds.length} positions)`,
  );
}
const sorted = [...totals].sort((a, b) => a - b);
console.log(
  `devnet-bench: median_total_ms=${Math.round(sorted[Math.floor(RUNS / 2)] ?? 0)} max_total_ms=${Math.round(sorted[RUNS - 1] ?? 0)} target_ms=10000`,
);
