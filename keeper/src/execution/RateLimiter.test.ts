import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('lets a burst through, then spaces requests at the rate', () => {
    const limiter = new RateLimiter(4, 2, 0);
    expect(limiter.reserve(0)).toBe(0);
    expect(limiter.reserve(0)).toBe(0);
    // 4 per second: one token every 250 ms; the third waits for one, the fourth for two.
    expect(limiter.reserve(0)).toBe(250);
    expect(limiter.reserve(0)).toBe(500);
  });

  it('refills with time, never above the burst', () => {
    const limiter = new RateLimiter(10, 3, 0);
    for (let i = 0; i < 3; i++) limiter.reserve(0);
    expect(limiter.reserve(100)).toBe(0);
    // Long idle: three tokens again, not more.
    expect([limiter.reserve(10_000), limiter.reserve(10_000), limiter.reserve(10_000)]).toEqual([0, 0, 0]);
    expect(limiter.reserve(10_000)).toBe(100);
  });

  it('a released reservation is given back', () => {
    const limiter = new RateLimiter(1, 1, 0);
    expect(limiter.reserve(0)).toBe(0);
    expect(limiter.reserve(0)).toBe(1000);
    limiter.release();
    expect(limiter.reserve(0)).toBe(1000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
