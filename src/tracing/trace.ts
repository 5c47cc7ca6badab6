import { context, type Context, type Span } from '@opentelemetry/api';
import type { SpanType } from './attributes.js';
import { isAsyncGenerator, isGenerator, isPromiseLike, observeAsyncIterator, observeIterator } from './iterators.js';
import { inputsFromArgs } from './params.js';
import { endError, endOk, GlassboxSpan, recordInputs, startSpan } from './span.js';

export interface TraceOptions {
  /** Span name; defaults to the function's name. */
  name?: string;
  /** MLflow span type; defaults to UNKNOWN, as MLflow's `@mlflow.trace` does. */
  spanType?: SpanType;
  /** Extra attributes; non-primitive values are stored as JSON text. */
  attributes?: Record<string, unknown>;
}

export interface WithSpanOptions extends TraceOptions {
  /** Inputs to record on the span (withSpan has no parameters to name them from). */
  inputs?: unknown;
}

/**
 * Wraps a function so every call is a span: inputs named after its parameters, the return value
 * as outputs, errors as status ERROR plus an exception event (then rethrown unchanged). Works for
 * sync and async functions and for sync and async generator functions, whose span ends when the
 * generator finishes, with the yielded items as outputs. Calls made inside become child spans,
 * across `await`.
 *
 * @example
 * ```ts
 * import { trace } from 'glassbox';
 * const answer = trace(async function answer(question: string) {
 *   const docs = await retrieve(question);
 *   return llm(question, docs);
 * }, { spanType: 'AGENT' });
 * await answer('How do I reset my password?'); // inputs {"question": "..."}
 * ```
 */
export function trace<F extends (...args: any[]) => any>(fn: F, opts: TraceOptions = {}): F {
  const name = opts.name ?? (fn.name || 'anonymous');
  const traced = function (this: unknown, ...args: unknown[]) {
    const started = startSpan(name, { spanType: opts.spanType, attributes: opts.attributes, functionName: fn.name || name });
    if (!started) return fn.apply(this, args);
    if (started.span.isRecording()) recordInputs(started.span, inputsFromArgs(fn, args));
    return runInSpan(started.span, started.ctx, () => fn.apply(this, args));
  };
  Object.defineProperty(traced, 'name', { value: fn.name });
  Object.defineProperty(traced, 'length', { value: fn.length });
  return traced as unknown as F;
}

/**
 * Runs `fn` inside a new span and returns its result (a promise, generator or plain value, like
 * `trace`). The callback receives a handle to set inputs, outputs and attributes; the return value
 * becomes the outputs unless the callback set them itself.
 *
 * @example
 * ```ts
 * import { withSpan } from 'glassbox';
 * const docs = await withSpan('retrieve', { spanType: 'RETRIEVER', inputs: { query } }, async (span) => {
 *   const hits = await index.search(query);
 *   span.setAttribute('retriever.k', hits.length);
 *   return hits;
 * });
 * ```
 */
export function withSpan<R>(name: string, fn: (span: GlassboxSpan) => R): R;
export function withSpan<R>(name: string, opts: WithSpanOptions, fn: (span: GlassboxSpan) => R): R;
export function withSpan<R>(name: string, a: WithSpanOptions | ((span: GlassboxSpan) => R), b?: (span: GlassboxSpan) => R): R {
  const opts = typeof a === 'function' ? {} : a;
  const fn = (typeof a === 'function' ? a : b) as (span: GlassboxSpan) => R;
  const started = startSpan(opts.name ?? name, { spanType: opts.spanType, attributes: opts.attributes });
  if (!started) return fn(new GlassboxSpan(noopSpan()));
  if ('inputs' in opts) recordInputs(started.span, opts.inputs);
  const handle = new GlassboxSpan(started.span);
  return runInSpan(started.span, started.ctx, () => fn(handle)) as R;
}

/** Runs the user's code with `span` active and ends it when the result settles or is consumed. */
function runInSpan(span: Span, ctx: Context, call: () => unknown): unknown {
  let result: unknown;
  try {
    result = context.with(ctx, call);
  } catch (err) {
    endError(span, err);
    throw err;
  }
  if (result instanceof Promise && result.constructor === Promise) {
    // A chained promise (not a side branch) so an unhandled rejection still surfaces as one.
    return result.then(
      (value) => {
        endOk(span, value);
        return value;
      },
      (err) => {
        endError(span, err);
        throw err;
      },
    );
  }
  if (isPromiseLike(result)) {
    // Promise subclasses and thenables keep their identity (and extra methods): observe on the side.
    result.then(
      (value) => endOk(span, value),
      (err) => endError(span, err),
    );
    return result;
  }
  if (isAsyncGenerator(result) || isGenerator(result)) {
    const items: unknown[] = [];
    const hooks = { onItem: (v: unknown) => items.push(v), onDone: () => endOk(span, items), onError: (e: unknown) => endError(span, e) };
    return isAsyncGenerator(result) ? observeAsyncIterator(result, ctx, hooks) : observeIterator(result, ctx, hooks);
  }
  endOk(span, result);
  return result;
}

function noopSpan(): Span {
  return {
    spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
    setAttribute() { return this; },
    setAttributes() { return this; },
    addEvent() { return this; },
    addLink() { return this; },
    addLinks() { return this; },
    setStatus() { return this; },
    updateName() { return this; },
    end() {},
    isRecording: () => false,
    recordException() {},
  };
}
