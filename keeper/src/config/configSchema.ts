import { getAddress, isAddress, parseEther } from 'ethers';
import { z } from 'zod';
import type { Address } from '../model/types.js';
import { Secret } from './Secret.js';

const address = z
  .string()
  .refine((s) => isAddress(s), { message: 'not an address' })
  .transform((s) => getAddress(s).toLowerCase() as Address);

const url = z.string().refine(
  (s) => {
    try {
      return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  },
  { message: 'not an http(s)/ws(s) URL' },
);

const secret = z
  .string()
  .min(1)
  .transform((s) => new Secret(s));

/** An ETH amount: "0.01" or "0.01 eth" → wei; "123 wei" → wei. */
const ethAmount = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const text = String(raw).trim().toLowerCase();
  const wei = /^(\d+)\s*wei$/.exec(text);
  try {
    if (wei) return BigInt(wei[1] ?? '0');
    return parseEther(text.replace(/\s*eth$/, ''));
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an ETH amount: ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
});

const usdAmount = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const text = String(raw)
    .trim()
    .toLowerCase()
    .replace(/\s*usd$/, '');
  if (!/^\d+(\.\d+)?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `not a USD amount: ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  return text;
});

const signer = z.union([
  z.object({
    keystore: z.string().min(1),
    /** Read the keystore password from this file (first line). */
    passwordFile: z.string().min(1).optional(),
    /** Or from this environment variable. Without either, the keeper prompts on a terminal. */
    passwordEnv: z.string().min(1).optional(),
  }),
  z.object({
    /** Accepted for development with a warning: prefer an encrypted keystore. */
    privateKey: secret,
  }),
]);

export const configSchema = z
  .object({
    chainId: z.coerce.number().int().positive(),
    /** One or more RPC endpoints, tried in order (failover). */
    rpcUrls: z.array(url).min(1),
    subgraphUrl: url,
    marginModule: address,
    signer: signer.optional(),
    /** Signs Flashbots relay requests (reputation only, holds no funds): never the liquidator key. */
    flashbotsAuthKey: secret.optional(),
    thresholds: z
      .object({
        minProfit: ethAmount.default(0n),
        /** Liquidate even at a loss when the reward is worth at least this much. */
        alwaysLiquidateAboveReward: z
          .union([z.object({ eth: ethAmount }), z.object({ usd: usdAmount, stablecoinPool: address })])
          .optional(),
      })
      .default({ minProfit: 0n }),
    filters: z
      .object({
        /** Only orders created by these lenders (lenders liquidating their own orders). */
        lenders: z.array(address).default([]),
        orderIds: z.array(z.coerce.bigint()).default([]),
        rewardFloor: ethAmount.default(0n),
      })
      .default({ lenders: [], orderIds: [], rewardFloor: 0n }),
    /** Our liquidator address when no signer is configured (a dry run watching for someone). */
    liquidator: address.optional(),
    /** Wrapped ether: rewards in other tokens are valued in ETH through its Dex223 pools. */
    weth: address.optional(),
    /** Priority fee per gas assumed for profit estimates (gwei). */
    priorityFeeGwei: z.coerce.number().nonnegative().default(1),
    /** How often to ask the RPC for a new head (ms); at most a quarter of the block time is used. */
    pollIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
    /** A position is "at risk" when liquidatable within this many blocks at current prices. */
    atRiskWithinBlocks: z.coerce.number().int().positive().default(25),
    /** Assumed seconds between blocks, to predict the next block's timestamp. */
    blockTimeSec: z.coerce.number().int().positive().default(12),
    subgraph: z
      .object({
        /** Stop acting when the subgraph is further behind the chain head than this. */
        maxLagBlocks: z.coerce.number().int().nonnegative().default(2),
        /** How long to wait for the subgraph to reach a new head before giving up on that block. */
        headWaitMs: z.coerce.number().int().positive().default(4000),
        requestTimeoutMs: z.coerce.number().int().positive().default(10_000),
        pageSize: z.coerce.number().int().min(1).max(1000).default(1000),
      })
      .default({ maxLagBlocks: 2, headWaitMs: 4000, requestTimeoutMs: 10_000, pageSize: 1000 }),
    ops: z
      .object({
        /** Port of the /metrics and /health HTTP endpoint; 0 disables it. */
        port: z.coerce.number().int().min(0).max(65535).default(9464),
        host: z.string().default('127.0.0.1'),
        logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
      })
      .default({ port: 9464, host: '127.0.0.1', logLevel: 'info' }),
    dryRun: z.coerce.boolean().default(false),
  })
  .strict();

export type KeeperConfig = z.output<typeof configSchema>;
export type KeeperConfigInput = z.input<typeof configSchema>;
