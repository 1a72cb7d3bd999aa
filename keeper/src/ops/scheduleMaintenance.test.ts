import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KeeperError } from '../errors/KeeperError.js';
import { checkSignerBalances, scheduleMaintenance } from './scheduleMaintenance.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), text: () => lines.join('') };
}

describe('scheduleMaintenance', () => {
  it('runs a job, logs a failure with its cause chain and keeps the schedule, skips an overlapping run', async () => {
    const { log, text } = capture();
    let runs = 0;
    let release: () => void = () => undefined;
    const jobs = [
      {
        name: 'resync',
        cron: '0 * * * *',
        run: async () => {
          runs += 1;
          if (runs === 1) throw new KeeperError('subgraph down', { cause: new Error('ECONNREFUSED') });
          await new Promise<void>((r) => (release = r));
        },
      },
    ];
    const scheduler = scheduleMaintenance(jobs, log);
    try {
      await scheduler.runNow('resync');
      expect(text()).toMatch(
        /"error":"KeeperError: subgraph down ← caused by Error: ECONNREFUSED".*maintenance job failed/,
      );
      const slow = scheduler.runNow('resync');
      await scheduler.runNow('resync');
      expect(text()).toMatch(/still running: this run skipped/);
      release();
      await slow;
      expect(runs).toBe(2);
    } finally {
      await scheduler.stop();
    }
  });
});

describe('checkSignerBalances', () => {
  it('warns for keys below the threshold and reports every balance', async () => {
    const { log, text } = capture();
    const balances: Record<string, bigint> = { '0xaa': 10n, '0xbb': 1000n };
    const seen: string[] = [];
    const low = await checkSignerBalances({
      addresses: ['0xaa', '0xbb'],
      minWei: 100n,
      balanceOf: async (a) => balances[a] ?? 0n,
      log,
      onBalance: (a, wei) => seen.push(`${a}=${wei}`),
    });
    expect(low).toEqual(['0xaa']);
    expect(seen).toEqual(['0xaa=10', '0xbb=1000']);
    expect(text()).toMatch(/"address":"0xaa".*signer balance below the threshold/);
    expect(text()).not.toMatch(/"address":"0xbb"/);
  });
});
