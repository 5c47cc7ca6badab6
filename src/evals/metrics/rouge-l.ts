import { expectedAnswerScorer } from './code-scorer.js';
import type { Scorer } from '../types.js';

// rouge-score's default tokenizer: lower case, every non-alphanumeric run is a separator.
const rougeTokens = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev = cur;
  }
  return prev[b.length];
}

/**
 * ROUGE-L F-measure (β = 1): with L = longest common token subsequence, P = L/|answer|,
 * R = L/|expected|, F = 2PR/(P+R); 0 when either side is empty.
 *
 * @example
 * rougeL('police killed the gunman', 'the gunman was killed by police'); // L = 2 ("the gunman"): P = 2/4, R = 2/6 → 0.4
 */
export function rougeL(answer: string, expected: string): number {
  const a = rougeTokens(answer);
  const e = rougeTokens(expected);
  if (a.length === 0 || e.length === 0) return 0;
  const l = lcsLength(a, e);
  if (l === 0) return 0;
  const p = l / a.length;
  const r = l / e.length;
  return (2 * p * r) / (p + r);
}

/** @example rougeLScorer().evaluate({ id: '1', answer: 'a b c', expectations: { expectedAnswer: 'a c' } }) */
export function rougeLScorer(opts: { passThreshold?: number } = {}): Scorer {
  return expectedAnswerScorer({
    name: 'rouge_l',
    passThreshold: opts.passThreshold ?? 0.5,
    compare(answer, expected) {
      const score = rougeL(answer, expected);
      return { score, explanation: `ROUGE-L F ${score.toFixed(3)} against the expected answer` };
    },
  });
}
