import { keccak256, toUtf8Bytes } from 'ethers';
import type { BuilderSchedule } from './BlockProducer.js';
import { DevnetError } from './DevnetError.js';

/** A builder's name and its weight in the draw (its expected share of blocks is weight / total). */
export interface BuilderShare {
  name: string;
  weight: number;
}

/**
 * A deterministic schedule: block numbers in `fixed` go to the named builder; every other block is drawn by
 * weight from keccak256(seed, number), so a seed replays the same builders block for block, as the real
 * market's handful of builders share blocks by how often each wins the slot auction.
 */
export function builderSchedule(options: {
  shares: readonly BuilderShare[];
  seed?: string;
  fixed?: ReadonlyMap<number, string> | Readonly<Record<number, string>>;
}): BuilderSchedule {
  const shares = options.shares.filter((s) => s.weight > 0);
  for (const share of options.shares) {
    if (!Number.isSafeInteger(share.weight) || share.weight < 0)
      throw new DevnetError(`builder ${share.name}: weight must be a non-negative integer`);
  }
  const total = shares.reduce((sum, s) => sum + s.weight, 0);
  if (total === 0) throw new DevnetError('a builder schedule needs at least one builder with a weight');
  const fixed =
    options.fixed instanceof Map
      ? options.fixed
      : new Map(Object.entries(options.fixed ?? {}).map(([k, v]) => [Number(k), v] as const));
  const seed = options.seed ?? 'devnet builders';
  return (blockNumber) => {
    const chosen = fixed.get(blockNumber);
    if (chosen !== undefined) return chosen;
    let ticket = BigInt(keccak256(toUtf8Bytes(`${seed}/${blockNumber}`))) % BigInt(total);
    for (const share of shares) {
      if (ticket < BigInt(share.weight)) return share.name;
      ticket -= BigInt(share.weight);
    }
    // Unreachable: the ticket is below the total of the weights.
    throw new DevnetError(`no builder drawn for block ${blockNumber}`);
  };
}
