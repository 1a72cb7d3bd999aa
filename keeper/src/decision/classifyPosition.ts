import type { Address } from '../model/types.js';
import { assetsSoldOnCompletion } from './assetsSoldOnCompletion.js';
import { freezeWindowSec } from './freezeWindowSec.js';
import type {
  ActionKind,
  DecisionContext,
  PositionInput,
  PositionPhase,
  PositionStatus,
  SkipReason,
} from './types.js';

const lower = (address: Address): Address => address.toLowerCase() as Address;

/**
 * The per-position state machine: which phase the position is in at the next block's timestamp and which
 * `liquidate` call, from whom, would succeed there. Policy and in-flight submissions are applied later
 * (`decidePosition`), so this answers only what the contract would accept.
 */
export function classifyPosition(input: PositionInput, context: DecisionContext): PositionStatus {
  const { position, valuation } = input;
  const ours = new Set(context.ourAddresses.map(lower));
  const primary = lower(context.ourAddresses[0]);
  const frozen = position.frozenAtSec > 0n;
  const freezer = lower(position.frozenBy);
  const frozenByUs = frozen && ours.has(freezer);
  const freezeNote = `frozen by ${freezer} at ${position.frozenAtSec}`;

  if (!position.open) {
    return frozenByUs
      ? skip('done', 'liquidated-after-our-freeze', `closed after our freeze at ${position.frozenAtSec}`)
      : skip('closed', 'closed', frozen ? `closed after a freeze by ${freezer}` : 'closed');
  }
  // Before any timing rule: without a valuation we cannot know that a call would not revert.
  if (valuation.kind === 'unvalued') return skip('unvalued', 'unvalued', valuation.reason);
  if (valuation.kind === 'reverts') return skip('unliquidatable', 'valuation-reverts', valuation.reason);

  const nextSec = context.nextBlock.timestampSec;
  const ageSec = nextSec - position.frozenAtSec;
  const windowEndSec = position.frozenAtSec + freezeWindowSec;
  const expired = frozen && ageSec > freezeWindowSec;

  if (!valuation.liquidatable) {
    if (!frozen) {
      const when = valuation.liquidatableAtSec;
      return skip(
        'healthy',
        'healthy',
        when === null ? 'never liquidatable at current prices' : `liquidatable at ${when}`,
      );
    }
    return skip(
      'rescued',
      'rescued',
      expired
        ? `${freezeNote}, window ended at ${windowEndSec}; not liquidatable: re-freeze when it is again`
        : `${freezeNote}; not liquidatable: completion reverts until it is again (window ends at ${windowEndSec})`,
    );
  }

  // Only assets the completion actually sells matter: in gen 1 an ERC-223 one goes through an owner-only swap;
  // gen 2 and 3 swap internally (the ERC-223 path included) and check nobody's identity.
  const anyoneCompletes = (context.moduleGeneration ?? 1) >= 2;
  const sold = assetsSoldOnCompletion(position, anyoneCompletes ? 2 : 1);
  const erc223Sold = anyoneCompletes ? [] : sold.filter((asset) => context.erc223Addresses.has(lower(asset)));
  const owner = lower(position.owner);
  const ownerIsOurs = ours.has(owner);
  if (erc223Sold.length > 0 && !ownerIsOurs) {
    return skip(
      'owner-only',
      'owner-only-erc223',
      `completion sells ERC-223 ${erc223Sold.join(', ')}: owner only`,
    );
  }

  if (!frozen) {
    return act('liquidatable', 'freeze', primary, 'liquidatable, not frozen');
  }
  if (expired) {
    return act('expired-freeze', 'refreeze', primary, `${freezeNote}, window ended at ${windowEndSec}`);
  }

  const completer = anyoneCompletes
    ? frozenByUs
      ? freezer
      : primary
    : chooseCompleter({ frozenByUs, freezer, owner, ownerIsOurs, primary, sold, erc223Sold });
  if (completer === null) {
    return skip(
      'frozen-by-other',
      'only-freezer-or-owner-can-complete',
      `${freezeNote}; sells ${sold.length} non-base asset(s): only it or the owner may; re-freeze after ${windowEndSec}`,
    );
  }
  if (ageSec <= 0n) {
    return skip(
      frozenByUs ? 'frozen-by-us' : 'frozen-by-other',
      'same-timestamp',
      `${freezeNote}; next block at ${nextSec} is not later`,
    );
  }
  const whose = frozenByUs
    ? 'our freeze'
    : anyoneCompletes
      ? `anyone completes in gen ${context.moduleGeneration}, ${freezeNote}`
      : completer === owner
        ? `we own it, ${freezeNote}`
        : `base-only, ${freezeNote}`;
  return act('completable', 'complete', completer, `${whose}, age ${ageSec} s of ${freezeWindowSec}`);
}

/**
 * Who of us may complete a freeze. Selling a non-base asset runs marginSwap in the caller's name, which only
 * the freezer or the owner may do, and an ERC-223 asset's swap only the owner; with nothing to sell anyone may.
 */
function chooseCompleter(facts: {
  frozenByUs: boolean;
  freezer: Address;
  owner: Address;
  ownerIsOurs: boolean;
  primary: Address;
  sold: Address[];
  erc223Sold: Address[];
}): Address | null {
  if (facts.erc223Sold.length > 0) return facts.ownerIsOurs ? facts.owner : null;
  if (facts.frozenByUs) return facts.freezer;
  if (facts.ownerIsOurs) return facts.owner;
  return facts.sold.length === 0 ? facts.primary : null;
}

function skip(phase: PositionPhase, blockedBy: SkipReason, detail: string): PositionStatus {
  return { phase, candidate: null, blockedBy, detail };
}

function act(phase: PositionPhase, kind: ActionKind, sender: Address, detail: string): PositionStatus {
  return { phase, candidate: { kind, sender }, blockedBy: null, detail };
}
