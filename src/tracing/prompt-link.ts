import { diag, trace } from '@opentelemetry/api';
import { SpanAttr } from './attributes.js';
import { traceRoots } from './state.js';

export interface PromptRef {
  name: string;
  version: string;
}

const linked = new WeakMap<object, PromptRef[]>();

/**
 * Links a prompt version to the trace in progress: it is added to the `mlflow.linkedPrompts`
 * attribute (JSON list of `{name, version}`, versions as strings as MLflow writes them) of the
 * trace's root Glassbox span, or of the current span when the root is not ours. Duplicates are
 * merged. Outside any trace it does nothing. Never throws.
 *
 * @example
 * ```ts
 * import { recordPromptUse } from 'glassbox';
 * const prompt = await registry.load('support-answer', 3);
 * recordPromptUse({ name: 'support-answer', version: 3 });
 * ```
 */
export function recordPromptUse({ name, version }: { name: string; version: string | number }): void {
  try {
    const active = trace.getActiveSpan();
    if (!active || !active.isRecording()) return;
    const target = traceRoots.get(active.spanContext().traceId) ?? active;
    const list = linked.get(target) ?? [];
    const ref = { name, version: String(version) };
    if (!list.some((p) => p.name === ref.name && p.version === ref.version)) list.push(ref);
    linked.set(target, list);
    target.setAttribute(SpanAttr.LINKED_PROMPTS, JSON.stringify(list));
  } catch (err) {
    diag.warn('glassbox: could not link a prompt to the trace', err);
  }
}
