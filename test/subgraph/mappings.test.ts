import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSubgraph, type LoadedSubgraph } from '../../devnet/graph-host/runtime/loadSubgraph.js';
import { EventFactory, type TestBlock } from './EventFactory.js';
import { type ContractCall, SubgraphTestHost } from './SubgraphTestHost.js';

// Runs the compiled handlers (npm run subgraph:build first) on the event sequences of the spec, on the
// graph host's runtime and store.

const BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'subgraph', 'build');
if (!existsSync(path.join(BUILD, 'subgraph.yaml'))) {
  throw new Error('subgraph/build is missing: run npm run subgraph:build first');
}

const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const MODULE = addr(0xaaaa);
const LENDER = addr(0x1e);
const BORROWER = addr(0xb0);
const KEEPER = addr(0x6e);
const OTHER_KEEPER = addr(0x6f);
const ORACLE = addr(0x0c);
const BASE = addr(0xa1);
const COLLATERAL = addr(0xb1);
const TOKEN_C = addr(0xc1);
const TOKEN_D = addr(0xd1);
const BASE_223 = addr(0xa2);
const WHITELIST = `0x${'11'.repeat(32)}`;

interface ChainOrder {
  balance: bigint;
  currencyLimit: number;
  reward: bigint;
  rewardAsset: string;
  deadline: bigint;
}
interface ChainPosition {
  orderId: bigint;
  createdAt: bigint;
  deadline: bigint;
  initialBalance: bigint;
  interest: bigint;
  assets: string[];
  balances: bigint[];
}

// Plays the contract's getters: state as it is at the end of the block being indexed.
class FakeMarginModule {
  readonly orders = new Map<bigint, ChainOrder>();
  readonly positions = new Map<bigint, ChainPosition>();
  readonly reverting = new Set<string>();
  /** Gen 3's global oracle; null plays a gen-1/2 module, where the selector is unknown and the call reverts. */
  priceOracle: string | null = null;

  answer(call: ContractCall): unknown[] | null {
    if (this.reverting.has(call.fn)) return null;
    if (call.fn === 'priceOracle') return this.priceOracle === null ? null : [this.priceOracle];
    const id = call.args[0] as bigint;
    const order = this.orders.get(id);
    const position = this.positions.get(id);
    switch (call.fn) {
      case 'getOrderExpirationData':
        if (!order) return null;
        return [order.reward, order.rewardAsset, order.deadline];
      case 'orders':
        if (!order) return null;
        return [
          LENDER,
          id,
          WHITELIST,
          0n,
          0n,
          0n,
          BASE,
          order.currencyLimit,
          5,
          ORACLE,
          order.balance,
          [order.reward, order.rewardAsset, order.deadline],
        ];
      case 'positions':
        if (!position) return null;
        return [
          position.orderId,
          BORROWER,
          position.deadline,
          position.createdAt,
          position.initialBalance,
          position.interest,
          true,
          0n,
          addr(0),
        ];
      case 'getPositionAssets':
        return position ? [position.assets] : null;
      case 'getPositionBalances':
        return position ? [position.balances] : null;
      default:
        throw new Error(`unexpected call ${call.fn}`);
    }
  }
}

let subgraph: LoadedSubgraph;
let host: SubgraphTestHost;
let chain: FakeMarginModule;
let events: EventFactory;
let block: TestBlock;
let tx = 0;

function nextBlock(seconds = 12n): void {
  block = { number: block.number + 1n, timestamp: block.timestamp + seconds };
}

function newTx(): string {
  tx += 1;
  return `0x${tx.toString(16).padStart(64, '0')}`;
}

function emit(txHash: string, name: string, args: Record<string, unknown>): void {
  host.run('MarginModule', events.event(name, args, block, txHash));
}

function position(id: string) {
  return host.entity('Position', id) as Record<string, unknown>;
}

function order(id: string) {
  return host.entity('Order', id) as Record<string, unknown>;
}

function slots(positionId: string): [string, bigint][] {
  return host
    .entities('PositionAsset')
    .filter((s) => s.position === positionId)
    .sort((a, b) => (a.index as number) - (b.index as number))
    .map((s) => [s.asset as string, s.balance as bigint]);
}

function createOrder(orderId: bigint, deposit: bigint, interestRate = 100n): void {
  chain.orders.set(orderId, {
    balance: 0n,
    currencyLimit: 4,
    reward: 10n,
    rewardAsset: addr(0),
    deadline: 2_000_000_000n,
  });
  const t = newTx();
  emit(t, 'OrderCreated', {
    orderId,
    owner: LENDER,
    baseAsset: BASE,
    whitelistId: WHITELIST,
    interestRate,
    duration: 86_400n,
    minLoan: 1n,
    leverage: 5,
    oracle: ORACLE,
  });
  emit(t, 'OrderCollateralsSet', { orderId, collaterals: [COLLATERAL, BASE] });
  emit(newTx(), 'OrderDeposit', { orderId, asset: BASE, amount: deposit });
}

// The exact takeLoan sequence: NewAsset before PositionOpened, then again after InitialLeverage.
function takeLoan(
  positionId: bigint,
  orderId: bigint,
  loan: bigint,
  collateral: string,
  amount: bigint,
): void {
  const sameAsBase = collateral === BASE;
  chain.positions.set(positionId, {
    orderId,
    createdAt: block.timestamp,
    deadline: block.timestamp + 86_400n,
    initialBalance: loan,
    interest: 100n,
    assets: sameAsBase ? [BASE] : [BASE, collateral],
    balances: sameAsBase ? [loan + amount] : [loan, amount],
  });
  const t = newTx();
  emit(t, 'NewAsset', { positionId, asset: BASE });
  if (!sameAsBase) emit(t, 'NewAsset', { positionId, asset: collateral });
  emit(t, 'PositionOpened', {
    positionId,
    owner: BORROWER,
    loanAmount: loan,
    baseAsset: BASE,
    collateral,
    collateral_amount: amount,
  });
  emit(t, 'InitialLeverage', { positionId, leverage: 3n });
  emit(t, 'NewAsset', { positionId, asset: BASE });
  if (!sameAsBase) emit(t, 'NewAsset', { positionId, asset: collateral });
}

beforeAll(() => {
  subgraph = loadSubgraph(BUILD);
});

beforeEach(() => {
  host = new SubgraphTestHost(subgraph);
  chain = new FakeMarginModule();
  host.onCall = (call) => chain.answer(call);
  events = new EventFactory('MarginModule.json', MODULE);
  block = { number: 100n, timestamp: 1_700_000_000n };
});

describe('the module', () => {
  const GLOBAL_ORACLE = addr(0x0c3);

  it('reads a gen-3 priceOracle() once, at the first event, whichever event that is', () => {
    chain.priceOracle = GLOBAL_ORACLE;
    emit(newTx(), 'TokenlistAdded', { hash: WHITELIST, is_contract: false, tokens: [BASE] });
    nextBlock();
    createOrder(0n, 1000n);
    expect(host.entities('MarginModule')).toEqual([
      {
        id: MODULE,
        address: MODULE,
        priceOracle: GLOBAL_ORACLE,
        firstSeenBlock: 100n,
        firstSeenTimestamp: 1_700_000_000n,
      },
    ]);
    expect(host.calls.filter((c) => c.fn === 'priceOracle')).toEqual([
      { address: MODULE, fn: 'priceOracle', args: [] },
    ]);
    expect(host.warnings()).toEqual([]);
  });

  it('indexes on when priceOracle() reverts (a gen-1/2 module), leaving it null', () => {
    createOrder(0n, 1000n);
    takeLoan(0n, 0n, 100n, COLLATERAL, 50n);
    const module = host.entity('MarginModule', MODULE);
    expect(module).toMatchObject({ id: MODULE, address: MODULE, firstSeenBlock: 100n });
    expect(module?.priceOracle ?? null).toBeNull();
    expect(host.calls.filter((c) => c.fn === 'priceOracle')).toHaveLength(1);
    expect(order('0')).toMatchObject({ oracle: ORACLE, balance: 900n, openPositionCount: 1 });
    expect(position('0')).toMatchObject({ balances: [100n, 50n], stale: false });
    expect(host.warnings()).toEqual([]);
  });
});

describe('orders', () => {
  it('reads reward terms and currencyLimit, and follows deposits and withdrawals', () => {
    createOrder(0n, 1000n, 0n);
    emit(newTx(), 'OrderWithdraw', { orderId: 0n, asset: BASE, amount: 300n });
    emit(newTx(), 'OrderAliveStatus', { orderId: 0n, alive: false });
    expect(order('0')).toMatchObject({
      balance: 700n,
      alive: false,
      interestRate: 0n,
      currencyLimit: 4,
      liquidationRewardAmount: 10n,
      liquidationRewardAsset: addr(0),
      deadline: 2_000_000_000n,
      collateralAssets: [COLLATERAL, BASE],
      oracle: ORACLE,
      stale: false,
    });
    expect(host.entity('Oracle', ORACLE)).toMatchObject({ firstOrder: '0' });
  });

  it('re-reads the reward on OrderModified', () => {
    createOrder(0n, 0n);
    (chain.orders.get(0n) as ChainOrder).reward = 77n;
    emit(newTx(), 'OrderModified', {
      orderId: 0n,
      owner: LENDER,
      baseAsset: BASE,
      tokenWhitelist: WHITELIST,
      interestRate: 5n,
      duration: 10n,
      minLoan: 2n,
      leverage: 2,
      oracle: addr(0x0d),
    });
    expect(order('0')).toMatchObject({ liquidationRewardAmount: 77n, interestRate: 5n, oracle: addr(0x0d) });
  });
});

describe('positions', () => {
  beforeEach(() => createOrder(0n, 1000n));

  it('opens with [loan, collateral] and ignores the NewAsset echoes', () => {
    takeLoan(0n, 0n, 300n, COLLATERAL, 50n);
    expect(position('0')).toMatchObject({
      order: '0',
      assets: [BASE, COLLATERAL],
      balances: [300n, 50n],
      assetCount: 2,
      initialBalance: 300n,
      interest: 100n,
      initialLeverage: 3n,
      open: true,
      frozenAt: 0n,
    });
    expect(slots('0')).toEqual([
      [BASE, 300n],
      [COLLATERAL, 50n],
    ]);
    expect(order('0')).toMatchObject({ balance: 700n, positionCount: 1, openPositionCount: 1 });
    expect(host.warnings()).toEqual([]);
  });

  it('opens with one slot when the collateral is the base asset, and keeps an ERC-223 twin apart', () => {
    takeLoan(0n, 0n, 300n, BASE, 50n);
    expect(position('0')).toMatchObject({ assets: [BASE], balances: [350n] });
    takeLoan(1n, 0n, 100n, BASE_223, 20n);
    expect(position('1')).toMatchObject({ assets: [BASE, BASE_223], balances: [100n, 20n] });
  });

  it('follows swaps, deposits and swap-and-pop removals in contract order', () => {
    takeLoan(0n, 0n, 300n, COLLATERAL, 50n);
    let t = newTx();
    emit(t, 'NewAsset', { positionId: 0n, asset: TOKEN_C });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: BASE,
      assetOut: TOKEN_C,
      amountIn: 100n,
      amountOut: 40n,
    });
    t = newTx();
    emit(t, 'NewAsset', { positionId: 0n, asset: TOKEN_D });
    emit(t, 'PositionDeposit', { positionId: 0n, asset: TOKEN_D, amount: 5n });
    expect(position('0')).toMatchObject({
      assets: [BASE, COLLATERAL, TOKEN_C, TOKEN_D],
      balances: [200n, 50n, 40n, 5n],
    });
    // Selling all of slot 1: the last slot moves into it.
    t = newTx();
    emit(t, 'AssetRemoved', { positionId: 0n, asset: COLLATERAL });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: COLLATERAL,
      assetOut: BASE,
      amountIn: 50n,
      amountOut: 60n,
    });
    expect(position('0')).toMatchObject({
      assets: [BASE, TOKEN_D, TOKEN_C],
      balances: [260n, 5n, 40n],
      assetCount: 3,
    });
    expect(slots('0')).toEqual([
      [BASE, 260n],
      [TOKEN_D, 5n],
      [TOKEN_C, 40n],
    ]);
    // A new asset bought with all of another: pushed first, then moved into the sold slot.
    t = newTx();
    emit(t, 'NewAsset', { positionId: 0n, asset: COLLATERAL });
    emit(t, 'AssetRemoved', { positionId: 0n, asset: TOKEN_D });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: TOKEN_D,
      assetOut: COLLATERAL,
      amountIn: 5n,
      amountOut: 7n,
    });
    expect(position('0')).toMatchObject({ assets: [BASE, COLLATERAL, TOKEN_C], balances: [260n, 7n, 40n] });
    // Selling all of the base keeps it at index 0 with balance 0.
    t = newTx();
    emit(t, 'AssetRemoved', { positionId: 0n, asset: BASE });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: BASE,
      assetOut: TOKEN_C,
      amountIn: 260n,
      amountOut: 90n,
    });
    expect(position('0')).toMatchObject({ assets: [BASE, COLLATERAL, TOKEN_C], balances: [0n, 7n, 130n] });
    expect(host.entities('PendingAssetRemoval')).toEqual([]);
    expect(host.entities('MarginSwapEvent')).toHaveLength(4);
    expect(host.calls.filter((c) => c.fn.startsWith('getPosition'))).toEqual([]);
    expect(host.warnings()).toEqual([]);
  });

  it('repairs from the chain when a swap does not match, and skips the rest of that block', () => {
    takeLoan(0n, 0n, 300n, COLLATERAL, 50n);
    nextBlock();
    const onChain = chain.positions.get(0n) as ChainPosition;
    onChain.balances = [311n, 45n];
    emit(newTx(), 'MarginSwap', {
      positionId: 0n,
      assetIn: COLLATERAL,
      assetOut: BASE,
      amountIn: 999n,
      amountOut: 1n,
    });
    expect(host.warnings().join()).toMatch(/re-reading/);
    expect(position('0')).toMatchObject({ balances: [311n, 45n], syncedAtBlock: block.number, stale: false });
    emit(newTx(), 'PositionDeposit', { positionId: 0n, asset: BASE, amount: 1000n });
    expect(position('0')).toMatchObject({ balances: [311n, 45n] });
    nextBlock();
    emit(newTx(), 'PositionDeposit', { positionId: 0n, asset: BASE, amount: 1n });
    expect(position('0')).toMatchObject({ balances: [312n, 45n] });
  });

  it('marks a position stale when the repair read fails, instead of guessing', () => {
    takeLoan(0n, 0n, 300n, COLLATERAL, 50n);
    chain.reverting.add('getPositionBalances');
    emit(newTx(), 'PositionDeposit', { positionId: 0n, asset: TOKEN_C, amount: 5n });
    expect(position('0')).toMatchObject({ stale: true });
  });
});

describe('freeze, liquidation and close', () => {
  beforeEach(() => {
    createOrder(0n, 1000n);
    takeLoan(0n, 0n, 300n, COLLATERAL, 50n);
    const t = newTx();
    emit(t, 'NewAsset', { positionId: 0n, asset: TOKEN_C });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: BASE,
      assetOut: TOKEN_C,
      amountIn: 100n,
      amountOut: 40n,
    });
  });

  it('records freezes and re-freezes', () => {
    nextBlock();
    emit(newTx(), 'PositionFrozen', { positionId: 0n, liquidator: KEEPER, timestamp: block.timestamp });
    const first = block.timestamp;
    nextBlock(4000n);
    emit(newTx(), 'PositionFrozen', { positionId: 0n, liquidator: OTHER_KEEPER, timestamp: block.timestamp });
    expect(position('0')).toMatchObject({
      frozenAt: block.timestamp,
      frozenBy: OTHER_KEEPER,
      freezeCount: 2,
    });
    const freezes = host
      .entities('Freeze')
      .sort((a, b) => Number((a.frozenAt as bigint) - (b.frozenAt as bigint)));
    expect(freezes[0]).toMatchObject({ frozenAt: first, refreeze: false, liquidator: KEEPER });
    expect(freezes[1]).toMatchObject({
      refreeze: true,
      previousLiquidator: KEEPER,
      liquidator: OTHER_KEEPER,
    });
  });

  it('ends a gen-1 liquidation with the skipped leftover and the silent payback read back', () => {
    nextBlock();
    emit(newTx(), 'PositionFrozen', { positionId: 0n, liquidator: KEEPER, timestamp: block.timestamp });
    nextBlock();
    // Forward walk: selling slot 1 moves C into it and the loop moves past it.
    chain.positions.set(0n, {
      ...(chain.positions.get(0n) as ChainPosition),
      assets: [BASE, TOKEN_C],
      balances: [0n, 40n],
    });
    (chain.orders.get(0n) as ChainOrder).balance = 700n + 266n;
    const t = newTx();
    emit(t, 'AssetRemoved', { positionId: 0n, asset: COLLATERAL });
    emit(t, 'MarginSwap', {
      positionId: 0n,
      assetIn: COLLATERAL,
      assetOut: BASE,
      amountIn: 50n,
      amountOut: 66n,
    });
    expect(position('0')).toMatchObject({ assets: [BASE, TOKEN_C], balances: [266n, 40n] });
    emit(t, 'Liquidation', { positionId: 0n, orderId: 0n, liquidator: KEEPER, feeReceiver: OTHER_KEEPER });
    expect(position('0')).toMatchObject({
      open: false,
      closed: true,
      liquidated: true,
      closedBy: KEEPER,
      liquidationReceiver: OTHER_KEEPER,
      assets: [BASE, TOKEN_C],
      balances: [0n, 40n],
      frozenBy: KEEPER,
    });
    expect(order('0')).toMatchObject({ balance: 966n, openPositionCount: 0, liquidationCount: 1 });
    expect(host.entities('Liquidation')[0]).toMatchObject({
      order: '0',
      rewardAmount: 10n,
      frozenBy: KEEPER,
    });
    expect(host.warnings()).toEqual([]);
  });

  it('does not count twice what the end-of-block read already holds', () => {
    nextBlock();
    // positionClose(autoWithdraw) plus, later in the block, a deposit and a loan on the same order.
    chain.positions.set(0n, {
      ...(chain.positions.get(0n) as ChainPosition),
      assets: [BASE],
      balances: [0n],
    });
    (chain.orders.get(0n) as ChainOrder).balance = 700n + 200n + 55n - 30n;
    const t = newTx();
    emit(t, 'PositionClosed', { positionId: 0n, closedBy: BORROWER });
    emit(t, 'AssetRemoved', { positionId: 0n, asset: TOKEN_C });
    emit(t, 'PositionWithdrawal', { positionId: 0n, asset: TOKEN_C, quantity: 40n });
    emit(newTx(), 'OrderDeposit', { orderId: 0n, asset: BASE, amount: 55n });
    takeLoan(1n, 0n, 30n, COLLATERAL, 10n);
    expect(position('0')).toMatchObject({ closed: true, liquidated: false, assets: [BASE], balances: [0n] });
    expect(order('0')).toMatchObject({
      balance: 925n,
      closeCount: 1,
      openPositionCount: 1,
      positionCount: 2,
    });
    nextBlock();
    emit(newTx(), 'OrderDeposit', { orderId: 0n, asset: BASE, amount: 5n });
    expect(order('0')).toMatchObject({ balance: 930n });
    expect(host.entities('PositionClose')[0]).toMatchObject({
      closedBy: BORROWER,
      order: '0',
      rewardAmount: 10n,
    });
  });

  it('applies a later block withdrawal of leftovers through AssetRemoved', () => {
    nextBlock();
    chain.positions.set(0n, {
      ...(chain.positions.get(0n) as ChainPosition),
      assets: [BASE, TOKEN_C],
      balances: [5n, 40n],
    });
    emit(newTx(), 'PositionClosed', { positionId: 0n, closedBy: BORROWER });
    nextBlock();
    const t = newTx();
    emit(t, 'AssetRemoved', { positionId: 0n, asset: BASE });
    emit(t, 'PositionWithdrawal', { positionId: 0n, asset: BASE, quantity: 5n });
    emit(t, 'AssetRemoved', { positionId: 0n, asset: TOKEN_C });
    emit(t, 'PositionWithdrawal', { positionId: 0n, asset: TOKEN_C, quantity: 40n });
    expect(position('0')).toMatchObject({ assets: [BASE], balances: [0n], assetCount: 1 });
    expect(slots('0')).toEqual([[BASE, 0n]]);
    expect(host.warnings()).toEqual([]);
  });
});

describe('quirks never abort a handler', () => {
  it('skips events of unknown positions and orders with a warning', () => {
    emit(newTx(), 'MarginSwap', {
      positionId: 9n,
      assetIn: BASE,
      assetOut: TOKEN_C,
      amountIn: 1n,
      amountOut: 1n,
    });
    emit(newTx(), 'AssetRemoved', { positionId: 9n, asset: BASE });
    emit(newTx(), 'PositionFrozen', { positionId: 9n, liquidator: KEEPER, timestamp: 1n });
    emit(newTx(), 'Liquidation', { positionId: 9n, orderId: 3n, liquidator: KEEPER, feeReceiver: KEEPER });
    emit(newTx(), 'PositionClosed', { positionId: 9n, closedBy: KEEPER });
    emit(newTx(), 'PositionWithdrawal', { positionId: 9n, asset: BASE, quantity: 1n });
    emit(newTx(), 'OrderDeposit', { orderId: 3n, asset: BASE, amount: 1n });
    emit(newTx(), 'PositionLiquidated', { positionId: 9n, liquidator: KEEPER, rewardAmount: 1n });
    expect(host.warnings()).toHaveLength(8);
    expect(host.entities('Position')).toEqual([]);
  });

  it('keeps a position whose positions(id) read reverted, marked stale', () => {
    createOrder(0n, 1000n);
    chain.reverting.add('positions');
    emit(newTx(), 'PositionOpened', {
      positionId: 0n,
      owner: BORROWER,
      loanAmount: 5n,
      baseAsset: BASE,
      collateral: COLLATERAL,
      collateral_amount: 1n,
    });
    expect(position('0')).toMatchObject({ stale: true, balances: [5n, 1n] });
    expect(position('0').order ?? null).toBeNull();
  });
});

describe('pools', () => {
  const POOL = addr(0x9001);
  const T0 = addr(0x100);
  const T1 = addr(0x200);
  const T0_223 = addr(0x101);
  const T1_223 = addr(0x201);
  let pools: SubgraphTestHost;
  let poolEvents: EventFactory;

  function poolEmit(name: string, args: Record<string, unknown>): void {
    pools.run('Pool', poolEvents.event(name, args, block, newTx(), POOL));
  }

  function observation(index: number) {
    return pools.entity('PoolObservation', `${POOL}-${index}`);
  }

  beforeEach(() => {
    const factory = new SubgraphTestHost(subgraph);
    const factoryEvents = new EventFactory('Dex223Factory.json', addr(0xfac));
    factory.run(
      'Dex223Factory',
      factoryEvents.event(
        'PoolCreated',
        {
          token0_erc20: T0,
          token1_erc20: T1,
          token0_erc223: T0_223,
          token1_erc223: T1_223,
          fee: 3000,
          tickSpacing: 60,
          pool: POOL,
        },
        block,
        newTx(),
      ),
    );
    expect(factory.created.map((c) => ({ name: c.template, params: c.params }))).toEqual([
      { name: 'Pool', params: [POOL] },
    ]);
    expect(factory.entity('TokenAddress', T1_223)).toMatchObject({ token: T1, standard: 'ERC223' });
    expect(factory.entity('Token', T0)).toMatchObject({ erc20: T0, erc223: T0_223 });
    pools = factory.sharingStore();
    poolEvents = new EventFactory('Dex223Pool.json', POOL);
  });

  it('mirrors slot0, liquidity and the observation ring like Uniswap v3', () => {
    const t0 = block.timestamp;
    poolEmit('Initialize', { sqrtPriceX96: 2n ** 96n, tick: 0 });
    expect(observation(0)).toMatchObject({ blockTimestamp: t0, tickCumulative: 0n, initialized: true });
    poolEmit('IncreaseObservationCardinalityNext', {
      observationCardinalityNextOld: 1,
      observationCardinalityNextNew: 3,
    });
    // grow() stamps the new slots with timestamp 1, uninitialised; observations(i) shows them as such.
    for (const index of [1, 2]) {
      expect(observation(index)).toMatchObject({
        blockTimestamp: 1n,
        tickCumulative: 0n,
        secondsPerLiquidityCumulativeX128: 0n,
        initialized: false,
      });
    }
    expect(observation(3)).toBeUndefined();
    const mint = { sender: KEEPER, owner: KEEPER, amount0: 1n, amount1: 1n };
    // Same timestamp as Initialize: liquidity changes, no new observation.
    poolEmit('Mint', { ...mint, tickLower: -60, tickUpper: 60, amount: 1000n });
    poolEmit('Mint', { ...mint, tickLower: 60, tickUpper: 120, amount: 7n });
    expect(pools.entity('Pool', POOL)).toMatchObject({
      liquidity: 1000n,
      observationIndex: 0,
      observationCardinality: 1,
    });

    nextBlock(10n);
    const swap = { sender: KEEPER, recipient: KEEPER, amount0: 1n, amount1: -1n, liquidity: 1000n };
    poolEmit('Swap', { ...swap, sqrtPriceX96: 2n ** 96n - 1000n, tick: -5 });
    // The ring grows to cardinalityNext when the index wraps, and records the pre-swap tick 0.
    expect(pools.entity('Pool', POOL)).toMatchObject({
      tick: -5,
      observationIndex: 1,
      observationCardinality: 3,
    });
    expect(observation(1)).toMatchObject({
      blockTimestamp: t0 + 10n,
      tickCumulative: 0n,
      secondsPerLiquidityCumulativeX128: (10n << 128n) / 1000n,
    });
    poolEmit('Swap', { ...swap, sqrtPriceX96: 2n ** 96n - 2000n, tick: -7 });
    expect(pools.entity('Pool', POOL)).toMatchObject({ tick: -7, observationIndex: 1 });
    expect(observation(2)).toMatchObject({ blockTimestamp: 1n, initialized: false });

    nextBlock(20n);
    poolEmit('Burn', { owner: KEEPER, tickLower: 60, tickUpper: 120, amount: 7n, amount0: 0n, amount1: 0n });
    poolEmit('Burn', { owner: KEEPER, tickLower: -60, tickUpper: 60, amount: 0n, amount0: 0n, amount1: 0n });
    expect(pools.entity('Pool', POOL)).toMatchObject({ liquidity: 1000n, observationIndex: 1 });
    poolEmit('Burn', {
      owner: KEEPER,
      tickLower: -60,
      tickUpper: 60,
      amount: 400n,
      amount0: 0n,
      amount1: 0n,
    });
    expect(observation(2)).toMatchObject({ blockTimestamp: t0 + 30n, tickCumulative: -7n * 20n });
    expect(pools.entity('Pool', POOL)).toMatchObject({ liquidity: 600n, observationIndex: 2 });

    nextBlock(5n);
    poolEmit('Swap', { ...swap, liquidity: 600n, sqrtPriceX96: 2n ** 96n, tick: 3 });
    expect(observation(0)).toMatchObject({
      blockTimestamp: t0 + 35n,
      tickCumulative: -140n + -7n * 5n,
      secondsPerLiquidityCumulativeX128: (10n << 128n) / 1000n + (20n << 128n) / 1000n + (5n << 128n) / 600n,
    });
    expect(pools.entity('Pool', POOL)).toMatchObject({ observationIndex: 0, observationCardinality: 3 });
    expect(pools.entity('PoolBlockState', `${POOL}-${block.number}`)).toMatchObject({
      tick: 3,
      liquidity: 600n,
    });
    expect(pools.warnings()).toEqual([]);
  });

  it('keeps an uninitialised pool at slot0 zero with no ring, then starts the ring at Initialize', () => {
    expect(pools.entity('Pool', POOL)).toMatchObject({
      initialized: false,
      sqrtPriceX96: 0n,
      tick: 0,
      liquidity: 0n,
      observationIndex: 0,
      observationCardinality: 0,
      observationCardinalityNext: 0,
    });
    expect(pools.entities('PoolObservation')).toEqual([]);
    nextBlock(7n);
    poolEmit('Initialize', { sqrtPriceX96: 3n * 2n ** 95n, tick: 4054 });
    expect(pools.entity('Pool', POOL)).toMatchObject({
      initialized: true,
      tick: 4054,
      observationCardinality: 1,
      observationCardinalityNext: 1,
    });
    expect(pools.entities('PoolObservation')).toHaveLength(1);
    expect(pools.warnings()).toEqual([]);
  });

  // Such a pool can serve a TWAP window only once its single observation is old enough; the mirror just
  // keeps overwriting slot 0, exactly as the pool does.
  it('overwrites slot 0 of a single-slot ring at every write, with the pre-change tick', () => {
    const t0 = block.timestamp;
    poolEmit('Initialize', { sqrtPriceX96: 2n ** 96n, tick: 0 });
    poolEmit('Mint', {
      sender: KEEPER,
      owner: KEEPER,
      tickLower: -600,
      tickUpper: 600,
      amount: 500n,
      amount0: 1n,
      amount1: 1n,
    });
    const swap = { sender: KEEPER, recipient: KEEPER, amount0: 1n, amount1: -1n, liquidity: 500n };
    nextBlock(100n);
    poolEmit('Swap', { ...swap, sqrtPriceX96: 2n ** 96n + 1n, tick: 20 });
    nextBlock(50n);
    // A swap that keeps the tick writes nothing.
    poolEmit('Swap', { ...swap, sqrtPriceX96: 2n ** 96n + 2n, tick: 20 });
    nextBlock(50n);
    poolEmit('Swap', { ...swap, sqrtPriceX96: 2n ** 96n, tick: -3 });
    expect(pools.entities('PoolObservation')).toHaveLength(1);
    expect(observation(0)).toMatchObject({
      blockTimestamp: t0 + 200n,
      tickCumulative: 20n * 100n,
      secondsPerLiquidityCumulativeX128: (100n << 128n) / 500n + (100n << 128n) / 500n,
      initialized: true,
    });
    expect(pools.entity('Pool', POOL)).toMatchObject({
      tick: -3,
      observationIndex: 0,
      observationCardinality: 1,
    });
  });

  it('skips events of an unknown pool', () => {
    pools.remove('Pool', POOL);
    poolEmit('Swap', {
      sender: KEEPER,
      recipient: KEEPER,
      amount0: 1n,
      amount1: 1n,
      sqrtPriceX96: 1n,
      liquidity: 1n,
      tick: 1,
    });
    expect(pools.warnings()).toHaveLength(1);
  });
});
