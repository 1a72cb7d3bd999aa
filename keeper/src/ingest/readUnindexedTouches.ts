import { Interface, type AbstractProvider } from 'ethers';

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

export interface UnindexedTouches {
  positions: Set<bigint>;
  orders: Set<bigint>;
  /** Logs of the module we could not parse: their positions are unknown, so nothing may be trusted. */
  unknown: number;
}

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
  const touches: UnindexedTouches = { positions: new Set(), orders: new Set(), unknown: 0 };
  if (fromBlock > toBlock) return touches;
  const logs = await provider.getLogs({ address: marginModule, fromBlock, toBlock });
  for (const log of logs) {
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
    if (parsed.fragment.inputs.some((i) => i.name === 'positionId'))
      touches.positions.add(args.positionId as bigint);
    if (parsed.fragment.inputs.some((i) => i.name === 'orderId')) touches.orders.add(args.orderId as bigint);
  }
  return touches;
}
