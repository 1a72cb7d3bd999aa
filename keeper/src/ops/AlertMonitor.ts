import type { Logger } from 'pino';
import type { KeeperConfig } from '../config/configSchema.js';
import type { Secret } from '../config/Secret.js';
import type { ActionOutcome } from '../execution/types.js';

export type AlertSettings = KeeperConfig['ops']['alerts'];
export type AlertKind = 'not-acting' | 'low-balance' | 'failed-inclusions' | 'model-drift';

/** The JSON each receiver expects for a plain text message. */
export function alertBody(
  format: AlertSettings['format'],
  text: string,
  telegramChatId?: string,
): Record<string, string> {
  switch (format) {
    case 'slack':
      return { text };
    case 'discord':
      return { content: text };
    case 'telegram':
      return { chat_id: telegramChatId ?? '', text };
    case 'generic':
      return { text, content: text };
  }
}

/** POSTs JSON to the webhook; the URL is revealed only here, and never appears in what is thrown. */
export async function postWebhook(url: Secret, body: unknown, timeoutMs = 10_000): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url.reveal(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // fetch's errors can quote the URL: keep only their kind.
    throw new Error(`webhook unreachable (${err instanceof Error ? err.name : 'error'})`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
}

/**
 * Watches what the run loop reports and sends a webhook alert when the keeper stops acting for N heads, a key's
 * balance is low, N submissions in a row fail to land, or an oracle model drifts from the contract. At most one
 * alert of a kind per `minIntervalSec` (the ones held back are counted in the next); a streak alerts once, and
 * again only after it ended. Sending never blocks the loop: `flush()` waits for what is queued.
 */
export class AlertMonitor {
  private notActingStreak = 0;
  private failedStreak = 0;
  private driftSeen = 0;
  private readonly lastSentMs = new Map<AlertKind, number>();
  private readonly heldBack = new Map<AlertKind, number>();
  private queue: Promise<void> = Promise.resolve();
  /** Alerts handed to the webhook (sent or failed), for the summary. */
  sent = 0;

  constructor(
    private readonly settings: AlertSettings,
    private readonly deps: {
      log: Logger;
      send?: (body: Record<string, string>) => Promise<void>;
      nowMs?: () => number;
      /** Prefixed to every message: which keeper (chain, shard) speaks. */
      name?: string;
    },
  ) {}

  get enabled(): boolean {
    return this.settings.webhookUrl !== undefined || this.deps.send !== undefined;
  }

  /** After each head: whether it was acted on (a planned block), and why not. */
  onBlock(head: number, acting: boolean, reason?: string): void {
    if (acting) {
      this.notActingStreak = 0;
      return;
    }
    this.notActingStreak += 1;
    if (this.notActingStreak === this.settings.notActingBlocks)
      this.fire(
        'not-acting',
        `not acting for ${this.notActingStreak} blocks (head ${head}): ${reason ?? 'unknown reason'}`,
      );
  }

  /** Settled submissions: a landed one ends a failure streak; dropped and reverted ones extend it. */
  onOutcomes(outcomes: readonly ActionOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.outcome === 'included') this.failedStreak = 0;
      else if (outcome.outcome === 'dropped' || outcome.outcome === 'reverted') {
        this.failedStreak += 1;
        if (this.failedStreak === this.settings.failedInclusions)
          this.fire(
            'failed-inclusions',
            `${this.failedStreak} submissions in a row did not land (last: ${outcome.kind} position ${outcome.positionId} ${outcome.outcome}: ${outcome.detail})`,
          );
      }
    }
  }

  /** Keys below the minimum balance (from the balance check). */
  onLowBalance(low: readonly { address: string; wei: bigint }[], minWei: bigint): void {
    if (low.length === 0) return;
    const list = low.map((k) => `${k.address} ${formatEth(k.wei)} ETH`).join(', ');
    this.fire('low-balance', `signer balance below ${formatEth(minWei)} ETH: ${list}; top it up`);
  }

  /** The running count of model disagreements with getPositionStatus (the drift metric's total). */
  onDriftTotal(total: number): void {
    if (total <= this.driftSeen) return;
    const fresh = total - this.driftSeen;
    this.driftSeen = total;
    this.fire(
      'model-drift',
      `oracle model drift: ${fresh} sampled position(s) valued differently from getPositionStatus; those oracles are now valued on chain`,
    );
  }

  /** Waits for every queued alert to be handed over. */
  flush(): Promise<void> {
    return this.queue;
  }

  private fire(kind: AlertKind, message: string): void {
    if (!this.enabled) return;
    const now = (this.deps.nowMs ?? Date.now)();
    const last = this.lastSentMs.get(kind);
    if (last !== undefined && now - last < this.settings.minIntervalSec * 1000) {
      this.heldBack.set(kind, (this.heldBack.get(kind) ?? 0) + 1);
      this.deps.log.debug({ kind }, 'alert held back by the rate limit');
      return;
    }
    this.lastSentMs.set(kind, now);
    const held = this.heldBack.get(kind) ?? 0;
    this.heldBack.delete(kind);
    const text = `${this.deps.name ? `${this.deps.name}: ` : ''}[${kind}] ${message}${held > 0 ? ` (+${held} similar held back)` : ''}`;
    const body = alertBody(this.settings.format, text, this.settings.telegramChatId);
    const url = this.settings.webhookUrl;
    const send = this.deps.send ?? ((b: Record<string, string>) => postWebhook(url as Secret, b));
    this.queue = this.queue.then(async () => {
      this.sent += 1;
      try {
        await send(body);
        this.deps.log.info({ kind }, 'alert sent');
      } catch (err) {
        this.deps.log.warn(
          { kind, error: err instanceof Error ? err.message : String(err) },
          'alert not delivered',
        );
      }
    });
  }
}

function formatEth(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const frac = (wei % 10n ** 18n).toString().padStart(18, '0').slice(0, 4);
  return `${whole}.${frac}`;
}
