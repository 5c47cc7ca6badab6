import type { JudgeMessage } from '../judge-client.js';

/**
 * A judge prompt as plain data (like Phoenix's YAML configs): edit the words here without touching
 * the scoring code. `{{name}}` placeholders are filled by `renderTemplate`.
 */
export interface JudgeTemplate {
  name: string;
  /** Bump when the wording changes: results from different versions should not be compared blindly. */
  version: string;
  description: string;
  /** Verdict labels and the score each maps to. */
  labels?: Record<string, number>;
  /** Higher scores are better for every built-in judge. */
  direction: 'maximize' | 'minimize';
  messages: JudgeMessage[];
}

/**
 * Fills `{{var}}` placeholders; unknown placeholders are left as they are so mistakes stay visible.
 *
 * @example
 * renderTemplate([{ role: 'user', content: 'Q: {{question}}' }], { question: 'Why?' }); // [{ role: 'user', content: 'Q: Why?' }]
 */
export function renderTemplate(messages: JudgeMessage[], vars: Record<string, string>): JudgeMessage[] {
  return messages.map((m) => ({
    role: m.role,
    content: m.content.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in vars ? vars[key] : whole)),
  }));
}

/**
 * Numbers the chunks `[1] …` so per-chunk verdicts can refer to them by rank.
 *
 * @example
 * formatContext([{ content: 'a' }, { content: 'b' }]); // '[1] a\n[2] b'
 */
export function formatContext(chunks: { content: string }[]): string {
  return chunks.map((c, i) => `[${i + 1}] ${c.content}`).join('\n');
}
