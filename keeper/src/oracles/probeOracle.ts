import { Interface, keccak256, type AbstractProvider } from 'ethers';
import type { Address, OracleProfile } from '../model/types.js';

const iface = new Interface([
  'function twapWindow() view returns (uint32)',
  'function feeTiers(uint256) view returns (uint24)',
  'function pricePrecisionDecimals() view returns (uint256)',
  'function factory() view returns (address)',
  'function ratios(address, address) view returns (uint256 numerator, uint256 denominator)',
  'function harmonicMeanLiquidity(address pool) view returns (uint128)',
]);

/** 6e5e5c3 cuts amounts to this many leading digits; any other answer is not the oracle we model. */
const TWAP_6E5E5C3_DIGITS = 5n;

/**
 * Whether the runtime code dispatches on `fn`'s selector (a PUSH4 of it). Used where a call cannot tell: the
 * 2d3ffd2 oracle's `harmonicMeanLiquidity(address)` reverts for any address that is not a pool old enough, which
 * is also what a contract without that function does.
 */
export function dispatchesSelector(code: string, fn: string): boolean {
  const selector = iface.getFunction(fn)?.selector.slice(2).toLowerCase();
  return selector !== undefined && code.toLowerCase().includes(`63${selector}`);
}

const MAX_FEE_TIERS = 16;

async function tryCall(
  provider: AbstractProvider,
  to: string,
  fn: string,
  args: unknown[],
  blockTag: number | string,
): Promise<unknown[] | undefined> {
  try {
    const raw = await provider.call({ to, data: iface.encodeFunctionData(fn, args), blockTag });
    if (raw === '0x') return undefined;
    return [...iface.decodeFunctionResult(fn, raw)];
  } catch {
    return undefined; // the interface does not answer this function: that is the probe's answer
  }
}

/**
 * Identifies how an oracle prices by what its interface answers (only the TWAP oracles have `twapWindow()`;
 * generation 1 keeps `feeTiers(i)` and `pricePrecisionDecimals()` in storage; the devnet's fixed-ratio
 * oracle answers `ratios(a, b)`). Storage knobs are read at `blockTag`. Anything else is valued on chain.
 * The caller verifies the model against `getPositionStatus` before trusting it.
 */
export async function probeOracle(
  provider: AbstractProvider,
  address: Address,
  blockTag: number | string = 'latest',
): Promise<OracleProfile> {
  const code = await provider.getCode(address, blockTag);
  if (code === '0x') return { kind: 'onchain', address, reason: 'no contract at the oracle address' };
  const window = (await tryCall(provider, address, 'twapWindow', [], blockTag))?.[0] as bigint | undefined;
  if (window !== undefined) return probeTwap(provider, address, code, window, blockTag);
  const factory = (await tryCall(provider, address, 'factory', [], blockTag))?.[0] as string | undefined;
  const decimals = (await tryCall(provider, address, 'pricePrecisionDecimals', [], blockTag))?.[0] as
    bigint | undefined;
  const firstTier = (await tryCall(provider, address, 'feeTiers', [0n], blockTag))?.[0] as bigint | undefined;
  if (factory && decimals !== undefined && firstTier !== undefined) {
    const feeTiers: number[] = [Number(firstTier)];
    for (let i = 1; i < MAX_FEE_TIERS; i++) {
      const tier = (await tryCall(provider, address, 'feeTiers', [BigInt(i)], blockTag))?.[0] as
        bigint | undefined;
      if (tier === undefined) break;
      feeTiers.push(Number(tier));
    }
    return {
      kind: 'gen1-spot',
      address,
      factory: factory.toLowerCase() as Address,
      feeTiers,
      pricePrecisionDecimals: decimals,
    };
  }
  if (factory && (await tryCall(provider, address, 'ratios', [address, address], blockTag))) {
    return { kind: 'fixed-ratio', address, factory: factory.toLowerCase() as Address, ratios: new Map() };
  }
  return {
    kind: 'onchain',
    address,
    reason: `unknown oracle interface (code hash ${keccak256(code).slice(0, 18)}…)`,
  };
}

/**
 * The two TWAP oracles (generations.md §4–§5): `pricePrecisionDecimals()` answers only on 6e5e5c3 (always 5),
 * `harmonicMeanLiquidity(address)` exists only on 2d3ffd2; both have `twapWindow()`, `factory()` and the three
 * pure `feeTiers(i)`. Both, neither, or an unexpected knob is an oracle we do not model.
 */
async function probeTwap(
  provider: AbstractProvider,
  address: Address,
  code: string,
  window: bigint,
  blockTag: number | string,
): Promise<OracleProfile> {
  const unknown = (why: string): OracleProfile => ({
    kind: 'onchain',
    address,
    reason: `TWAP-like oracle (twapWindow ${window}) with an unexpected interface: ${why}`,
  });
  if (window === 0n || window >= 1n << 32n) return unknown('window out of uint32 range or 0');
  const factory = (await tryCall(provider, address, 'factory', [], blockTag))?.[0] as string | undefined;
  if (!factory || /^0x0{40}$/i.test(factory)) return unknown('no factory()');
  const decimals = (await tryCall(provider, address, 'pricePrecisionDecimals', [], blockTag))?.[0] as
    bigint | undefined;
  const harmonic = dispatchesSelector(code, 'harmonicMeanLiquidity');
  if (decimals !== undefined && harmonic)
    return unknown('both pricePrecisionDecimals and harmonicMeanLiquidity');
  if (decimals !== undefined && decimals !== TWAP_6E5E5C3_DIGITS)
    return unknown(`pricePrecisionDecimals ${decimals}, not ${TWAP_6E5E5C3_DIGITS}`);
  if (decimals === undefined && !harmonic)
    return unknown('neither pricePrecisionDecimals nor harmonicMeanLiquidity');
  const feeTiers: number[] = [];
  for (let i = 0; i < MAX_FEE_TIERS; i++) {
    const tier = (await tryCall(provider, address, 'feeTiers', [BigInt(i)], blockTag))?.[0] as
      bigint | undefined;
    if (tier === undefined) break;
    feeTiers.push(Number(tier));
  }
  if (feeTiers.join(',') !== '500,3000,10000') return unknown(`fee tiers [${feeTiers.join(', ')}]`);
  return {
    kind: decimals !== undefined ? 'twap-6e5e5c3' : 'twap-2d3ffd2',
    address,
    factory: factory.toLowerCase() as Address,
    twapWindow: Number(window),
    feeTiers,
  };
}

/** Probes each distinct runtime code once: the code hash only caches the probe's answer. */
export class OracleProber {
  private readonly byCodeHash = new Map<string, OracleProfile['kind']>();

  constructor(private readonly provider: AbstractProvider) {}

  async profile(address: Address, blockTag: number | string = 'latest'): Promise<OracleProfile> {
    const code = await this.provider.getCode(address, blockTag);
    const codeHash = code === '0x' ? 'none' : keccak256(code);
    const known = this.byCodeHash.get(codeHash);
    // Storage knobs (fee tiers, precision, ratios) differ per instance even with the same code: re-read them.
    const profile = await probeOracle(this.provider, address, blockTag);
    if (known !== undefined && known !== profile.kind) {
      return {
        kind: 'onchain',
        address,
        reason: `same code as a ${known} oracle but probed as ${profile.kind}`,
      };
    }
    this.byCodeHash.set(codeHash, profile.kind);
    return profile;
  }
}
