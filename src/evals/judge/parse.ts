import type { z } from 'zod';

/**
 * Reads a judge reply as JSON validated by `schema`. Models often wrap JSON in ``` fences or add a
 * sentence around it, so the outermost `{…}` is taken before parsing.
 *
 * @example
 * parseJudgeJson('```json\n{"ok":true}\n```', z.object({ ok: z.boolean() })); // { ok: true, value: { ok: true } }
 */
export function parseJudgeJson<T>(content: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end < start) return { ok: false, error: 'no JSON object in the reply' };
  let json: unknown;
  try {
    json = JSON.parse(content.slice(start, end + 1));
  } catch (err) {
    return { ok: false, error: `invalid JSON (${(err as Error).message})` };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `field '${issue.path.join('.') || '(root)'}' ${issue.message}` };
  }
  return { ok: true, value: result.data };
}
