import { z } from 'zod';
import type { Scorer } from '../types.js';
import { answerCheckScorer } from './code-scorer.js';

/**
 * 1 when the text parses as JSON, else 0.
 *
 * @example
 * isValidJson('{"a":1}'); // 1
 */
export function isValidJson(text: string): number {
  try {
    JSON.parse(text);
    return 1;
  } catch {
    return 0;
  }
}

/**
 * Checks JSON text against a JSON Schema (converted with zod's `fromJSONSchema`). Returns the
 * first violation as the reason when it does not match.
 *
 * @example
 * matchJsonSchema('{"n":"x"}', { type: 'object', properties: { n: { type: 'number' } } }); // { score: 0, reason: 'n: …' }
 */
export function matchJsonSchema(text: string, schema: Record<string, unknown>): { score: number; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { score: 0, reason: `not valid JSON: ${(err as Error).message}` };
  }
  const result = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value);
  if (result.success) return { score: 1, reason: 'matches the schema' };
  const issue = result.error.issues[0];
  return { score: 0, reason: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

/** @example jsonValidityScorer().evaluate({ id: '1', answer: '{}' }) */
export function jsonValidityScorer(): Scorer {
  return answerCheckScorer('json_valid', (answer) => {
    const score = isValidJson(answer);
    return { score, explanation: score ? 'answer is valid JSON' : 'answer is not valid JSON' };
  });
}

/** @example jsonSchemaScorer({ schema: { type: 'object', required: ['id'] } }) */
export function jsonSchemaScorer(opts: { schema: Record<string, unknown>; name?: string }): Scorer {
  return answerCheckScorer(opts.name ?? 'json_schema_match', (answer) => {
    const { score, reason } = matchJsonSchema(answer, opts.schema);
    return { score, explanation: reason };
  });
}
