import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address } from '../model/types.js';
import { amountInEthWei } from '../run/rewardValueWei.js';
import { PoolIndex } from '../valuation/PoolIndex.js';
import { parsePools } from '../ingest/parseSubgraph.js';
import { reportCommand } from './reportCommand.js';

const US = '0x00000000000000000000000000000000000000aa';
const WETH = '0x00000000000000000000000000000000000000ee';
const TOKEN = '0x00000000000000000000000000000000000000cc';
const TWIN = '0x00000000000000000000000000000000000000cd';
const WETH_TWIN = '0x00000000000000000000000000000000000000ef';
const POOL = '0x0000000000000000000000000000000000000f01';
const TOKEN_REWARD = 7n * 10n ** 18n;

/** The pool as the subgraph has it at a block: the price at block 20 is not the one at block 30. */
const poolAt = (block: number) => ({
  id: POOL,
  address: POOL,
  fee: 3000,
  token0Erc20: TOKEN,
  token1Erc20: WETH,
  token0Erc223: TWIN,
  token1Erc223: WETH_TWIN,
  initialized: true,
  sqrtPriceX96: String(block === 20 ? 1n << 95n : 1n << 97n),
  tick: 0,
  liquidity: '1000000000000000000',
  observationIndex: 0,
  observationCardinality: 1,
  observationCardinalityNext: 1,
});

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });

const servers: Server[] = [];
async function serve(
  answer: (request: {
    query?: string;
    method?: string;
    params?: unknown[];
    variables?: Record<string, unknown>;
    id?: number;
  }) => unknown,
) {
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      const request = JSON.parse(text) as Parameters<typeof answer>[0];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer(request)));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('dex223-keeper report, a reward paid in a token', () => {
  it('values it at the pool price of its completion block and says it is an estimate', async () => {
    const poolBlocks: unknown[] = [];
    const subgraph = await serve(({ query = '', variables = {} }) => {
      if (query.includes('freezes('))
        return {
          data: {
            freezes: [{ id: 'f1', position: { id: '1' }, liquidator: US, blockNumber: '19', txHash: '0xf1' }],
          },
        };
      if (query.includes('liquidations('))
        return {
          data: {
            liquidations: [
              ['c1', '1', '20', '0xc1', TOKEN, String(TOKEN_REWARD)],
              ['c2', '2', '21', '0xc2', WETH, '1000'],
            ].map(([id, position, blockNumber, txHash, rewardAsset, rewardAmount]) => ({
              id,
              position: { id: position },
              liquidator: US,
              frozenBy: US,
              feeReceiver: US,
              rewardAmount,
              rewardAsset,
              blockNumber,
              txHash,
            })),
          },
        };
      if (query.includes('pools(')) {
        poolBlocks.push(variables.block);
        return { data: { pools: [poolAt(variables.block as number)] } };
      }
      return { errors: [{ message: `unexpected query ${query}` }] };
    });
    const rpc = await serve(({ method, params = [], id }) => {
      if (method === 'eth_chainId') return { jsonrpc: '2.0', id, result: '0x7a69' };
      if (method === 'eth_getTransactionReceipt')
        return { jsonrpc: '2.0', id, result: { gasUsed: '0x64', effectiveGasPrice: '0x2', hash: params[0] } };
      return { jsonrpc: '2.0', id, error: { code: -32601, message: `no ${method}` } };
    });
    const flags = {
      'chain-id': '31337',
      'rpc-urls': rpc,
      'subgraph-url': subgraph,
      'margin-module': '0x5f2D775362ADBC70A6814456A41B268e29259bA0',
      weth: WETH,
      liquidator: US,
      'ops.log-level': 'error',
    };
    const printed: string[] = [];
    expect(
      await reportCommand({ flags: { ...flags, json: true }, env: {}, print: (l) => printed.push(l) }),
    ).toBe(0);
    const json = JSON.parse(printed.join('')) as {
      positions: { positionId: string; rewardWei: string; rewardEstimated: boolean; profitWei: string }[];
      totals: { rewardWei: string; estimatedRewardWei: string; gasWei: string; profitWei: string };
    };
    // Valued on the pool as it was at block 20 (the completion's), both sides of it asked: ERC-20s and ERC-223s.
    expect(poolBlocks).toEqual([20, 20]);
    const atCompletion = amountInEthWei(
      TOKEN as Address,
      TOKEN_REWARD,
      WETH as Address,
      PoolIndex.from(parsePools([poolAt(20)]).map((p) => p.state)),
    );
    const atLaterBlock = amountInEthWei(
      TOKEN as Address,
      TOKEN_REWARD,
      WETH as Address,
      PoolIndex.from(parsePools([poolAt(30)]).map((p) => p.state)),
    );
    expect(atCompletion).not.toBeNull();
    expect(atCompletion).not.toBe(atLaterBlock);
    expect(atCompletion).not.toBe(TOKEN_REWARD);
    const [first, second] = json.positions;
    expect(first).toMatchObject({ positionId: '1', rewardWei: String(atCompletion), rewardEstimated: true });
    // Gas: the freeze and the completion, 100 gas at 2 wei each.
    expect(first?.profitWei).toBe(String(atCompletion! - 400n));
    expect(second).toMatchObject({ positionId: '2', rewardWei: '1000', rewardEstimated: false });
    expect(json.totals).toMatchObject({
      rewardWei: String(atCompletion! + 1000n),
      estimatedRewardWei: String(atCompletion),
      gasWei: '600',
    });

    const lines: string[] = [];
    expect(await reportCommand({ flags, env: {}, print: (l) => lines.push(l) })).toBe(0);
    expect(lines.find((l) => l.startsWith('  position 1:'))).toContain(
      '(estimate: a token reward at the pool price of block 20)',
    );
    expect(lines.find((l) => l.startsWith('  position 2:'))).not.toContain('estimate');
    expect(lines).toContain(
      `estimate: reward_wei and profit_wei include ${atCompletion} wei of token rewards valued at the pool price of their completion block`,
    );
  });
});
