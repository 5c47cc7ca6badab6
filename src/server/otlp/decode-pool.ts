import { Worker } from 'node:worker_threads';
import type { DecodeJob } from './decode-worker.js';
import type { NormalizedRequest } from './normalize.js';
import { OtlpRequestError, prepareRequest, type OtlpEncoding } from './prepare.js';

/** Smaller bodies are prepared inline: the hop to a thread would cost more than it saves. */
export const POOL_MIN_BYTES = 16 * 1024;

type Reply = { id: number; ok: NormalizedRequest } | { id: number; clientError: string } | { id: number; error: string };

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve(r: NormalizedRequest): void; reject(e: unknown): void }>;
}

// Built, the thread runs decode-worker.js. From the TypeScript sources (tests, tsx) it registers
// tsx first and imports the .ts file: a worker's execArgv cannot carry `--import tsx` on Node 20.
const fromSource = import.meta.url.endsWith('.ts');
// A small young generation: the thread's garbage is short-lived request data, and V8's default
// semi-spaces would add tens of MB of resident memory per thread for little speed.
const options = { resourceLimits: { maxYoungGenerationSizeMb: 8 } };
const newThread = () =>
  fromSource
    ? new Worker(`import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href)}))`, { ...options, eval: true })
    : new Worker(new URL('./decode-worker.js', import.meta.url), options);

/**
 * Worker threads that decode and normalise large OTLP requests, so that the main thread, which
 * owns the only SQLite write connection, spends its time writing. Threads start on first use and
 * do not keep the process alive while idle; a thread that dies fails only its own requests and is
 * replaced on the next one.
 */
export class DecodePool {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size: number) {}

  /** Prepares a request; the pool takes the body over (it may be moved to a thread and become empty here). */
  prepare(body: Buffer, encoding: OtlpEncoding, compress: boolean): Promise<NormalizedRequest> {
    if (this.size < 1 || this.closed || body.byteLength < POOL_MIN_BYTES) return Promise.resolve().then(() => prepareRequest(body, encoding, compress));
    const thread = this.pick();
    const id = this.nextId++;
    // Moved, not cloned: a body that owns its whole buffer (a concatenated or inflated one) is
    // handed over as is; a slice of a shared buffer is copied first. The caller no longer reads it.
    const copy = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
    return new Promise((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, body: copy, encoding, compress } satisfies DecodeJob, [copy.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** The least busy thread, starting a new one while fewer than `size` run. */
  private pick(): Thread {
    const idle = this.threads.find((t) => t.pending.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) return this.spawn();
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private spawn(): Thread {
    const worker = newThread();
    const thread: Thread = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (m: Reply) => {
      const p = thread.pending.get(m.id);
      if (!p) return;
      thread.pending.delete(m.id);
      if (thread.pending.size === 0) worker.unref();
      if ('ok' in m) p.resolve(m.ok);
      else if ('clientError' in m) p.reject(new OtlpRequestError(m.clientError));
      else p.reject(new Error(`OTLP decode thread failed: ${m.error}`));
    });
    const fail = (why: string) => {
      const i = this.threads.indexOf(thread);
      if (i >= 0) this.threads.splice(i, 1);
      for (const p of thread.pending.values()) p.reject(new Error(`OTLP decode thread stopped: ${why}`));
      thread.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.threads.push(thread);
    return thread;
  }
}
