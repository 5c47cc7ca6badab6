// Prompt templates as MLflow stores them: text with `{{var}}` placeholders, or a chat template
// (a list of role/content messages whose contents hold placeholders). Shared by the server
// (validation on registration) and the SDK (`Prompt.format`).
//
// Placeholder and escape rule, identical to MLflow's PromptVersion (mlflow/prompt/constants.py,
// PROMPT_TEMPLATE_VARIABLE_PATTERN): a placeholder is `{{`, optional spaces, an identifier
// (letters, digits, `_`, dotted segments such as `user.name`), optional spaces, `}}`.
// MLflow has no escape character: anything that is not exactly that shape is literal text.
// So single braces (`{"a": 1}`, `{x}`), `{{ }}` around a non-identifier (`{{ 1st }}`,
// `{{"k": 1}}`) and a stray `}}` are left alone, and `{{{x}}}` renders as `{value}`. Glassbox
// keeps that rule rather than inventing a backslash escape, so a template renders the same in
// Python and TypeScript.

/** A chat template message; `content` carries the placeholders. */
export interface ChatMessage {
  role: string;
  content: string;
}

export type Template = string | ChatMessage[];

const IDENT = String.raw`[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*`;
const placeholder = () => new RegExp(String.raw`\{\{\s*(${IDENT})\s*\}\}`, 'g');

/**
 * Thrown by `format`/`renderText`/`renderChat` when variables have no value; `missing` lists them in template order.
 *
 * @example
 * ```ts
 * try { renderText('{{a}} {{b}}', {}); } catch (e) { (e as MissingVariablesError).missing; } // ['a', 'b']
 * ```
 */
export class MissingVariablesError extends Error {
  constructor(readonly missing: string[]) {
    super(`Missing variables: ${missing.join(', ')}. Pass a value for each, or format with { allowPartial: true }.`);
    this.name = 'MissingVariablesError';
  }
}

function texts(template: Template): string[] {
  return typeof template === 'string' ? [template] : template.map((m) => m.content);
}

/**
 * Placeholder names in order of first appearance, each once.
 *
 * @example
 * ```ts
 * extractVariables('{{a}} {{ b }} {{a}}'); // ['a', 'b']
 * ```
 */
export function extractVariables(template: Template): string[] {
  const seen = new Set<string>();
  for (const text of texts(template)) for (const m of text.matchAll(placeholder())) seen.add(m[1]);
  return [...seen];
}

/** Strings go in as they are; numbers and booleans via String(); anything else as JSON. */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Substitutes every placeholder in one pass: a value that itself contains `{{x}}` is not expanded
 * again. Missing variables throw `MissingVariablesError` unless `allowPartial`, which keeps them.
 *
 * @example
 * ```ts
 * renderText('Hello {{ name }}! {"json": true}', { name: 'Ann' }); // 'Hello Ann! {"json": true}'
 * ```
 */
export function renderText(template: string, vars: Record<string, unknown>, opts: { allowPartial?: boolean } = {}): string {
  check(extractVariables(template), vars, opts);
  return template.replace(placeholder(), (whole, name: string) => (Object.hasOwn(vars, name) ? stringify(vars[name]) : whole));
}

/**
 * Renders each message's content; roles and message order are kept.
 *
 * @example
 * ```ts
 * renderChat([{ role: 'user', content: 'Hi {{who}}' }], { who: 'Bo' }); // [{ role: 'user', content: 'Hi Bo' }]
 * ```
 */
export function renderChat(messages: ChatMessage[], vars: Record<string, unknown>, opts: { allowPartial?: boolean } = {}): ChatMessage[] {
  check(extractVariables(messages), vars, opts);
  return messages.map((m) => ({ ...m, content: renderText(m.content, vars, { allowPartial: true }) }));
}

function check(variables: string[], vars: Record<string, unknown>, opts: { allowPartial?: boolean }) {
  const missing = variables.filter((v) => !Object.hasOwn(vars, v));
  if (missing.length && !opts.allowPartial) throw new MissingVariablesError(missing);
}

/**
 * Describes the first `{{` that is never closed (no `}}` before the next `{{` or the end), or
 * returns undefined. Runs of `{` count as one opening, so `{{{x}}}` is balanced; a stray `}}` is
 * fine because JSON in templates ends nested objects that way.
 */
export function findUnbalancedBraces(text: string): string | undefined {
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) return undefined;
    let body = open + 2;
    while (text[body] === '{') body++;
    const close = text.indexOf('}}', body);
    const nextOpen = text.indexOf('{{', body);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const snippet = text.slice(open, open + 30).replace(/\n/g, '\\n');
      return `'{{' at character ${open} is never closed with '}}' (near "${snippet}")`;
    }
    i = close + 2;
  }
}

/**
 * Parses the stored form of a chat template (the JSON string in the `mlflow.prompt.text` tag).
 * Throws an Error naming what is wrong.
 */
export function parseChatTemplate(text: string): ChatMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('A chat template must be a JSON list of {role, content} messages, but the text is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('A chat template must be a non-empty JSON list of {role, content} messages');
  parsed.forEach((m, i) => {
    const msg = m as Partial<ChatMessage> | null;
    if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string' || typeof msg.content !== 'string') {
      throw new Error(`Chat template message ${i} must be an object with string 'role' and 'content'`);
    }
  });
  return parsed as ChatMessage[];
}
