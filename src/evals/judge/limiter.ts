/**
 * Bounds judge traffic: at most `concurrency` calls in flight, and, when `requestsPerMinute` is
 * set, call starts spaced evenly (a leaky bucket), so a burst never trips the provider's limit.
 */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * @example
 * const limit = createLimiter({ concurrency: 8, requestsPerMinute: 600 });
 * await Promise.all(items.map((i) => limit.run(() => judge(i))));
 */
export function createLimiter(opts: { concurrency: number; requestsPerMinute?: number }): Limiter {
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const spacingMs = opts.requestsPerMinute ? 60_000 / opts.requestsPerMinute : 0;
  let active = 0;
  let nextStart = 0;
  const waiting: Array<() => void> = [];

  const acquire = async () => {
    if (active >= concurrency) await new Promise<void>((ok) => waiting.push(ok));
    else active++;
    if (spacingMs > 0) {
      const now = Date.now();
      const at = Math.max(now, nextStart);
      nextStart = at + spacingMs;
      if (at > now) await new Promise((ok) => setTimeout(ok, at - now));
    }
  };
  // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return {
    async run(fn) {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
