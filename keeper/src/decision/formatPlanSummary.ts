import type { PlanSummary } from './types.js';

const weiPerEth = 10n ** 18n;

/** Exact decimal ETH: money never goes through a float, not even for display. */
function formatEth(wei: bigint): string {
  const sign = wei < 0n ? '-' : '';
  const abs = wei < 0n ? -wei : wei;
  const fraction = (abs % weiPerEth).toString().padStart(18, '0').replace(/0+$/, '');
  return `${sign}${abs / weiPerEth}${fraction === '' ? '' : `.${fraction}`} ETH`;
}

/** The dry run's one line per block. */
export function formatPlanSummary(summary: PlanSummary): string {
  return (
    `block ${summary.blockNumber} @${summary.timestampSec}: ` +
    `${summary.tracked} tracked (${summary.excluded} excluded), ${summary.atRisk} at risk, ` +
    `${summary.candidates} candidates, ${summary.actions} actions ` +
    `(${summary.completions} complete, ${summary.freezes} freeze, ${summary.refreezes} refreeze), ` +
    `expected profit ${formatEth(summary.expectedProfitWei)}`
  );
}
