import { diag } from '@opentelemetry/api';

/**
 * JSON text for any value a user function may take or return, without ever throwing: circular
 * references become "[Circular]", bigint becomes a decimal string, Errors keep name/message, Maps
 * and Sets become objects/arrays, functions and symbols are dropped as JSON.stringify does.
 */
export function safeJson(value: unknown): string | undefined {
  try {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    return text;
  } catch (err) {
    diag.warn('glassbox: could not serialise a span value', err);
    return undefined;
  }
}
