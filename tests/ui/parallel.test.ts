import { describe, expect, test } from 'vitest';
import { buildAxis } from '../../ui/src/lib/parallel';

describe('parallel-coordinates axes', () => {
  test('numeric values scale linearly between their min and max', () => {
    const a = buildAxis('lr', ['0.01', '0.001', 0.1]);
    expect(a.position('0.001')).toBeCloseTo(0);
    expect(a.position(0.1)).toBeCloseTo(1);
    expect(a.position('0.01')).toBeCloseTo(0.009 / 0.099);
    expect(a.ticks.map((t) => t.label)).toEqual(['0.001', '0.1']);
  });

  test('categorical values spread evenly in sorted order; missing values have no position', () => {
    const a = buildAxis('model', ['gpt-4o', 'claude', 'gpt-4o-mini', undefined]);
    expect([a.position('claude'), a.position('gpt-4o'), a.position('gpt-4o-mini')]).toEqual([0, 0.5, 1]);
    expect(a.position(undefined)).toBeUndefined();
  });

  test('a constant axis puts every run in the middle', () => {
    expect(buildAxis('k', [3, 3]).position(3)).toBe(0.5);
  });
});
