/**
 * What a contract call returns in the TWAP models: a value, or the revert the contract would raise. Reverts are
 * results here, not exceptions, because a keeper reasons about them (an oracle revert blocks `liquidate`).
 * `reason` is the revert string exactly as the contract has it ('OLD', 'T', 'Oracle: no pool found', …), or
 * `NO_DATA` for a revert with empty data (FullMath's bare `require`s).
 */
export type EvmOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The revert with empty data, spelled as the golden vectors spell it. */
export const NO_DATA = 'revert (no data)';

export const success = <T>(value: T): EvmOutcome<T> => ({ ok: true, value });
export const failure = <T = never>(reason: string): EvmOutcome<T> => ({ ok: false, reason });
