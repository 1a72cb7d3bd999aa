import { describe, expect, it } from 'vitest';
import { builderSchedule } from './builderSchedule.js';

const shares = [
  { name: 'flashbots', weight: 5 },
  { name: 'beaverbuild', weight: 3 },
  { name: 'titan', weight: 2 },
];

function run(schedule: (n: number) => string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => schedule(i + 1));
}

describe('builderSchedule', () => {
  it('replays the same builders for the same seed, and others for another seed', () => {
    const a = run(builderSchedule({ shares, seed: 's1' }), 200);
    expect(run(builderSchedule({ shares, seed: 's1' }), 200)).toEqual(a);
    expect(run(builderSchedule({ shares, seed: 's2' }), 200)).not.toEqual(a);
  });

  it('gives each builder about its weight in blocks', () => {
    const blocks = run(builderSchedule({ shares, seed: 'shares' }), 5000);
    const count = (name: string): number => blocks.filter((b) => b === name).length;
    // Expected 2500/1500/1000; a binomial's standard deviation here is at most ~36 blocks.
    expect(Math.abs(count('flashbots') - 2500)).toBeLessThan(180);
    expect(Math.abs(count('beaverbuild') - 1500)).toBeLessThan(180);
    expect(Math.abs(count('titan') - 1000)).toBeLessThan(180);
  });

  it('never draws a builder of weight 0; fixed blocks override the draw', () => {
    const schedule = builderSchedule({
      shares: [...shares, { name: 'rsync', weight: 0 }],
      fixed: { 7: 'rsync' },
    });
    const blocks = run(schedule, 500);
    expect(blocks[6]).toBe('rsync');
    expect(blocks.filter((b) => b === 'rsync')).toHaveLength(1);
  });

  it('refuses a schedule with nobody to build, and bad weights', () => {
    expect(() => builderSchedule({ shares: [{ name: 'a', weight: 0 }] })).toThrow(/at least one builder/);
    expect(() => builderSchedule({ shares: [{ name: 'a', weight: 1.5 }] })).toThrow(/non-negative integer/);
  });
});
