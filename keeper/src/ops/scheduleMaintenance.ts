import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { formatErrorChain } from '../errors/KeeperError.js';

/** A periodic job: its cron expression and what it does. */
export interface MaintenanceJob {
  name: string;
  cron: string;
  run(): Promise<void>;
}

/**
 * Runs each job on its cron schedule. A run that throws is logged with its cause chain and the schedule goes
 * on; a run still busy when its next time comes is skipped, not stacked.
 */
export function scheduleMaintenance(
  jobs: readonly MaintenanceJob[],
  log: Logger,
): { runNow(name: string): Promise<void>; stop(): Promise<void> } {
  const busy = new Set<string>();
  const runJob = async (job: MaintenanceJob): Promise<void> => {
    if (busy.has(job.name)) {
      log.warn({ job: job.name }, 'maintenance job still running: this run skipped');
      return;
    }
    busy.add(job.name);
    try {
      await job.run();
    } catch (err) {
      log.error(
        { job: job.name, error: formatErrorChain(err) },
        'maintenance job failed; the schedule goes on',
      );
    } finally {
      busy.delete(job.name);
    }
  };
  const tasks: ScheduledTask[] = jobs.map((job) => schedule(job.cron, () => runJob(job), { name: job.name }));
  return {
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (job) await runJob(job);
    },
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}

/**
 * Warns for each of our keys whose balance is below `minWei` (a key that cannot pay gas liquidates nothing),
 * and reports every balance to `onBalance` (the metric). Returns the low ones.
 */
export async function checkSignerBalances(options: {
  addresses: readonly string[];
  minWei: bigint;
  balanceOf: (address: string) => Promise<bigint>;
  log: Logger;
  onBalance?: (address: string, wei: bigint) => void;
}): Promise<string[]> {
  const low: string[] = [];
  for (const address of options.addresses) {
    const wei = await options.balanceOf(address);
    options.onBalance?.(address, wei);
    if (wei < options.minWei) {
      low.push(address);
      options.log.warn(
        { address, balanceWei: wei.toString(), minWei: options.minWei.toString() },
        'signer balance below the threshold: top it up or liquidations will stop',
      );
    }
  }
  return low;
}
