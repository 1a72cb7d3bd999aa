import { JsonRpcProvider } from 'ethers';
import { describe, expect, it } from 'vitest';
import { runDevnet, type FinishedRun } from '../../devnet/cli/runDevnet.js';
import { readPaidTxs } from '../../devnet/scenario/readPaidTxs.js';
import { reportCommand } from '../../keeper/src/cli/reportCommand.js';

interface ReportJson {
  positions: {
    positionId: string;
    completedBy: string | null;
    rewardWei: string;
    gasWei: string;
    profitWei: string;
    rewardEstimated: boolean;
    rewardUnvalued: boolean;
  }[];
  totals: {
    marketLiquidations: number;
    ourLiquidations: number;
    rewardWei: string;
    estimatedRewardWei: string;
    gasWei: string;
    profitWei: string;
  };
}

const field = (line: string, name: string): bigint => {
  const match = new RegExp(`(?:^| )${name}=(-?\\d+)(?: |$)`).exec(line);
  if (!match) throw new Error(`no ${name}= in: ${line}`);
  return BigInt(match[1] as string);
};

// The devnet's crash run as `npm run devnet -- --scenario crash` runs it (the default generation, the built-in
// keeper), then `dex223-keeper report --json` against that devnet's subgraph and RPC before it stops: the report
// must list every liquidation the summary counted and reach the summary's money to the wei.
describe('dex223-keeper report after the devnet crash', () => {
  it('lists every liquidation, with totals (rewards, gas, profit) equal to the summary and money lines', async () => {
    const lines: string[] = [];
    let run: FinishedRun | undefined;
    let report: ReportJson | undefined;
    const reportText: string[] = [];
    let chainCompleted: string[] = [];
    await runDevnet({
      scenario: 'crash',
      generation: 3,
      stepIntervalMs: 10,
      secondsPerBlock: 12,
      subgraphLag: 0,
      positions: 30,
      steps: 0,
      exitWhenDone: true,
      keeper: true,
      seed: 0,
      builders: 1,
      log: (line) => lines.push(line),
      afterSummary: async (finished) => {
        run = finished;
        const flags = {
          'chain-id': String(finished.chainId),
          'rpc-urls': finished.rpcUrl,
          'subgraph-url': finished.subgraphUrl,
          'margin-module': finished.marginModule,
          weth: finished.weth,
          liquidator: finished.liquidator,
          'ops.log-level': 'error',
          since: String(finished.fromBlock),
        };
        const printed: string[] = [];
        expect(
          await reportCommand({ flags: { ...flags, json: true }, env: {}, print: (l) => printed.push(l) }),
        ).toBe(0);
        report = JSON.parse(printed.join('')) as ReportJson;
        expect(await reportCommand({ flags, env: {}, print: (l) => reportText.push(l) })).toBe(0);
        // The chain's own list of our completions, from receipts (not from the subgraph the report reads).
        const provider = new JsonRpcProvider(finished.rpcUrl, finished.chainId, { staticNetwork: true });
        try {
          const paid = await readPaidTxs(
            provider,
            finished.marginModule,
            finished.fromBlock,
            finished.toBlock,
            new Set([finished.liquidator]),
          );
          chainCompleted = paid.flatMap((tx) => (tx.reverted ? [] : tx.completed.map(String))).sort();
        } finally {
          provider.destroy();
        }
      },
    });
    expect(run, lines.slice(-20).join('\n')).toBeDefined();
    expect(report).toBeDefined();
    const summary = run!.summary;
    const money = run!.money;
    expect(lines.at(-1)).toBe(summary);
    expect(lines.at(-2)).toBe(money);
    console.log(`devnet crash: ${summary}\n${money}\n${reportText.at(-1)}`);

    const liquidated = Number(field(summary, 'liquidated'));
    expect(liquidated).toBeGreaterThan(0);
    const ours = report!.positions.filter((p) => p.completedBy === run!.liquidator);
    // Every liquidation the summary counted, and no other, with a reward, the gas paid on it and its profit.
    expect(ours).toHaveLength(liquidated);
    expect(report!.totals.ourLiquidations).toBe(liquidated);
    expect(ours.map((p) => p.positionId).sort()).toEqual(chainCompleted);
    for (const p of ours) {
      expect(BigInt(p.rewardWei)).toBeGreaterThan(0n);
      expect(BigInt(p.gasWei)).toBeGreaterThan(0n);
      expect(BigInt(p.profitWei)).toBe(BigInt(p.rewardWei) - BigInt(p.gasWei));
      expect(p.rewardUnvalued).toBe(false);
    }
    // The totals, to the wei: rewards and all gas (money line), profit (both lines).
    expect(BigInt(report!.totals.rewardWei)).toBe(field(money, 'reward_wei'));
    expect(BigInt(report!.totals.gasWei)).toBe(field(money, 'gas_spent_wei'));
    expect(BigInt(report!.totals.profitWei)).toBe(field(summary, 'profit_wei'));
    expect(field(money, 'profit_wei')).toBe(field(summary, 'profit_wei'));
    // Rewards here are paid in the token that plays WETH: nothing is an estimate.
    expect(report!.totals.estimatedRewardWei).toBe('0');
    expect(reportText.at(-1)).toContain(`profit_wei=${field(summary, 'profit_wei')}`);
    expect(reportText.filter((l) => l.startsWith('  position '))).toHaveLength(report!.positions.length);
  }, 900_000);
});
