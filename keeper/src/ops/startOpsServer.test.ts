import { describe, expect, it } from 'vitest';
import { KeeperMetrics } from './KeeperMetrics.js';
import { startOpsServer, type HealthReport } from './startOpsServer.js';

describe('ops endpoint', () => {
  it('serves Prometheus metrics and a health report that turns 503 while not acting', async () => {
    const metrics = new KeeperMetrics();
    let health: HealthReport = { status: 'ok', headBlock: 10, syncedBlock: 10, lagBlocks: 0 };
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, health: () => health });
    try {
      metrics.headBlock.set(10);
      metrics.notActing.inc({ reason: 'subgraph-lag' });
      const text = await (await fetch(`${ops.url}/metrics`)).text();
      expect(text).toMatch(/^keeper_head_block 10$/m);
      expect(text).toMatch(/^keeper_not_acting_total\{reason="subgraph-lag"\} 1$/m);
      const ok = await fetch(`${ops.url}/health`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: 'ok', headBlock: 10 });
      health = { status: 'not-acting', reason: 'subgraph lags 5 blocks' };
      const bad = await fetch(`${ops.url}/health`);
      expect(bad.status).toBe(503);
      expect(await bad.json()).toMatchObject({ status: 'not-acting', reason: 'subgraph lags 5 blocks' });
      expect((await fetch(`${ops.url}/nope`)).status).toBe(404);
      // Without a dashboard there is no page.
      expect((await fetch(`${ops.url}/`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });

  it('serves the dashboard page and its state, bigints as decimal strings', async () => {
    const metrics = new KeeperMetrics();
    let head = 7n;
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      health: () => ({ status: 'ok' }),
      dashboard: () => ({ head, rewardWei: 10n ** 30n + 1n }),
    });
    try {
      for (const path of ['/', '/dashboard']) {
        const page = await fetch(`${ops.url}${path}`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const html = await page.text();
        expect(html).toContain('Positions nearest to liquidation');
        // Nothing loaded from elsewhere: the page works on a machine without internet access.
        expect(html).not.toMatch(/(src|href)="https?:/);
      }
      expect(await (await fetch(`${ops.url}/api/state`)).json()).toEqual({
        head: '7',
        rewardWei: '1000000000000000000000000000001',
      });
      head = 8n;
      expect(await (await fetch(`${ops.url}/api/state`)).json()).toMatchObject({ head: '8' });
    } finally {
      await ops.close();
    }
  });
});
