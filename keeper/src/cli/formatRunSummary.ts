import { formatDuration } from './formatDuration.js';

const weiPerEth = 10n ** 18n;

/** Exact decimal ETH, six decimals, never through a float. */
export function formatEthShort(wei: bigint): string {
  const sign = wei < 0n ? '-' : '';
  const abs = wei < 0n ? -wei : wei;
  return `${sign}${abs / weiPerEth}.${(abs % weiPerEth).toString().padStart(18, '0').slice(0, 6)}`;
}

/** The line `run` prints when it stops (Ctrl-C, SIGTERM): what this session did. */
export function formatRunSummary(s: {
  ranMs: number;
  blocksHandled: number;
  blocksFailed: number;
  reorgs: number;
  lastHead: number | undefined;
  dryRun: boolean;
  liquidations: number;
  rewardWei: bigint;
  gasSpentWei: bigint;
  alertsSent: number;
}): string {
  const ran = formatDuration(Math.round(s.ranMs / 1000))
    .replace(/^in /, '')
    .replace(/^now$/, '0 s');
  const earned = s.dryRun
    ? 'dry run: nothing sent'
    : `liquidations ${s.liquidations}, earned ${formatEthShort(s.rewardWei)} ETH, gas ${formatEthShort(s.gasSpentWei)} ETH, profit ${formatEthShort(s.rewardWei - s.gasSpentWei)} ETH`;
  return (
    `summary: ran ${ran}, ${s.blocksHandled} blocks handled (last ${s.lastHead ?? 'none'}), ` +
    `${s.blocksFailed} failed, ${s.reorgs} reorgs; ${earned}; ${s.alertsSent} alerts sent`
  );
}
