import { Interface, type AbstractProvider } from 'ethers';
import type { Address, PositionState } from '../model/types.js';
import type { DebtModel } from '../valuation/DebtLine.js';
import { debtGen1 } from '../valuation/debtGen1.js';
import { debtGen2 } from '../valuation/debtGen2.js';

/** 1 = gen 1; 2 = the 2090499 module; 3 = the deployed module with a global `priceOracle()` (generations.md §3). */
export type ModuleGeneration = 1 | 2 | 3;

/** What the keeper knows about the MarginModule it watches, probed at startup and refined by sampling. */
export interface ModuleProfile {
  generation: ModuleGeneration;
  /** `priceOracle()` (gen 3 only). */
  priceOracle: Address | null;
  /** The interest rule the book applies. */
  debtModel: DebtModel;
  /** Whether a live position's `getPositionStatus` debt told the rules apart (else the generation's default). */
  debtConfirmed: boolean;
}

const iface = new Interface(['function priceOracle() view returns (address)']);

/**
 * The module's generation as far as its interface tells: `priceOracle()` answers an address only on gen 3.
 * Gen 1 and 2 share every signature, so a module without it starts as gen 1 and is told apart by its debt
 * (`refineByDebt`). Gen 3's debt rule is not public: it starts as gen 2's, and is checked the same way.
 */
export async function probeModule(
  provider: AbstractProvider,
  module: Address,
  blockTag: number | string = 'latest',
): Promise<ModuleProfile> {
  let priceOracle: Address | null = null;
  try {
    const raw = await provider.call({ to: module, data: iface.encodeFunctionData('priceOracle'), blockTag });
    if (raw !== '0x') {
      const [address] = iface.decodeFunctionResult('priceOracle', raw) as unknown as [string];
      priceOracle = address.toLowerCase() as Address;
    }
  } catch {
    priceOracle = null; // no such function: gen 1 or 2
  }
  return priceOracle
    ? { generation: 3, priceOracle, debtModel: 'gen2', debtConfirmed: false }
    : { generation: 1, priceOracle: null, debtModel: 'gen1', debtConfirmed: false };
}

/** The debt rules that give the contract's `debt` for `position` at `timestampSec`. */
export function debtRulesFitting(position: PositionState, timestampSec: bigint, debt: bigint): DebtModel[] {
  const fits: DebtModel[] = [];
  const { initialBalance: ib, interest, createdAtSec } = position;
  if (debtGen1(ib, interest, createdAtSec, timestampSec) === debt) fits.push('gen1');
  if (debtGen2(ib, interest, createdAtSec, timestampSec) === debt) fits.push('gen2');
  return fits;
}

export type DebtVerdict =
  | { kind: 'agrees'; profile: ModuleProfile }
  | { kind: 'switched'; profile: ModuleProfile; detail: string }
  | { kind: 'unknown'; detail: string };

/**
 * One sampled (position, contract debt) against the profile: a debt only the other rule gives switches the rule
 * (and makes a module without `priceOracle()` gen 2) unless a previous sample confirmed the current one, which
 * means neither rule is the module's; a debt no rule gives means the same.
 */
export function refineByDebt(
  profile: ModuleProfile,
  position: PositionState,
  timestampSec: bigint,
  debt: bigint,
): DebtVerdict {
  const fits = debtRulesFitting(position, timestampSec, debt);
  const at = `position ${position.positionId} at ${timestampSec}: contract debt ${debt}`;
  if (fits.includes(profile.debtModel)) {
    const confirmed = profile.debtConfirmed || fits.length === 1;
    return {
      kind: 'agrees',
      profile: confirmed === profile.debtConfirmed ? profile : { ...profile, debtConfirmed: confirmed },
    };
  }
  if (fits.length === 0 || profile.debtConfirmed) {
    return {
      kind: 'unknown',
      detail: `${at} fits ${fits.length === 0 ? 'neither debt rule' : `only ${fits[0]}, after ${profile.debtModel} was confirmed`}`,
    };
  }
  const debtModel = fits[0] as DebtModel;
  const generation: ModuleGeneration = profile.generation === 3 ? 3 : debtModel === 'gen2' ? 2 : 1;
  return {
    kind: 'switched',
    profile: { ...profile, generation, debtModel, debtConfirmed: true },
    detail: `${at} fits the ${debtModel} debt rule, not ${profile.debtModel}`,
  };
}
