import { Interface, type AbstractProvider, type Log } from 'ethers';
import type { Address } from '../model/types.js';

/** The MarginModule's events that change a position or an order (signatures as the contract emits them). */
const events = new Interface([
  'event OrderCreated(uint256 indexed orderId, address indexed owner, address indexed baseAsset, bytes32 whitelistId, uint256 interestRate, uint256 duration, uint256 minLoan, uint8 leverage, address oracle)',
  'event OrderModified(uint256 indexed orderId, address indexed owner, address indexed baseAsset, bytes32 tokenWhitelist, uint256 interestRate, uint256 duration, uint256 minLoan, uint8 leverage, address oracle)',
  'event OrderAliveStatus(uint256 indexed orderId, bool alive)',
  'event OrderDeposit(uint256 indexed orderId, address indexed asset, uint256 amount)',
  'event OrderWithdraw(uint256 indexed orderId, address indexed asset, uint256 amount)',
  'event OrderCollateralsSet(uint256 indexed orderId, address[] collaterals)',
  'event PositionOpened(uint256 indexed positionId, address indexed owner, uint256 loanAmount, address baseAsset, address collateral, uint256 collateral_amount)',
  'event InitialLeverage(uint256 positionId, uint256 leverage)',
  'event PositionDeposit(uint256 indexed positionId, address indexed asset, uint256 amount)',
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
  'event PositionLiquidated(uint256 indexed positionId, address indexed liquidator, uint256 rewardAmount)',
  'event MarginSwap(uint256 indexed positionId, address assetIn, address assetOut, uint256 amountIn, uint256 amountOut)',
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
  'event PositionWithdrawal(uint256 indexed positionId, address indexed asset, uint256 quantity)',
  'event PositionClosed(uint256 indexed positionId, address closedBy)',
  'event NewAsset(uint256 positionId, address asset)',
  'event AssetRemoved(uint256 positionId, address asset)',
  'event TokenlistAdded(bytes32 indexed hash, bool is_contract, address[] tokens)',
]);

/** What `liquidate`'s freeze branch writes: `frozenTime` and `liquidator`, nothing else (every generation). */
export interface UnindexedFreeze {
  frozenAtSec: bigint;
  frozenBy: Address;
}

/**
 * The order events that change what a position's valuation or our decision reads from its order (the oracle, the
 * reward terms). The others (deposits, withdrawals, alive status, a liquidation repaying the order) change only
 * the order's balance or flags, which nothing reads for an existing position: holding its positions back for them
 * would delay every liquidation after a completion by the subgraph's lag.
 */
const ORDER_TERMS_EVENTS = new Set(['OrderModified', 'OrderCollateralsSet']);

export interface UnindexedTouches {
  /** Positions changed by anything but a freeze (closed, traded, funded): held back until indexed. */
  positions: Set<bigint>;
  /** Positions whose only unindexed events are freezes: the last freeze, to apply to the mirrored position. */
  freezes: Map<bigint, UnindexedFreeze>;
  /** Orders whose terms changed (oracle, reward, collaterals): every position of theirs is held back. */
  orders: Set<bigint>;
  /** Logs of the module we could not parse: their positions are unknown, so nothing may be trusted. */
  unknown: number;
}

type ModuleLog = Pick<Log, 'topics' | 'data' | 'blockNumber' | 'index'>;

/**
 * Positions and orders the module's events touched in blocks `fromBlock..toBlock` (the blocks the subgraph
 * has not indexed yet): one address-filtered eth_getLogs, whatever the number of positions.
 */
export async function readUnindexedTouches(
  provider: AbstractProvider,
  marginModule: string,
  fromBlock: number,
  toBlock: number,
): Promise<UnindexedTouches> {
  if (fromBlock > toBlock) return touchesOf([]);
  return touchesOf(await provider.getLogs({ address: marginModule, fromBlock, toBlock }));
}

/**
 * Sorts the module's logs into positions held back, positions only frozen (a freeze must not delay its own
 * completion by the subgraph's lag) and touched orders. Pure: the logs may come in any order.
 */
export function touchesOf(logs: readonly ModuleLog[]): UnindexedTouches {
  const touches: UnindexedTouches = {
    positions: new Set(),
    freezes: new Map(),
    orders: new Set(),
    unknown: 0,
  };
  const ordered = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  for (const log of ordered) {
    let parsed: ReturnType<typeof events.parseLog>;
    try {
      parsed = events.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      parsed = null;
    }
    if (parsed === null) {
      // An event we cannot read may touch any position: the caller trusts none of them.
      touches.unknown += 1;
      continue;
    }
    const args = parsed.args as unknown as { positionId?: bigint; orderId?: bigint };
    if (parsed.name === 'PositionFrozen') {
      const [positionId, liquidator, timestamp] = parsed.args as unknown as [bigint, string, bigint];
      // A later freeze (after an expired one) replaces an earlier one, as it does in storage.
      if (!touches.positions.has(positionId))
        touches.freezes.set(positionId, {
          frozenAtSec: timestamp,
          frozenBy: liquidator.toLowerCase() as Address,
        });
      continue;
    }
    if (parsed.fragment.inputs.some((i) => i.name === 'positionId')) {
      const positionId = args.positionId as bigint;
      touches.positions.add(positionId);
      touches.freezes.delete(positionId);
    }
    if (ORDER_TERMS_EVENTS.has(parsed.name)) touches.orders.add(args.orderId as bigint);
  }
  return touches;
}
