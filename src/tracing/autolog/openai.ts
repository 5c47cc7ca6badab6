import { context } from '@opentelemetry/api';
import { isPromiseLike, observeAsyncIterator } from '../iterators.js';
import { endError, endOk, startSpan } from '../span.js';
import { safely, wrapMethod } from '../wrap.js';
import { chatEndpoint, embeddingsEndpoint, recordRequest, recordResponse, responsesEndpoint, type Endpoint } from './openai-record.js';

type AnyFn = (...args: any[]) => any;

/**
 * Traces the `openai` package: `chat.completions.create`, `responses.create` and
 * `embeddings.create` (and the helpers built on them: `parse`, `stream`, `runTools`), plain and
 * streaming. Each call is a CHAT_MODEL or EMBEDDING span with the request as inputs, the response
 * as outputs, model, parameters, tool definitions and token usage. A streamed call's span ends
 * when the stream is consumed or closed, with the assembled message, tool calls and usage.
 *
 * - `autolog.openai(client)` patches one client (sync, returns it);
 * - `autolog.openai(OpenAI)` patches that class's prototypes (every client, past and future);
 * - `await autolog.openai()` imports `openai` lazily and patches its prototypes.
 *
 * Idempotent. The promise and stream returned to the caller are the SDK's own objects, so
 * `.withResponse()`, `.tee()`, `controller.abort()` and the user's errors behave exactly as
 * without tracing.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { autolog } from 'glassbox';
 * const client = autolog.openai(new OpenAI());
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 * ```
 */
export function openai(): Promise<void>;
export function openai<T extends object>(target: T): T;
export function openai(target?: object): unknown {
  if (target === undefined) {
    return import('openai').then(
      (mod) => void patchTarget(mod.default),
      (err: Error) => console.warn(`glassbox: autolog.openai() could not import 'openai': ${err.message}`),
    );
  }
  safely('autolog.openai', () => patchTarget(target));
  return target;
}

function patchTarget(target: any): void {
  if (typeof target === 'function') {
    patchResource(target.Chat?.Completions?.prototype, chatEndpoint);
    patchResource(target.Responses?.prototype, responsesEndpoint);
    patchResource(target.Embeddings?.prototype, embeddingsEndpoint);
  } else if (target && typeof target === 'object' && 'default' in target && typeof target.default === 'function') {
    patchTarget(target.default); // an `import * as openai from 'openai'` namespace
  } else {
    patchResource(target?.chat?.completions, chatEndpoint);
    patchResource(target?.responses, responsesEndpoint);
    patchResource(target?.embeddings, embeddingsEndpoint);
  }
}

function patchResource(resource: object | undefined, endpoint: Endpoint): void {
  if (resource) wrapMethod(resource, 'create', (original) => tracedCreate(original, endpoint));
}

function tracedCreate(original: AnyFn, endpoint: Endpoint): AnyFn {
  return function (this: unknown, ...args: any[]) {
    const started = startSpan(endpoint.spanName, { spanType: endpoint.spanType });
    if (!started) return original.apply(this, args);
    const { span, ctx } = started;
    const body = args[0];
    safely('recording an OpenAI request', () => recordRequest(span, endpoint, body));
    let result: unknown;
    try {
      result = context.with(ctx, () => original.apply(this, args));
    } catch (err) {
      endError(span, err);
      throw err;
    }
    if (!isPromiseLike(result)) {
      endOk(span, result);
      return result;
    }
    // Observe on the side: the caller keeps openai's APIPromise (with .withResponse() etc.). Our
    // reaction is registered first, so a stream is instrumented before the caller sees it.
    result.then(
      (value: any) =>
        safely('recording an OpenAI response', () => {
          if (body?.stream && isStream(value)) observeStream(value, span, endpoint);
          else {
            recordResponse(span, endpoint, value);
            endOk(span, value);
          }
        }),
      (err: unknown) => endError(span, err),
    );
    return result;
  };
}

interface StreamLike {
  iterator?: () => AsyncIterator<unknown>;
  [Symbol.asyncIterator]: () => AsyncIterator<unknown>;
}

function isStream(v: any): v is StreamLike {
  return v !== null && typeof v === 'object' && typeof v[Symbol.asyncIterator] === 'function';
}

/**
 * openai's Stream reads its events through `this.iterator()` for `for await`, `tee()` and
 * `toReadableStream()` alike, so replacing that one instance method observes every way of
 * consuming it. Older versions without it get `Symbol.asyncIterator` replaced instead.
 */
function observeStream(stream: StreamLike, span: import('@opentelemetry/api').Span, endpoint: Endpoint): void {
  const key: 'iterator' | typeof Symbol.asyncIterator = typeof stream.iterator === 'function' ? 'iterator' : Symbol.asyncIterator;
  const original = stream[key]!;
  const acc = endpoint.accumulator();
  (stream as any)[key] = function (this: unknown) {
    return observeAsyncIterator(original.call(this), undefined, {
      onItem: (event) => acc.add(event),
      onDone: () => {
        const out = acc.result();
        recordResponse(span, endpoint, out);
        endOk(span, out);
      },
      onError: (err) => endError(span, err),
    });
  };
}
