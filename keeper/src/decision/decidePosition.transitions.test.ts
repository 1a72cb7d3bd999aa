/**
 * Every transition of the per-position state machine: a situation, one event, the phase and the call that
 * follow. Each row also checks the phase it starts from, so a row fails if its premise drifts. The policy
 * is permissive here (any candidate acts); profit and filters have their own table.
 */
import { describe, expect, it } from 'vitest';
import type { Address, PositionState, PositionValuation } from '../model/types.js';
import { decidePosition } from './decidePosition.js';
import {
  BASE,
  ME,
  ME2,
  NEXT_BLOCK,
  NEXT_SEC,
  OTHER,
  OWNER,
  T0,
  TOKEN_A,
  TOKEN_A223,
  TOKEN_B,
  healthyUntil,
  liquidatableAt,
  makeContext,
  makeInput,
  makePosition,
  reverting,
  unvaluedYet,
} from './testFixtures.js';
import type { ActionKind, InFlightAction, PositionPhase, SkipReason } from './types.js';

interface World {
  position: PositionState;
  valuation: PositionValuation;
  nextBlock: bigint;
  nextSec: bigint;
  inFlight: ReadonlyMap<bigint, InFlightAction>;
  ours: readonly [Address, ...Address[]];
  generation: 1 | 2 | 3;
}

type Outcome =
  { phase: PositionPhase; act: ActionKind; sender: Address } | { phase: PositionPhase; skip: SkipReason };

function outcome(world: World): Outcome {
  const decision = decidePosition(makeInput({ position: world.position, valuation: world.valuation }), {
    ...makeContext({
      nextBlock: { number: world.nextBlock, timestampSec: world.nextSec },
      ourAddresses: world.ours,
      inFlight: world.inFlight,
    }),
    moduleGeneration: world.generation,
  });
  return decision.kind === 'act'
    ? { phase: decision.action.phase, act: decision.action.kind, sender: decision.action.sender }
    : { phase: decision.skipped.phase, skip: decision.skipped.reason };
}

// ---- situations

const world = (
  position: Partial<PositionState>,
  valuation: PositionValuation,
  nextSec = NEXT_SEC,
): World => ({
  position: makePosition(position),
  valuation,
  nextBlock: NEXT_BLOCK,
  nextSec,
  inFlight: new Map(),
  ours: [ME, ME2],
  generation: 1,
});
const frozen = (by: Address, atSec = T0) => ({ frozenAtSec: atSec, frozenBy: by });
const baseOnly = { assets: [BASE], balances: [900n] };

const healthy = world({}, healthyUntil(NEXT_SEC + 600n));
const liquidatable = world({}, liquidatableAt());
const ourFreezeSameSecond = world(frozen(ME), liquidatableAt(), T0);
const ourFreeze = world(frozen(ME), liquidatableAt());
const otherFreeze = world(frozen(OTHER), liquidatableAt());
const otherFreezeBaseOnly = world({ ...frozen(OTHER), ...baseOnly }, liquidatableAt());
const otherFreezeBaseOnlySameSecond = world({ ...frozen(OTHER), ...baseOnly }, liquidatableAt(), T0);
const expiredOurFreeze = world(frozen(ME), liquidatableAt(), T0 + 3601n);
const expiredOtherFreeze = world(frozen(OTHER), liquidatableAt(), T0 + 3601n);
const rescued = world(frozen(ME), healthyUntil(null));
const rescuedExpired = world(frozen(ME), healthyUntil(null), T0 + 3601n);
const ownerOnly = world({ assets: [BASE, TOKEN_A223], balances: [1n, 5n] }, liquidatableAt());
const ownerOnlyFrozenByUs = world(
  { ...frozen(ME), assets: [BASE, TOKEN_A223], balances: [1n, 5n] },
  liquidatableAt(),
);
const unliquidatable = world({}, reverting);
const unvalued = world({}, unvaluedYet);
const closed = world({ open: false }, healthyUntil(null));
const done = world({ open: false, ...frozen(ME) }, liquidatableAt());

// ---- events

const set =
  (patch: Partial<PositionState>) =>
  (w: World): World => ({ ...w, position: { ...w.position, ...patch } });
const value =
  (valuation: PositionValuation) =>
  (w: World): World => ({ ...w, valuation });
const becomesLiquidatable = (w: World): World => ({ ...w, valuation: liquidatableAt(w.nextSec) });
const rescue = value(healthyUntil(null));
/** The next block's timestamp relative to the freeze. */
const nextAtFreezePlus =
  (seconds: bigint) =>
  (w: World): World => ({ ...w, nextBlock: w.nextBlock + 1n, nextSec: w.position.frozenAtSec + seconds });
const nextBlockAfter =
  (seconds: bigint) =>
  (w: World): World => ({ ...w, nextBlock: w.nextBlock + 1n, nextSec: w.nextSec + seconds });
const sent =
  (kind: ActionKind, lastTargetBlock: (next: bigint) => bigint = (next) => next) =>
  (w: World): World => ({
    ...w,
    inFlight: new Map([
      [
        w.position.positionId,
        { kind, sender: ME, sentAtBlock: w.nextBlock - 1n, lastTargetBlock: lastTargetBlock(w.nextBlock) },
      ],
    ]),
  });
/** A freeze lands in the block we planned for; we now plan the one after, `seconds` later. */
const freezeLands =
  (by: Address, seconds = 12n) =>
  (w: World): World => ({
    ...w,
    position: { ...w.position, frozenAtSec: w.nextSec, frozenBy: by },
    nextBlock: w.nextBlock + 1n,
    nextSec: w.nextSec + seconds,
  });
const depositErc223 = set({ assets: [BASE, TOKEN_A, TOKEN_A223], balances: [500n, 400n, 7n] });
const depositErc223First = set({ assets: [BASE, TOKEN_A223], balances: [500n, 7n] });
const ownerSellsAllForBase = set(baseOnly);
const ownerSellsErc223ForBase = set({ assets: [BASE], balances: [505n] });
const closes = set({ open: false });
const liquidatedByOther = set({ open: false, frozenAtSec: T0, frozenBy: OTHER });
const ownerIsOurs = (w: World): World => ({ ...w, ours: [ME, OWNER] });
const gen2 = (w: World): World => ({ ...w, generation: 2 });
const gen3 = (w: World): World => ({ ...w, generation: 3 });
const then =
  (...events: Array<(w: World) => World>) =>
  (w: World): World =>
    events.reduce((acc, event) => event(acc), w);
const nothing = (w: World): World => w;

interface Row {
  name: string;
  from: World;
  fromPhase: PositionPhase;
  event: (w: World) => World;
  to: Outcome;
}

const rows: Row[] = [
  // healthy
  {
    name: 'stays healthy',
    from: healthy,
    fromPhase: 'healthy',
    event: nothing,
    to: { phase: 'healthy', skip: 'healthy' },
  },
  {
    name: 'becomes liquidatable → freeze',
    from: healthy,
    fromPhase: 'healthy',
    event: becomesLiquidatable,
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'owner closes',
    from: healthy,
    fromPhase: 'healthy',
    event: closes,
    to: { phase: 'closed', skip: 'closed' },
  },
  {
    name: 'valuation starts reverting',
    from: healthy,
    fromPhase: 'healthy',
    event: value(reverting),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },
  {
    name: 'valuation becomes untrusted',
    from: healthy,
    fromPhase: 'healthy',
    event: value(unvaluedYet),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },
  {
    name: 'ERC-223 deposit while healthy',
    from: healthy,
    fromPhase: 'healthy',
    event: depositErc223First,
    to: { phase: 'healthy', skip: 'healthy' },
  },

  // liquidatable
  {
    name: 'we send a freeze: wait for it',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: sent('freeze'),
    to: { phase: 'liquidatable', skip: 'in-flight' },
  },
  {
    name: 'our freeze targets several blocks: still waiting',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: then(
      sent('freeze', (n) => n + 2n),
      nextBlockAfter(12n),
    ),
    to: { phase: 'liquidatable', skip: 'in-flight' },
  },
  {
    name: 'our freeze missed its block: freeze again',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: then(sent('freeze'), nextBlockAfter(12n)),
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'a pending completion does not hold back a freeze',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: sent('complete'),
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'our freeze lands, next block 12 s later → complete',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: then(sent('freeze'), freezeLands(ME)),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'our freeze lands, next block same second → wait',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: then(sent('freeze'), freezeLands(ME, 0n)),
    to: { phase: 'frozen-by-us', skip: 'same-timestamp' },
  },
  {
    name: 'our freeze from the second address lands → it completes',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: freezeLands(ME2),
    to: { phase: 'completable', act: 'complete', sender: ME2 },
  },
  {
    name: 'a competitor freezes (non-base assets) → wait',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: freezeLands(OTHER),
    to: { phase: 'frozen-by-other', skip: 'only-freezer-or-owner-can-complete' },
  },
  {
    name: 'a competitor freezes a base-only position → we complete',
    from: world(baseOnly, liquidatableAt()),
    fromPhase: 'liquidatable',
    event: freezeLands(OTHER),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'rescued before anyone froze',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: rescue,
    to: { phase: 'healthy', skip: 'healthy' },
  },
  {
    name: 'valuation starts reverting',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: value(reverting),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },
  {
    name: 'valuation becomes untrusted',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: value(unvaluedYet),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },
  {
    name: 'ERC-223 asset the completion would sell',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: depositErc223First,
    to: { phase: 'owner-only', skip: 'owner-only-erc223' },
  },
  {
    name: 'ERC-223 asset gen 1 skips → still freeze',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: depositErc223,
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'ERC-223 asset on gen 2, which sells everything internally (no identity check): freeze',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: then(depositErc223, gen2),
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'gen 2: a competitor froze a position with non-base assets → we complete it',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: gen2,
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'gen 3: a competitor froze a position holding an ERC-223 asset → we complete it',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: then(depositErc223, gen3),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'gen 3: our second address froze it → that address completes',
    from: world(frozen(ME2), liquidatableAt()),
    fromPhase: 'completable',
    event: gen3,
    to: { phase: 'completable', act: 'complete', sender: ME2 },
  },
  {
    name: 'gen 3: a competitor froze it this very second → wait a block',
    from: world(frozen(OTHER), liquidatableAt(), T0),
    fromPhase: 'frozen-by-other',
    event: gen3,
    to: { phase: 'frozen-by-other', skip: 'same-timestamp' },
  },
  {
    name: 'liquidated by someone else',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: liquidatedByOther,
    to: { phase: 'closed', skip: 'closed' },
  },
  {
    name: 'owner closes',
    from: liquidatable,
    fromPhase: 'liquidatable',
    event: closes,
    to: { phase: 'closed', skip: 'closed' },
  },

  // frozen by us, same second
  {
    name: 'next block at the freeze second → wait',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: nextAtFreezePlus(0n),
    to: { phase: 'frozen-by-us', skip: 'same-timestamp' },
  },
  {
    name: 'predicted time before the freeze → wait',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: nextAtFreezePlus(-1n),
    to: { phase: 'frozen-by-us', skip: 'same-timestamp' },
  },
  {
    name: 'next block one second later → complete',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: nextAtFreezePlus(1n),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'rescued',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: rescue,
    to: { phase: 'rescued', skip: 'rescued' },
  },
  {
    name: 'valuation starts reverting',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: value(reverting),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },
  {
    name: 'valuation becomes untrusted',
    from: ourFreezeSameSecond,
    fromPhase: 'frozen-by-us',
    event: value(unvaluedYet),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },

  // completable (our freeze)
  {
    name: 'at exactly 3600 s → still complete',
    from: ourFreeze,
    fromPhase: 'completable',
    event: nextAtFreezePlus(3600n),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'at 3601 s → re-freeze',
    from: ourFreeze,
    fromPhase: 'completable',
    event: nextAtFreezePlus(3601n),
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'we send the completion: wait for it',
    from: ourFreeze,
    fromPhase: 'completable',
    event: sent('complete'),
    to: { phase: 'completable', skip: 'in-flight' },
  },
  {
    name: 'our completion missed its block: send again',
    from: ourFreeze,
    fromPhase: 'completable',
    event: then(sent('complete'), nextBlockAfter(12n)),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'a freeze record still in its target range does not hold back the completion',
    from: ourFreeze,
    fromPhase: 'completable',
    event: sent('freeze', (n) => n + 5n),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'a pending completion does not hold back a re-freeze after expiry',
    from: ourFreeze,
    fromPhase: 'completable',
    event: then(
      sent('complete', (n) => n + 1000n),
      nextAtFreezePlus(3601n),
    ),
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'our completion lands',
    from: ourFreeze,
    fromPhase: 'completable',
    event: closes,
    to: { phase: 'done', skip: 'liquidated-after-our-freeze' },
  },
  {
    name: 'rescued inside the window',
    from: ourFreeze,
    fromPhase: 'completable',
    event: rescue,
    to: { phase: 'rescued', skip: 'rescued' },
  },
  {
    name: 'owner swaps into an ERC-223 asset that would be sold',
    from: ourFreeze,
    fromPhase: 'completable',
    event: depositErc223First,
    to: { phase: 'owner-only', skip: 'owner-only-erc223' },
  },
  {
    name: 'owner sells everything for base: still ours to complete',
    from: ourFreeze,
    fromPhase: 'completable',
    event: ownerSellsAllForBase,
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'valuation starts reverting',
    from: ourFreeze,
    fromPhase: 'completable',
    event: value(reverting),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },
  {
    name: 'valuation becomes untrusted',
    from: ourFreeze,
    fromPhase: 'completable',
    event: value(unvaluedYet),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },

  // completable (someone else's freeze on a base-only position)
  {
    name: 'base-only competitor freeze: same second → wait',
    from: otherFreezeBaseOnlySameSecond,
    fromPhase: 'frozen-by-other',
    event: nothing,
    to: { phase: 'frozen-by-other', skip: 'same-timestamp' },
  },
  {
    name: 'base-only competitor freeze: one second later → complete',
    from: otherFreezeBaseOnlySameSecond,
    fromPhase: 'frozen-by-other',
    event: nextAtFreezePlus(1n),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'base-only competitor freeze: at 3600 s → complete',
    from: otherFreezeBaseOnly,
    fromPhase: 'completable',
    event: nextAtFreezePlus(3600n),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'base-only competitor freeze: at 3601 s → re-freeze',
    from: otherFreezeBaseOnly,
    fromPhase: 'completable',
    event: nextAtFreezePlus(3601n),
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'base-only competitor freeze: owner deposits a token → freezer only',
    from: otherFreezeBaseOnly,
    fromPhase: 'completable',
    event: set({ assets: [BASE, TOKEN_B], balances: [900n, 1n] }),
    to: { phase: 'frozen-by-other', skip: 'only-freezer-or-owner-can-complete' },
  },
  {
    name: 'base-only competitor freeze: the competitor completes',
    from: otherFreezeBaseOnly,
    fromPhase: 'completable',
    event: closes,
    to: { phase: 'closed', skip: 'closed' },
  },

  // frozen by someone else
  {
    name: 'inside its window → wait',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: nextAtFreezePlus(1800n),
    to: { phase: 'frozen-by-other', skip: 'only-freezer-or-owner-can-complete' },
  },
  {
    name: 'at exactly 3600 s → still theirs',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: nextAtFreezePlus(3600n),
    to: { phase: 'frozen-by-other', skip: 'only-freezer-or-owner-can-complete' },
  },
  {
    name: 'at 3601 s → we take over with a re-freeze',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: nextAtFreezePlus(3601n),
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'the competitor completes',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: liquidatedByOther,
    to: { phase: 'closed', skip: 'closed' },
  },
  {
    name: 'owner sells everything for base → we complete',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: ownerSellsAllForBase,
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'we own the position → we complete as owner',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: ownerIsOurs,
    to: { phase: 'completable', act: 'complete', sender: OWNER },
  },
  {
    name: 'rescued',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: rescue,
    to: { phase: 'rescued', skip: 'rescued' },
  },
  {
    name: 'valuation becomes untrusted',
    from: otherFreeze,
    fromPhase: 'frozen-by-other',
    event: value(unvaluedYet),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },

  // expired freeze
  {
    name: 'our expired freeze: we send the re-freeze: wait for it',
    from: expiredOurFreeze,
    fromPhase: 'expired-freeze',
    event: sent('refreeze'),
    to: { phase: 'expired-freeze', skip: 'in-flight' },
  },
  {
    name: 'our expired freeze: a pending freeze record also holds it back',
    from: expiredOurFreeze,
    fromPhase: 'expired-freeze',
    event: sent('freeze'),
    to: { phase: 'expired-freeze', skip: 'in-flight' },
  },
  {
    name: 'our re-freeze lands → complete next block',
    from: expiredOurFreeze,
    fromPhase: 'expired-freeze',
    event: freezeLands(ME),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'our re-freeze lands, next block same second → wait',
    from: expiredOurFreeze,
    fromPhase: 'expired-freeze',
    event: freezeLands(ME, 0n),
    to: { phase: 'frozen-by-us', skip: 'same-timestamp' },
  },
  {
    name: 'a competitor re-freezes first',
    from: expiredOurFreeze,
    fromPhase: 'expired-freeze',
    event: freezeLands(OTHER),
    to: { phase: 'frozen-by-other', skip: 'only-freezer-or-owner-can-complete' },
  },
  {
    name: "the competitor's expired freeze: our take-over lands",
    from: expiredOtherFreeze,
    fromPhase: 'expired-freeze',
    event: freezeLands(ME),
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'rescued after expiry',
    from: expiredOtherFreeze,
    fromPhase: 'expired-freeze',
    event: rescue,
    to: { phase: 'rescued', skip: 'rescued' },
  },
  {
    name: 'ERC-223 asset appears after expiry',
    from: expiredOtherFreeze,
    fromPhase: 'expired-freeze',
    event: depositErc223First,
    to: { phase: 'owner-only', skip: 'owner-only-erc223' },
  },

  // rescued
  {
    name: 'liquidatable again inside the window → complete',
    from: rescued,
    fromPhase: 'rescued',
    event: becomesLiquidatable,
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'liquidatable again after the window → re-freeze',
    from: rescued,
    fromPhase: 'rescued',
    event: then(nextAtFreezePlus(3601n), becomesLiquidatable),
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'the window ends while rescued → keep watching',
    from: rescued,
    fromPhase: 'rescued',
    event: nextAtFreezePlus(3601n),
    to: { phase: 'rescued', skip: 'rescued' },
  },
  {
    name: 'expired and rescued, liquidatable again → re-freeze',
    from: rescuedExpired,
    fromPhase: 'rescued',
    event: becomesLiquidatable,
    to: { phase: 'expired-freeze', act: 'refreeze', sender: ME },
  },
  {
    name: 'valuation starts reverting',
    from: rescued,
    fromPhase: 'rescued',
    event: value(reverting),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },

  // owner-only
  {
    name: 'owner sells the ERC-223 asset for base → freeze',
    from: ownerOnly,
    fromPhase: 'owner-only',
    event: ownerSellsErc223ForBase,
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'we own it → freeze',
    from: ownerOnly,
    fromPhase: 'owner-only',
    event: ownerIsOurs,
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'frozen by us: nobody but the owner completes',
    from: ownerOnlyFrozenByUs,
    fromPhase: 'owner-only',
    event: nextAtFreezePlus(60n),
    to: { phase: 'owner-only', skip: 'owner-only-erc223' },
  },
  {
    name: 'frozen by us and we own it → complete as owner',
    from: ownerOnlyFrozenByUs,
    fromPhase: 'owner-only',
    event: ownerIsOurs,
    to: { phase: 'completable', act: 'complete', sender: OWNER },
  },
  {
    name: 'frozen by us, the owner sells it for base → complete',
    from: ownerOnlyFrozenByUs,
    fromPhase: 'owner-only',
    event: ownerSellsErc223ForBase,
    to: { phase: 'completable', act: 'complete', sender: ME },
  },
  {
    name: 'the owner completes our freeze',
    from: ownerOnlyFrozenByUs,
    fromPhase: 'owner-only',
    event: closes,
    to: { phase: 'done', skip: 'liquidated-after-our-freeze' },
  },
  {
    name: 'rescued',
    from: ownerOnly,
    fromPhase: 'owner-only',
    event: rescue,
    to: { phase: 'healthy', skip: 'healthy' },
  },

  // unliquidatable
  {
    name: 'valuation recovers, liquidatable → freeze',
    from: unliquidatable,
    fromPhase: 'unliquidatable',
    event: value(liquidatableAt()),
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'valuation recovers, healthy',
    from: unliquidatable,
    fromPhase: 'unliquidatable',
    event: value(healthyUntil(null)),
    to: { phase: 'healthy', skip: 'healthy' },
  },
  {
    name: 'frozen by us but reverting: no completion',
    from: unliquidatable,
    fromPhase: 'unliquidatable',
    event: set(frozen(ME)),
    to: { phase: 'unliquidatable', skip: 'valuation-reverts' },
  },
  {
    name: 'owner closes',
    from: unliquidatable,
    fromPhase: 'unliquidatable',
    event: closes,
    to: { phase: 'closed', skip: 'closed' },
  },

  // unvalued: never acts
  {
    name: 'valuation arrives, liquidatable → freeze',
    from: unvalued,
    fromPhase: 'unvalued',
    event: value(liquidatableAt()),
    to: { phase: 'liquidatable', act: 'freeze', sender: ME },
  },
  {
    name: 'valuation arrives, healthy',
    from: unvalued,
    fromPhase: 'unvalued',
    event: value(healthyUntil(null)),
    to: { phase: 'healthy', skip: 'healthy' },
  },
  {
    name: 'our freeze in its window: still no completion',
    from: unvalued,
    fromPhase: 'unvalued',
    event: set(frozen(ME)),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },
  {
    name: 'a base-only competitor freeze: still no completion',
    from: unvalued,
    fromPhase: 'unvalued',
    event: set({ ...frozen(OTHER), ...baseOnly }),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },
  {
    name: 'an expired freeze: still no re-freeze',
    from: unvalued,
    fromPhase: 'unvalued',
    event: set(frozen(OTHER, T0 - 7200n)),
    to: { phase: 'unvalued', skip: 'unvalued' },
  },

  // closed and done are final
  {
    name: 'a closed position valued liquidatable stays closed',
    from: closed,
    fromPhase: 'closed',
    event: value(liquidatableAt()),
    to: { phase: 'closed', skip: 'closed' },
  },
  {
    name: 'a closed position after a competitor freeze',
    from: closed,
    fromPhase: 'closed',
    event: set(frozen(OTHER)),
    to: { phase: 'closed', skip: 'closed' },
  },
  {
    name: 'done stays done at any time',
    from: done,
    fromPhase: 'done',
    event: nextAtFreezePlus(10n),
    to: { phase: 'done', skip: 'liquidated-after-our-freeze' },
  },
  {
    name: 'done with a pending completion record',
    from: done,
    fromPhase: 'done',
    event: sent('complete'),
    to: { phase: 'done', skip: 'liquidated-after-our-freeze' },
  },
  {
    name: 'closed after our second address froze it',
    from: done,
    fromPhase: 'done',
    event: set({ frozenBy: ME2 }),
    to: { phase: 'done', skip: 'liquidated-after-our-freeze' },
  },
];

describe('per-position state machine: transitions', () => {
  it.each(rows.map((row) => [`${row.fromPhase}: ${row.name}`, row] as const))('%s', (_title, row) => {
    expect(outcome(row.from).phase).toBe(row.fromPhase);
    expect(outcome(row.event(row.from))).toEqual(row.to);
  });

  it('covers every phase as a starting point', () => {
    const phases: PositionPhase[] = [
      'healthy',
      'liquidatable',
      'frozen-by-us',
      'completable',
      'frozen-by-other',
      'expired-freeze',
      'rescued',
      'owner-only',
      'unliquidatable',
      'unvalued',
      'done',
      'closed',
    ];
    expect(new Set(rows.map((row) => row.fromPhase))).toEqual(new Set(phases));
  });

  it('matches addresses whatever their case', () => {
    const upper = world(frozen(ME.toUpperCase().replace('0X', '0x') as Address), liquidatableAt());
    expect(outcome(upper)).toEqual({ phase: 'completable', act: 'complete', sender: ME });
    expect(outcome({ ...ourFreeze, ours: [ME.toUpperCase().replace('0X', '0x') as Address] })).toEqual({
      phase: 'completable',
      act: 'complete',
      sender: ME,
    });
  });
});
