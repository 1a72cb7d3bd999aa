import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devnet/chain/freePort.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { RpcChainAccess } from '../../devnet/graph-host/runtime/RpcChainAccess.js';
import { RpcError } from '../../devnet/graph-host/runtime/RpcError.js';
import { SyncRpc } from '../../devnet/graph-host/runtime/SyncRpc.js';
import { startFlakyRpcProxy, type FlakyRpcProxy } from './startFlakyRpcProxy.js';

// The blocking bridge handlers use for eth_call, against a real node (anvil) and a proxy that misbehaves.

let anvil: Anvil;
let proxy: FlakyRpcProxy;
const bridges: SyncRpc[] = [];

function bridge(url: string, timeoutMs?: number): SyncRpc {
  const rpc = new SyncRpc(url, { timeoutMs });
  bridges.push(rpc);
  return rpc;
}

beforeAll(async () => {
  anvil = await startAnvil({ automine: true });
  proxy = await startFlakyRpcProxy(anvil.rpcUrl);
});

afterAll(async () => {
  for (const rpc of bridges) await rpc.close();
  await proxy?.stop();
  await anvil?.stop();
});

describe('SyncRpc', () => {
  it('answers synchronously, JSON-RPC errors as values', () => {
    const rpc = bridge(anvil.rpcUrl);
    expect(rpc.request('eth_chainId', [])).toEqual({ result: '0x7a69' });
    const reverted = rpc.request('eth_call', [{ data: '0x60006000fd' }, 'latest']);
    expect(reverted).toMatchObject({ error: { code: 3, message: 'execution reverted' } });
  });

  it('reads at a block hash: a revert or an EVM halt is null, an unknown block is a node error', () => {
    const rpc = bridge(anvil.rpcUrl);
    const chain = new RpcChainAccess(rpc);
    const latest = rpc.request('eth_getBlockByNumber', ['latest', false]) as { result: { hash: string } };
    const hash = latest.result.hash;
    expect(chain.call({ to: '0x0000000000000000000000000000000000000001', data: '0x' }, hash)).toBe('0x');
    expect(chain.call({ data: '0x60006000fd' } as never, hash)).toBeNull();
    expect(chain.call({ data: '0xfe' } as never, hash)).toBeNull();
    expect(chain.getBalance('0x0000000000000000000000000000000000000001', hash)).toBe(0n);
    expect(() =>
      chain.call({ to: '0x0000000000000000000000000000000000000001', data: '0x' }, `0x${'11'.repeat(32)}`),
    ).toThrow(/eth_call at block 0x1111.* failed: Resource not found/);
  });

  it('turns a refused connection and a silent node into RpcError, and never hands out a stale answer', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    expect(() => bridge(closed).request('eth_chainId', [])).toThrow(/fetch failed \(ECONNREFUSED\)/);
    const rpc = bridge(proxy.url, 1000);
    await proxy.setMode('hang');
    const started = Date.now();
    expect(() => rpc.request('eth_blockNumber', [])).toThrow(RpcError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    await proxy.setMode('pass');
    expect(rpc.request('eth_chainId', [])).toEqual({ result: '0x7a69' });
    await proxy.setMode('drop');
    expect(() => rpc.request('eth_chainId', [])).toThrow(/fetch failed/);
    await proxy.setMode('pass');
  });

  it('refuses requests once closed', async () => {
    const rpc = new SyncRpc(anvil.rpcUrl);
    await rpc.close();
    expect(() => rpc.request('eth_chainId', [])).toThrow(/closed/);
  });
});
