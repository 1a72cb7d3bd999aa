import { Interface, keccak256, type AbstractProvider } from 'ethers';
import type { Address, OracleProfile } from '../model/types.js';

const iface = new Interface([
  'function twapWindow() view returns (uint32)',
  'function feeTiers(uint256) view returns (uint24)',
  'function pricePrecisionDecimals() view returns (uint256)',
  'function factory() view returns (address)',
  'function ratios(address, address) view returns (uint256 numerator, uint256 denominator)',
]);

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
 * Identifies how an oracle prices by what its interface answers (only generation 2 has `twapWindow()`;
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
  if (await tryCall(provider, address, 'twapWindow', [], blockTag)) {
    return { kind: 'onchain', address, reason: 'generation-2 TWAP oracle: no in-process model yet' };
  }
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
