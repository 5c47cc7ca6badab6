import type { Scorer } from '../types.js';
import { answerCheckScorer } from './code-scorer.js';

/**
 * 1 when the answer contains `needle` (case-insensitive unless told otherwise), else 0.
 *
 * @example
 * contains('Open 9am to 5pm', '9AM'); // 1
 */
export function contains(answer: string, needle: string, caseSensitive = false): number {
  return (caseSensitive ? answer.includes(needle) : answer.toLowerCase().includes(needle.toLowerCase())) ? 1 : 0;
}

/**
 * 1 when the answer matches the regular expression, else 0.
 *
 * @example
 * regexMatch('Order #12345 shipped', /#\d{5}\b/); // 1
 */
export function regexMatch(answer: string, pattern: RegExp): number {
  return new RegExp(pattern.source, pattern.flags.replace('g', '')).test(answer) ? 1 : 0;
}

/** @example containsScorer({ needle: 'refund' }) */
export function containsScorer(opts: { needle: string; caseSensitive?: boolean; name?: string }): Scorer {
  return answerCheckScorer(opts.name ?? 'contains', (answer) => {
    const score = contains(answer, opts.needle, opts.caseSensitive);
    return { score, explanation: `answer ${score ? 'contains' : 'does not contain'} "${opts.needle}"` };
  });
}

/** @example regexScorer({ pattern: /^\d+$/ , name: 'numeric_answer' }) */
export function regexScorer(opts: { pattern: RegExp; name?: string }): Scorer {
  return answerCheckScorer(opts.name ?? 'regex_match', (answer) => {
    const score = regexMatch(answer, opts.pattern);
    return { score, explanation: `answer ${score ? 'matches' : 'does not match'} ${opts.pattern}` };
  });
}
