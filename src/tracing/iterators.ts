import { context, diag, type Context } from '@opentelemetry/api';

/** What a span needs to hear from an iteration it observes. */
export interface IterationHooks<T> {
  onItem(item: T): void;
  /** Exhausted, or closed early by the consumer (`break`, `return()`). */
  onDone(): void;
  onError(error: unknown): void;
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    diag.warn('glassbox: span bookkeeping failed during iteration', err);
  }
}

/**
 * The bookkeeping both wrappers share: steps run inside `ctx`, the hooks hear each item, and the
 * end (done, error or early close) is reported once.
 */
function observation<T>(ctx: Context | undefined, hooks: IterationHooks<T>) {
  let finished = false;
  const finish = (fn: () => void) => {
    if (!finished) {
      finished = true;
      guard(fn);
    }
  };
  return {
    run: <R>(f: () => R): R => (ctx ? context.with(ctx, f) : f()),
    failed: (err: unknown) => finish(() => hooks.onError(err)),
    closed: () => finish(() => hooks.onDone()),
    settled(r: IteratorResult<T>): IteratorResult<T> {
      if (r.done) finish(() => hooks.onDone());
      else guard(() => hooks.onItem(r.value));
      return r;
    },
  };
}

/**
 * Wraps an async iterator so each step runs inside `ctx` (child spans started by the generator
 * body nest under its span) and the hooks see every item and the end. Values, errors and early
 * returns pass through unchanged; a hook failure never reaches the consumer.
 */
export function observeAsyncIterator<T>(inner: AsyncIterator<T>, ctx: Context | undefined, hooks: IterationHooks<T>): AsyncGenerator<T> {
  const o = observation(ctx, hooks);
  const step = async (call: () => Promise<IteratorResult<T>>) => {
    let r: IteratorResult<T>;
    try {
      r = await o.run(call);
    } catch (err) {
      o.failed(err);
      throw err;
    }
    return o.settled(r);
  };
  const wrapper: AsyncGenerator<T> = {
    next: (...args: [] | [unknown]) => step(() => inner.next(...args)),
    return: async (value?: unknown) => {
      try {
        return inner.return ? await o.run(() => inner.return!(value)) : ({ done: true, value } as IteratorResult<T>);
      } finally {
        o.closed();
      }
    },
    throw: (error?: unknown) => (inner.throw ? step(() => inner.throw!(error)) : (o.failed(error), Promise.reject(error))),
    [Symbol.asyncIterator]() {
      return wrapper;
    },
  } as unknown as AsyncGenerator<T>;
  return wrapper;
}

/** The synchronous twin of `observeAsyncIterator`, for traced sync generator functions. */
export function observeIterator<T>(inner: Iterator<T>, ctx: Context | undefined, hooks: IterationHooks<T>): Generator<T> {
  const o = observation(ctx, hooks);
  const step = (call: () => IteratorResult<T>) => {
    let r: IteratorResult<T>;
    try {
      r = o.run(call);
    } catch (err) {
      o.failed(err);
      throw err;
    }
    return o.settled(r);
  };
  const wrapper = {
    next: (...args: [] | [unknown]) => step(() => inner.next(...args)),
    return: (value?: unknown) => {
      try {
        return inner.return ? o.run(() => inner.return!(value)) : ({ done: true, value } as IteratorResult<T>);
      } finally {
        o.closed();
      }
    },
    throw: (error?: unknown) => {
      if (inner.throw) return step(() => inner.throw!(error));
      o.failed(error);
      throw error;
    },
    [Symbol.iterator]() {
      return wrapper;
    },
  } as unknown as Generator<T>;
  return wrapper;
}

export function isAsyncGenerator(v: unknown): v is AsyncGenerator {
  return Object.prototype.toString.call(v) === '[object AsyncGenerator]';
}

export function isGenerator(v: unknown): v is Generator {
  return Object.prototype.toString.call(v) === '[object Generator]';
}

export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}
