import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphNode, type GraphNode } from '../../devnet/graph-host/deploy/startGraphNode.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';

const repo = join(import.meta.dirname, '..', '..');
let devnet: Devnet;
let market: KeeperMarket;
let graphNode: GraphNode;

beforeAll(async () => {
  devnet = await Devnet.start();
  market = await setUpKeeperMarket(devnet, { positions: 6, seed: 11 });
  graphNode = await startGraphNode({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 20 });
}, 120_000);

afterAll(async () => {
  await graphNode?.stop();
  await devnet?.stop();
});

function run(command: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(command, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

async function query<T>(url: string, text: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`query failed: ${JSON.stringify(body)}`);
  return body.data;
}

async function adminCall(
  method: string,
  params: unknown,
): Promise<{ result?: unknown; error?: { message: string } }> {
  const response = await fetch(graphNode.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { message: string } };
}

describe('npm run subgraph:deploy with the real graph-cli, to the devnet graph-node stand-in', () => {
  it('creates and deploys the subgraph, which then indexes the chain and answers queries under its name', async () => {
    const deployed = await run('npm', [
      'run',
      'subgraph:deploy',
      '--',
      '--network',
      'devnet',
      '--node',
      graphNode.url,
      '--ipfs',
      graphNode.url,
      '--version-label',
      'v-test',
    ]);
    expect(deployed.code, deployed.out.slice(-3000)).toBe(0);
    expect(deployed.out).toMatch(/Created subgraph: dex223-keeper\/devnet/);
    expect(deployed.out).toMatch(/Deployed to /);
    const host = graphNode.deployments.get('dex223-keeper/devnet');
    expect(host).toBeDefined();

    const head = await devnet.producer.latest();
    await host!.indexer.waitFor({ number: head.number }, 60_000);
    const url = graphNode.queryUrl('dex223-keeper/devnet');
    const meta = await query<{ _meta: { deployment: string; block: { number: number } } }>(
      url,
      '{ _meta { deployment block { number } } }',
    );
    expect(meta._meta.block.number).toBe(head.number);
    // graph-node names a deployment by its manifest's IPFS hash, as graph-cli printed it.
    expect(deployed.out).toContain(meta._meta.deployment);
    expect(meta._meta.deployment).toMatch(/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/);

    const { positions } = await query<{ positions: { id: string }[] }>(
      url,
      '{ positions(first: 100) { id } }',
    );
    expect(positions.length).toBe(market.positionIds.length);
  }, 240_000);

  it('answers admin calls as graph-node does: a name is created once, and deploys need a created name', async () => {
    expect((await adminCall('subgraph_create', { name: 'dex223-keeper/devnet' })).error?.message).toMatch(
      /already exists/,
    );
    expect(
      (await adminCall('subgraph_deploy', { name: 'nobody/here', ipfs_hash: 'QmX' })).error?.message,
    ).toMatch(/not found/);
    expect((await adminCall('subgraph_create', { name: 'bad name!' })).error?.message).toMatch(
      /invalid subgraph name/,
    );
    expect((await adminCall('subgraph_create', { name: 'other/one' })).result).toEqual({ id: 'other/one' });
    expect(
      (await adminCall('subgraph_deploy', { name: 'other/one', ipfs_hash: 'QmNothing' })).error?.message,
    ).toMatch(/no file at IPFS hash QmNothing/);
    expect((await adminCall('subgraph_frobnicate', { name: 'other/one' })).error?.message).toMatch(
      /Method not found/,
    );
  });
});
