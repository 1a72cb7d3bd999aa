import { Interface, type AbstractProvider } from 'ethers';
import type { Address, OracleProfile } from '../model/types.js';
import { fixedRatioKey } from '../valuation/quoteFixedRatio.js';

type FixedRatioProfile = Extract<OracleProfile, { kind: 'fixed-ratio' }>;

const iface = new Interface([
  'function ratios(address, address) view returns (uint256 numerator, uint256 denominator)',
]);

/**
 * The fixed-ratio oracle's current ratios for the (buy, sell) pairs in use, read at `blockTag`. Its prices
 * change by `setRatio`, which no subgraph entity reflects, so they are re-read every block: one call per pair
 * in use, however many positions hold it. Returns a new profile when any ratio changed, else null.
 */
export async function readFixedRatios(
  provider: AbstractProvider,
  profile: FixedRatioProfile,
  pairs: Iterable<[Address, Address]>,
  blockTag: number,
): Promise<{ profile: FixedRatioProfile | null; calls: number }> {
  const ratios = new Map(profile.ratios);
  let changed = false;
  let calls = 0;
  const seen = new Set<string>();
  for (const [buy, sell] of pairs) {
    const key = fixedRatioKey(buy, sell);
    if (seen.has(key)) continue;
    seen.add(key);
    const raw = await provider.call({
      to: profile.address,
      data: iface.encodeFunctionData('ratios', [buy, sell]),
      blockTag,
    });
    calls += 1;
    const [numerator, denominator] = iface.decodeFunctionResult('ratios', raw) as unknown as [bigint, bigint];
    // An unset pair reads (0, 0) and prices 1:1, like a missing map entry.
    const next = denominator === 0n ? undefined : { numerator, denominator };
    const current = ratios.get(key);
    if (
      next === undefined
        ? current !== undefined
        : current?.numerator !== next.numerator || current.denominator !== next.denominator
    ) {
      changed = true;
      if (next === undefined) ratios.delete(key);
      else ratios.set(key, next);
    }
  }
  return { profile: changed ? { ...profile, ratios } : null, calls };
}
