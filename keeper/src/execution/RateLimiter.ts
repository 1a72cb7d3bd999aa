/**
 * A token bucket: `ratePerSecond` requests per second on average, bursts of up to `burst`. Pure: the clock is
 * passed in, so the arithmetic is tested without waiting.
 */
export class RateLimiter {
  private tokens: number;
  private updatedMs: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    nowMs = 0,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.tokens = burst;
    this.updatedMs = nowMs;
  }

  /**
   * Reserves one request at `nowMs`; returns how many milliseconds to wait before sending it (0: now). The
   * reservation holds, so callers that ask one after another are spaced out.
   */
  reserve(nowMs: number): number {
    this.refill(nowMs);
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  /** Gives back a reservation that was not used (the wait would not fit the caller's deadline). */
  release(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private refill(nowMs: number): void {
    if (nowMs > this.updatedMs) {
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.updatedMs) * this.ratePerSecond) / 1000,
      );
      this.updatedMs = nowMs;
    }
  }
}
