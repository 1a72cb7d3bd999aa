import type { Address, PositionState } from '../model/types.js';
import { debtSlope, type DebtLine, type DebtModel } from './DebtLine.js';
import type { OracleModel, PairPrice } from './OracleModel.js';

/** The balances of a slot with no position (never written to: a shared constant). */
export const NO_BALANCES: readonly bigint[] = Object.freeze([]);

/** How a slot's position stands in the valuation book. */
export const SlotStatus = { Free: 0, Valued: 1, Reverts: 2, Unvalued: 3 } as const;
export type SlotStatus = (typeof SlotStatus)[keyof typeof SlotStatus];

/** Why a slot is queued for work in the current update (bit flags). */
export const SlotWork = { Time: 1, Quotes: 2, Structure: 4 } as const;
export type SlotWork = (typeof SlotWork)[keyof typeof SlotWork];

export interface BookOracle {
  readonly address: Address;
  model: OracleModel | null;
  unvaluedReason: string;
  /** Prices by bought asset, then sold asset: a position finds its base once and each asset with one lookup. */
  readonly pairs: Map<string, Map<string, BookPair>>;
}

export interface BookPair {
  readonly oracle: BookOracle;
  readonly unorderedKey: number;
  readonly buy: Address;
  readonly sell: Address;
  price: PairPrice;
  /** `price` is not the pools' current one (a moving price nobody quotes at): work it out before use. */
  priceStale: boolean;
  /** Update number at which `price` last changed: quotes priced earlier are stale. */
  changedAt: number;
  /** Update number at which the price was last recomputed (dedupes work within one update). */
  repricedAt: number;
  /**
   * Slots priced through this pair. Appending is cheaper than a Set at this size; a slot that stopped using the
   * pair stays listed until compaction, so readers check the slot's `pairs` before trusting an entry.
   */
  slots: BookSlot[];
  /** How many slots really use it; the pair is dropped at zero and compacted when mostly stale. */
  users: number;
  /** How many of them hold quotes priced at `price` (the others are bounded): a moving price is kept only for them. */
  exactUsers: number;
  /**
   * The pair's TWAP rate bounds over every second from `boundsFrom` on while its pools have no event (NaN: not
   * worked out since the last event): `lo`/`hi` bracket the rate at every such second, `priced` says the oracle
   * prices the pair at each of them (some tier serves the window from `boundsFrom`), `boundable` that the bounds
   * exist at all (2d3ffd2, rings mirrored).
   */
  boundsFrom: number;
  lo: number;
  hi: number;
  priced: boolean;
  boundable: boolean;
  /** A price at `lazyAt` for bounded positions' exact checks, kept apart from `price` (the quotes' price). */
  lazyAt: bigint | null;
  lazyPrice: PairPrice | null;
  /** Rate bounds over a few minutes from `from`, for positions near the line (null: none since the last event). */
  short: { readonly from: number; readonly lo: number; readonly hi: number; readonly priced: boolean } | null;
}

/**
 * Everything the book keeps about one position, in one object: a revaluation then reads one record (and its
 * two small arrays) instead of a dozen scattered ones, which at 100k positions is what the time goes on.
 * The record is its own `DebtLine`, so the debt functions read it without another object.
 */
export class BookSlot implements DebtLine {
  position: PositionState | undefined = undefined;
  /** Shared empty array until valued: one allocation fewer per position on a cold start. */
  balances: readonly bigint[] = NO_BALANCES;
  status: SlotStatus = SlotStatus.Unvalued;
  work = 0;
  /** Index in the book's due list + 1; 0 when not due. */
  dueIndex = 0;
  reason = 'not valued yet';
  oracle: BookOracle | undefined = undefined;
  pairs: BookPair[] | undefined = undefined;
  quotes: bigint[] | undefined = undefined;
  initialBalance = 0n;
  interest = 0n;
  debtModel: DebtModel = 'gen1';
  /** Number(slope), for the float estimate behind `liquidationTimeBound`. */
  slopeFloat = 0;
  divisor = 1n;
  createdAtSec = 0n;
  value = 0n;
  /**
   * First second ≥ `from` at which the position is liquidatable (null: never). Meaningless while `timeIsBound`:
   * the queue then holds a lower bound on it (a float estimate, or the time before a value rose: a higher value
   * is never liquidatable sooner).
   */
  time: bigint | null = null;
  timeIsBound = false;
  from = 0n;
  /**
   * Valued by bounds rather than quotes (TWAP 2d3ffd2): the value is worked out exactly only when the queue's bound
   * comes due or someone asks. Its floats (Number(balance) per asset, base first, then a trigger rate per pair)
   * are in the book's pages, or in `floats` for a position too large for a page's stride.
   */
  bounded = false;
  floats: number[] | undefined = undefined;

  constructor(
    readonly index: number,
    public positionId: bigint,
  ) {}

  /**
   * Recomputed on use rather than stored: only exact times and due checks need it, and a bigint fewer per
   * position is that much less for the garbage collector to copy while a 100k-position book is built.
   */
  get slope(): bigint {
    return debtSlope(this.debtModel, this.initialBalance, this.interest);
  }
}
