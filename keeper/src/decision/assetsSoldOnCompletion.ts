import type { Address, PositionState } from '../model/types.js';

/**
 * The non-base assets a completion would sell, in order. Gen 1 walks forward and, when a sale empties
 * slot i, moves the last asset into slot i and still moves on, so that asset is skipped (and is never
 * sold, so it needs no swap permission). Gen 2 sells every non-base asset with a balance, last first.
 */
export function assetsSoldOnCompletion(position: PositionState, moduleGeneration: 1 | 2 = 1): Address[] {
  const assets = position.assets.slice();
  const balances = position.balances.slice();
  if (moduleGeneration === 2) {
    return assets.filter((_, i) => i > 0 && (balances[i] ?? 0n) !== 0n).reverse();
  }
  const sold: Address[] = [];
  for (let i = 1; i < assets.length; i++) {
    const asset = assets[i];
    if (asset === undefined || (balances[i] ?? 0n) === 0n) continue;
    sold.push(asset);
    const last = assets.length - 1;
    assets[i] = assets[last] ?? asset;
    balances[i] = balances[last] ?? 0n;
    assets.pop();
    balances.pop();
  }
  return sold;
}
