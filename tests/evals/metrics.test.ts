import { describe, expect, test } from 'vitest';
import { cohensKappa } from '../../src/evals/agreement.js';
import { percentile } from '../../src/evals/aggregate.js';
import { contains, regexMatch } from '../../src/evals/metrics/contains.js';
import { exactMatch } from '../../src/evals/metrics/exact-match.js';
import { isValidJson, matchJsonSchema } from '../../src/evals/metrics/json.js';
import { findPii } from '../../src/evals/metrics/pii.js';
import { rougeL } from '../../src/evals/metrics/rouge-l.js';
import { tokenF1 } from '../../src/evals/metrics/token-f1.js';
import { contextPrecision, ndcgAtK, precisionAtK, recallAtK, reciprocalRank } from '../../src/evals/rag/retrieval.js';

describe('string metrics', () => {
  test.for([
    ['The Eiffel Tower.', 'eiffel tower', true, 1],
    ['Paris', 'Paris, France', true, 0],
    ['  an apple ', 'Apple', true, 1],
    ['Paris', 'paris', false, 0],
  ] as const)('exact match of %j against %j (normalized: %s) is %d', ([answer, expected, normalize, want]) => {
    expect(exactMatch(answer, expected, normalize)).toBe(want);
  });

  test.for([
    // P = 2/2, R = 2/3 → 2·(2/3)/(5/3)
    ['the cat sat', 'cat sat down', 0.8],
    // multiset overlap: two y's in common → P = 2/3, R = 2/4 → 4/7
    ['x y y', 'y y y z', 4 / 7],
    ['', '', 1],
    ['abc', '', 0],
    ['red', 'blue', 0],
  ] as const)('token F1 of %j against %j is %d', ([answer, expected, want]) => {
    expect(tokenF1(answer, expected)).toBeCloseTo(want, 10);
  });

  test.for([
    // LCS "the gunman" = 2: P = 2/4, R = 2/6
    ['police killed the gunman', 'the gunman was killed by police', 0.4],
    // LCS "a c d" = 3: P = 3/4, R = 3/3 → 1.5/1.75
    ['a b c d', 'a c d', 6 / 7],
    ['same words', 'Same words', 1],
    ['x', '', 0],
  ] as const)('ROUGE-L of %j against %j is %d', ([answer, expected, want]) => {
    expect(rougeL(answer, expected)).toBeCloseTo(want, 10);
  });

  test.for([
    ['Open 9am to 5pm', '9AM', false, 1],
    ['Open 9am to 5pm', '9AM', true, 0],
    ['Open 9am to 5pm', 'noon', false, 0],
  ] as const)('contains(%j, %j, caseSensitive %s) is %d', ([answer, needle, cs, want]) => {
    expect(contains(answer, needle, cs)).toBe(want);
  });

  test('a global regex is matched the same way on every call', () => {
    const re = /#\d{5}\b/g;
    expect([regexMatch('Order #12345 shipped', re), regexMatch('Order #12345 shipped', re), regexMatch('no order', re)]).toEqual([1, 1, 0]);
  });
});

describe('JSON metrics', () => {
  const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
  test.for([
    ['{"n":1}', 1, 1],
    ['{"n":"x"}', 1, 0],
    ['{}', 1, 0],
    ['not json', 0, 0],
  ] as const)('%j: valid JSON %d, schema match %d', ([text, valid, match]) => {
    expect(isValidJson(text)).toBe(valid);
    expect(matchJsonSchema(text, schema).score).toBe(match);
  });

  test('a schema mismatch names the offending field', () => {
    expect(matchJsonSchema('{"n":"x"}', schema).reason).toMatch(/^n: /);
  });
});

describe('PII patterns', () => {
  test.for([
    ['mail bob@example.com today', ['email']],
    ['call +1 415 555 0100', ['phone']],
    ['Reach us at (020) 7946 0958', ['phone']],
    ['card 4111 1111 1111 1111 on file', ['card']],
    // Not Luhn-valid and too long for a phone number
    ['order 1234 5678 9012 3456', []],
    ['extension 555-0100', []],
    ['meeting on 2026-11-26', []],
  ] as const)('%j holds %j', ([text, kinds]) => {
    expect(findPii(text).map((f) => f.kind)).toEqual(kinds);
  });
});

describe('retrieval metrics', () => {
  const ret = ['a', 'x', 'b'];
  const rel = ['a', 'b'];
  test.for([
    ['precision@1', precisionAtK(ret, rel, 1), 1],
    ['precision@2', precisionAtK(ret, rel, 2), 0.5],
    ['precision@3', precisionAtK(ret, rel, 3), 2 / 3],
    ['precision@5 counts empty slots as misses', precisionAtK(ret, rel, 5), 0.4],
    ['recall@1', recallAtK(ret, rel, 1), 0.5],
    ['recall@3', recallAtK(ret, rel, 3), 1],
    ['reciprocal rank', reciprocalRank(ret, rel), 1],
    // (1/log2(2) + 1/log2(4)) / (1/log2(2) + 1/log2(3)) = 1.5 / 1.6309
    ['nDCG@3', ndcgAtK(ret, rel, 3), 1.5 / (1 + 1 / Math.log2(3))],
    ['reciprocal rank of a hit at rank 3', reciprocalRank(['x', 'y', 'a'], ['a']), 1 / 3],
    ['nDCG@3 of a single hit at rank 3', ndcgAtK(['x', 'y', 'a'], ['a'], 3), 0.5],
    ['a duplicate hit counts once', precisionAtK(['x', 'a', 'a'], ['a'], 3), 1 / 3],
    ['recall with nothing relevant', recallAtK(ret, [], 3), 0],
    ['nDCG with nothing relevant', ndcgAtK(ret, [], 3), 0],
  ] as const)('%s is %d', ([, got, want]) => {
    expect(got).toBeCloseTo(want, 10);
  });

  test.for([
    [[0, 0, 1, 1, 0], (1 / 3 + 2 / 4) / 2],
    [[1, 0], 1],
    [[0, 1], 0.5],
    [[1, 0, 1], (1 + 2 / 3) / 2],
    [[0, 0], 0],
  ] as const)('context precision of verdicts %j is %d', ([verdicts, want]) => {
    expect(contextPrecision([...verdicts])).toBeCloseTo(want, 10);
  });
});

describe('aggregation statistics', () => {
  test.for([
    [[1, 2, 3, 4], 50, 2.5],
    [[10, 20, 30, 40, 50], 95, 48],
    [[5], 95, 5],
  ] as const)('percentile of %j at p%d is %d', ([values, p, want]) => {
    expect(percentile([...values], p)).toBeCloseTo(want, 10);
  });

  test('the percentile of nothing is undefined rather than zero', () => {
    expect(percentile([], 50)).toBeUndefined();
  });

  test('Cohen kappa discounts the agreement expected by chance', () => {
    // pₒ = 3/4; judge yes 1/2, human yes 1/4 → pₑ = 1/2·1/4 + 1/2·3/4 = 1/2 → κ = 0.25/0.5
    expect(cohensKappa([['yes', 'yes'], ['no', 'no'], ['yes', 'no'], ['no', 'no']])).toBeCloseTo(0.5, 10);
    expect(cohensKappa([['yes', 'no'], ['no', 'yes']])).toBeCloseTo(-1, 10);
  });
});
