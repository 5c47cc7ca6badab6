import { diag } from '@opentelemetry/api';

/** Marks a wrapper and keeps its original, as otel's shimmer `__wrapped` / `__original` do. */
const ORIGINAL = Symbol.for('glassbox.original');

type AnyFn = (...args: any[]) => any;

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && ORIGINAL in fn;
}

/**
 * Replaces `target[key]` with `makeWrapper(original)` unless it is already wrapped (idempotent,
 * including when the wrapped version is inherited from a patched prototype). Returns whether it
 * patched.
 */
export function wrapMethod(target: object, key: string, makeWrapper: (original: AnyFn) => AnyFn): boolean {
  const holder = target as Record<string, unknown>;
  const original = holder[key];
  if (typeof original !== 'function' || isWrapped(original)) return false;
  const wrapper = makeWrapper(original as AnyFn);
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: (original as AnyFn).name });
  holder[key] = wrapper;
  return true;
}

/** Restores an own-property wrapper installed by wrapMethod. */
export function unwrapMethod(target: object, key: string): void {
  const holder = target as Record<string | symbol, any>;
  const fn = holder[key];
  if (Object.prototype.hasOwnProperty.call(target, key) && isWrapped(fn)) holder[key] = fn[ORIGINAL];
}

/** Runs SDK bookkeeping; its failures are logged and swallowed so they never reach the user. */
export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.warn(`glassbox: ${what} failed`, err);
    return undefined;
  }
}
