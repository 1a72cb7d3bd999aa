import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardPage } from './dashboardPage.js';
import type { KeeperMetrics } from './KeeperMetrics.js';

export interface HealthReport {
  /**
   * `ok`: acting on fresh data; `not-acting`: the last block was skipped (see `reason`); `stale`: no block
   * handled for too many heads or too long (see `reason`); `starting`.
   */
  status: 'ok' | 'not-acting' | 'stale' | 'starting';
  reason?: string;
  headBlock?: number;
  syncedBlock?: number;
  lagBlocks?: number;
  positionsTracked?: number;
  updatedAt?: string;
}

/**
 * Serves `/metrics` (Prometheus text), `/health` (JSON; HTTP 503 while not acting) and, given `dashboard`, the
 * dashboard page at `/` with its data at `/api/state`.
 */
export async function startOpsServer(options: {
  port: number;
  host: string;
  metrics: KeeperMetrics;
  health: () => HealthReport;
  /** The dashboard's document (any JSON-able value; bigints become decimal strings). */
  dashboard?: () => unknown;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      options.metrics.registry
        .metrics()
        .then((text) =>
          res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
        )
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    if (path === '/health') {
      const report = options.health();
      res
        .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(report));
      return;
    }
    if (options.dashboard && (path === '/' || path === '/dashboard')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(dashboardPage);
      return;
    }
    if (options.dashboard && path === '/api/state') {
      const body = JSON.stringify(options.dashboard(), (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /health or /\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
