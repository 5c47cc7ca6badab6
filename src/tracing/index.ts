/**
 * `glassbox`: the SDK agent code imports to send traces and runs to Glassbox, or to any server
 * speaking MLflow's protocols.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { init, trace, autolog, flush } from 'glassbox';
 * init({ trackingUri: 'http://127.0.0.1:5000', experiment: 'support-bot' });
 * const client = autolog.openai(new OpenAI());
 * const answer = trace(async function answer(question: string) {
 *   const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });
 *   return r.choices[0].message.content;
 * }, { spanType: 'AGENT' });
 * await answer('hi');
 * await flush();
 * ```
 */
import { openai } from './autolog/openai.js';

export { init, flush, shutdown, type InitOptions } from './provider.js';
export { trace, withSpan, type TraceOptions, type WithSpanOptions } from './trace.js';
export { GlassboxSpan } from './span.js';
export { SpanAttr, type SpanType, type TokenUsage } from './attributes.js';
export { recordPromptUse } from './prompt-link.js';
export { startRun, activeRun, Run, type StartRunOptions, type RunStatus } from './runs/run.js';
export { GlassboxError } from '../client/errors.js';
export type { RedactableSpan, RedactHook } from './processors.js';
export type { ConnectionOptions } from './config.js';

/** Autolog integrations; see `autolog.openai`. */
export const autolog = { openai };
