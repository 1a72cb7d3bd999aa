import { getAddress, isAddress, parseEther, parseUnits } from 'ethers';
import { validate } from 'node-cron';
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

/**
 * Parses a money amount with `parse` ("0.01", "0.01 <unit>", "123 wei") into wei. Never negative. The error
 * never repeats the value: a key pasted into an amount field must not end up in a log.
 */
const moneyAmount = (unit: 'eth' | 'gwei', parse: (text: string) => bigint) =>
  z.union([z.string(), z.number()]).transform((raw, ctx) => {
    const text = String(raw).trim().toLowerCase();
    const wei = /^(\d+)\s*wei$/.exec(text);
    let value: bigint;
    try {
      value = wei ? BigInt(wei[1] ?? '0') : parse(text.replace(new RegExp(`\\s*${unit}$`), ''));
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `not ${unit === 'eth' ? 'an ETH' : 'a gwei'} amount (value not shown)`,
      });
      return z.NEVER;
    }
    if (value < 0n) {
      ctx.addIssue({ code: 'custom', message: 'must not be negative' });
      return z.NEVER;
    }
    return value;
  });

/** An ETH amount: "0.01" or "0.01 eth" → wei; "123 wei" → wei. */
const ethAmount = moneyAmount('eth', (text) => parseEther(text));

/** A fee per gas: "1.5" or "1.5 gwei" → wei; "123 wei" → wei. */
const gweiAmount = moneyAmount('gwei', (text) => parseUnits(text, 'gwei'));

const usdAmount = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const text = String(raw)
    .trim()
    .toLowerCase()
    .replace(/\s*usd$/, '');
  if (!/^\d+(\.\d+)?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'not a non-negative USD amount (value not shown)' });
    return z.NEVER;
  }
  return text;
});

/** The name of an environment variable (a password pasted here is refused without being repeated). */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name (value not shown)');

/** An order id: digits (env, flags) or a non-negative integer (YAML). */
const orderId = z.union([
  z.string().regex(/^\d+$/, 'not an order id (value not shown)').transform(BigInt),
  z.number().int().nonnegative().transform(BigInt),
]);

const cronExpression = z.string().refine((s) => validate(s), 'not a cron expression');

const opsDefaults = {
  port: 9464,
  host: '127.0.0.1',
  logLevel: 'info' as const,
  staleAfterBlocks: 5,
  resyncCron: '17 * * * *',
  balanceCron: '*/10 * * * *',
  minSignerBalance: 5n * 10n ** 16n,
  alerts: {
    format: 'slack' as const,
    notActingBlocks: 10,
    failedInclusions: 3,
    minIntervalSec: 900,
  },
};

/** Webhook alerts (`ops.alerts`); without `webhookUrl` none are sent. */
const alerts = z
  .object({
    /**
     * Where alerts are POSTed. A secret (webhook URLs carry their token): never printed or logged. Validated
     * without repeating it.
     */
    webhookUrl: url.transform((s) => new Secret(s)).optional(),
    /** The JSON the receiver expects: slack `{text}`, discord `{content}`, telegram `{chat_id, text}`, generic both. */
    format: z.enum(['slack', 'discord', 'telegram', 'generic']).default(opsDefaults.alerts.format),
    /** Telegram's `chat_id` (required by the telegram format). */
    telegramChatId: z.string().min(1).optional(),
    /** Alert when this many heads in a row were not acted on (subgraph behind or down, failing blocks). */
    notActingBlocks: z.coerce.number().int().min(1).default(opsDefaults.alerts.notActingBlocks),
    /** Alert when this many of our submissions in a row did not land (dropped or reverted). */
    failedInclusions: z.coerce.number().int().min(1).default(opsDefaults.alerts.failedInclusions),
    /** At most one alert of each kind per this many seconds; the ones held back are counted in the next. */
    minIntervalSec: z.coerce.number().int().min(0).default(opsDefaults.alerts.minIntervalSec),
  })
  .strict()
  .refine((a) => a.format !== 'telegram' || !a.webhookUrl || a.telegramChatId !== undefined, {
    message: 'the telegram format needs ops.alerts.telegramChatId',
  });

/** `true`/`false` (YAML booleans, or the strings env and flags give); anything else is an error. */
const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

const signer = z.union([
  z
    .object({
      keystore: z.string().min(1),
      /** Read the keystore password from this file (first line). */
      passwordFile: z.string().min(1).optional(),
      /** Or from this environment variable. Without either, the keeper prompts on a terminal. */
      passwordEnv: envName.optional(),
    })
    .strict(),
  z
    .object({
      /** Accepted for development with a warning: prefer an encrypted keystore. */
      privateKey: secret,
    })
    .strict(),
]);

const executionDefaults = {
  targetBlocks: 1,
  profitShareBps: 1000,
  minPriorityFee: 10n ** 8n,
  maxGasPrice: 500n * 10n ** 9n,
  baseFeeMultiplier: 2,
  gasLimitMarginBps: 3000,
  relayTimeoutMs: 3000,
  bumpAfterBlocks: 3,
  bumpBps: 1250,
};

/** Settings every submission mode shares. */
const executionCommon = {
  /** More liquidator keys: freezes are spread over them so one key's bundle never waits on another's. */
  signerPool: z.array(signer).default([]),
  /** Receives the liquidation rewards; default: the key that sends the completion. */
  rewardReceiver: address.optional(),
  /**
   * A bundle targets this many blocks from the next one and is re-planned after the last. Above 1, a key's
   * newer bundle may reuse the nonce of an older one still pending: only one of them can land.
   */
  targetBlocks: z.coerce.number().int().min(1).max(5).default(executionDefaults.targetBlocks),
  /**
   * Share of a call's expected profit bid as priority fee, in basis points; at most half, so a freeze and
   * its completion together never bid more than the whole profit.
   */
  profitShareBps: z.coerce.number().int().min(0).max(5000).default(executionDefaults.profitShareBps),
  /** Priority fee per gas never below this (gwei). */
  minPriorityFee: gweiAmount.default(executionDefaults.minPriorityFee),
  /** Max fee per gas never above this (gwei): a block whose base fee is higher gets no transaction. */
  maxGasPrice: gweiAmount.default(executionDefaults.maxGasPrice),
  /** Max fee per gas = this × the next block's base fee + the priority fee (covers base fee rises). */
  baseFeeMultiplier: z.coerce.number().int().min(1).max(10).default(executionDefaults.baseFeeMultiplier),
  /** Gas limit = the plan's gas units plus this margin, in basis points. */
  gasLimitMarginBps: z.coerce.number().int().min(0).max(50_000).default(executionDefaults.gasLimitMarginBps),
  relayTimeoutMs: z.coerce.number().int().positive().default(executionDefaults.relayTimeoutMs),
  /** Public mempool: a transaction still pending after this many blocks is replaced with higher fees. */
  bumpAfterBlocks: z.coerce.number().int().positive().default(executionDefaults.bumpAfterBlocks),
  /** Public mempool: each replacement raises both fees by this much (nodes want at least 10 %). */
  bumpBps: z.coerce.number().int().min(1000).max(10_000).default(executionDefaults.bumpBps),
};

/**
 * The modes to try, in order, after the first: 'none' (or nothing) for none, one mode, or a list (YAML, or
 * comma-separated from env and flags). A mode listed twice is an error: it would only be asked again.
 */
const fallbackList = <M extends string>(allowed: readonly [M, ...M[]]) =>
  z
    .preprocess(
      (raw) =>
        raw === undefined || raw === 'none'
          ? []
          : typeof raw === 'string'
            ? raw
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : raw,
      z.array(z.enum(allowed)),
    )
    .refine((list) => new Set(list).size === list.length, { message: 'lists a mode twice' });

/**
 * How liquidations leave the keeper, one shape per mode (a setting another mode would ignore is an error):
 * bundles to relays (falling back, when every relay is down or refuses, to an ordered list of a private RPC and
 * the public mempool), a private transaction RPC (falling back to the public mempool), or the public mempool
 * alone. The mode
 * defaults to bundles. Endpoints are checked when sending starts (a dry run needs none).
 */
const execution = z.preprocess(
  (raw) =>
    raw === undefined
      ? { mode: 'bundle' }
      : typeof raw === 'object' && raw !== null && !('mode' in raw)
        ? { ...raw, mode: 'bundle' }
        : raw,
  z.discriminatedUnion('mode', [
    z
      .object({
        mode: z.literal('bundle'),
        /**
         * Tried in order, and said so, for a block's actions when every relay is unreachable or refuses them
         * (e.g. `[private-rpc, public]`); 'none' (the default) waits for the relays.
         */
        fallback: fallbackList(['private-rpc', 'public']),
        /** Flashbots-compatible relays and builders (eth_sendBundle): every bundle goes to each of them. */
        relays: z.array(url).default([]),
        /**
         * Builders that take bundles directly (preset names from `builderPresets.ts`, or http(s) URLs). Each
         * bundle goes to each of them too, and the relays are asked (`builders`) to share it with every preset
         * named here, so it reaches whichever builder wins the slot.
         */
        builders: z.array(z.string().min(1)).default([]),
        /**
         * Where a bundle is simulated before it is sent: 'local' (our own RPC, eth_simulateV1 at the next block)
         * costs no relay reputation; 'relay' (eth_callBundle at the first relay) does.
         */
        simulation: z.enum(['local', 'relay']).default('local'),
        /** flashbots_setFeeRefundRecipient at start: relay fee refunds for our auth key go here. */
        refundRecipient: address.optional(),
        /** eth_sendPrivateTransaction endpoint, for the 'private-rpc' fallback. */
        privateRpcUrl: url.optional(),
        ...executionCommon,
      })
      .strict(),
    z
      .object({
        mode: z.literal('private-rpc'),
        /** 'public' to use the public mempool while the private RPC is unreachable; 'none' (default) waits. */
        fallback: fallbackList(['public']),
        /** eth_sendPrivateTransaction endpoint (Flashbots Protect style). */
        privateRpcUrl: url.optional(),
        ...executionCommon,
      })
      .strict(),
    z.object({ mode: z.literal('public'), ...executionCommon }).strict(),
  ]),
);

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
          .union([
            z.object({ eth: ethAmount }).strict(),
            z.object({ usd: usdAmount, stablecoinPool: address }).strict(),
          ])
          .optional(),
      })
      .strict()
      .default({ minProfit: 0n }),
    filters: z
      .object({
        /** Only orders created by these lenders (lenders liquidating their own orders). */
        lenders: z.array(address).default([]),
        orderIds: z.array(orderId).default([]),
        rewardFloor: ethAmount.default(0n),
      })
      .strict()
      .default({ lenders: [], orderIds: [], rewardFloor: 0n }),
    policy: z
      .object({
        /**
         * Gen 2/3, off by default: when the completion of our own freeze reverts on the forced swaps' 95 % floor,
         * sell each blocking asset ourselves (the freezer may call marginSwap) with at most this slippage under the
         * oracle's quote, then complete, in one bundle. Faster for us; the lender receives up to that much less
         * than the oracle price the floor is there to guarantee them.
         */
        swapBeforeCompletion: z
          .object({
            enabled: booleanFlag.default(false),
            /**
             * minAmountOut = oracle quote × (10000 − this) / 10000; 501 … 9999. The forced swaps already accept
             * 5 % under the same quote, so a slippage of 500 bps or less could never unblock anything.
             */
            maxSlippageBps: z.coerce
              .number({ error: 'not a number of basis points' })
              .int('a whole number of basis points')
              .min(0, 'must not be negative')
              .min(
                501,
                'must exceed 500: the forced swaps already accept 5 % under the quote, so less never unblocks a completion',
              )
              .max(9999, 'must be below 10000 (100 % slippage would accept nothing back)')
              .default(1000),
          })
          .strict()
          .default({ enabled: false, maxSlippageBps: 1000 }),
      })
      .strict()
      .default({ swapBeforeCompletion: { enabled: false, maxSlippageBps: 1000 } }),
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
        /**
         * Within maxLagBlocks, how long a new head waits for the subgraph to index it before the keeper acts on the
         * chain overlay instead (a subgraph that keeps up is then read at the head; one that lags costs this once).
         */
        headGraceMs: z.coerce.number().int().nonnegative().default(250),
        requestTimeoutMs: z.coerce.number().int().positive().default(10_000),
        pageSize: z.coerce.number().int().min(1).max(1000).default(1000),
      })
      .strict()
      .default({
        maxLagBlocks: 2,
        headWaitMs: 4000,
        headGraceMs: 250,
        requestTimeoutMs: 10_000,
        pageSize: 1000,
      }),
    ops: z
      .object({
        /** Port of the /metrics and /health HTTP endpoint; 0 disables it. */
        port: z.coerce.number().int().min(0).max(65535).default(9464),
        host: z.string().default('127.0.0.1'),
        logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
        /** /health turns 503 "stale" after this many heads (or block times) without a planned block. */
        staleAfterBlocks: z.coerce.number().int().min(1).max(1000).default(5),
        /** Cron schedule of the full resync from the subgraph (catches anything incremental sync missed). */
        resyncCron: cronExpression.default(opsDefaults.resyncCron),
        /** Cron schedule of the check of our keys' balances. */
        balanceCron: cronExpression.default(opsDefaults.balanceCron),
        /** A key below this balance (ETH) is warned about. */
        minSignerBalance: ethAmount.default(opsDefaults.minSignerBalance),
        alerts: alerts.default(opsDefaults.alerts),
      })
      .strict()
      .default(opsDefaults),
    execution,
    dryRun: booleanFlag.default(false),
  })
  .strict();

export type KeeperConfig = z.output<typeof configSchema>;
export type KeeperConfigInput = z.input<typeof configSchema>;
