import { context, createContextKey, diag, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type BufferConfig, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resolveCaptureContent, resolveConnection, type ConnectionOptions, type ResolvedConnection } from './config.js';
import { resolveExperimentId } from './experiment.js';
import { createRestClient, type RestClient } from '../client/rest.js';
import { LinkingExporter } from './linking-exporter.js';
import { FanOutSpanProcessor, RedactingSpanProcessor, type RedactHook } from './processors.js';
import { configureSdk, TRACER_NAME } from './state.js';

export interface InitOptions extends ConnectionOptions {
  /** false: never record inputs, outputs or messages. Env GLASSBOX_CAPTURE_CONTENT. Default true. */
  captureContent?: boolean;
  /** Rewrites each finished span's attributes before export; if it throws, the span is dropped. */
  redact?: RedactHook;
  /** service.name of our resource. Default "glassbox-app". */
  serviceName?: string;
  /** Replaces the default BatchSpanProcessor + OTLP exporter (tests, custom pipelines). */
  spanProcessors?: SpanProcessor[];
  /** BatchSpanProcessor tuning for the default pipeline. */
  batch?: BufferConfig;
}

interface Session {
  conn: ResolvedConnection;
  client: RestClient;
  processor: SpanProcessor;
  provider?: BasicTracerProvider;
  linker?: LinkingExporter;
  experimentId(): Promise<string>;
}

let session: Session | undefined;

/**
 * Starts tracing to a Glassbox (or MLflow) server: spans go over OTLP/HTTP protobuf to
 * `<trackingUri>/v1/traces` with the `x-mlflow-experiment-id` header, through a BatchSpanProcessor.
 * Never throws: invalid settings are reported with console.warn (naming the option) and leave
 * tracing disabled.
 *
 * Cooperation with an OTel setup the application already has:
 * - if the registered global tracer provider offers `addSpanProcessor` (OTel JS SDK 1.x), our
 *   processor is added to it and our spans use the global tracer, so they share its pipeline;
 * - otherwise (SDK 2.x providers are closed after construction, or no provider at all) we use a
 *   private provider and never replace the global one. Spans still nest with the application's
 *   spans because both read the same active context;
 * - a global context manager is registered (AsyncLocalStorage) only when none is, so context
 *   propagates through `await`.
 *
 * @example
 * ```ts
 * import { init, flush } from 'glassbox';
 * init({ trackingUri: 'http://127.0.0.1:5000', experiment: 'support-bot' });
 * // ... traced work ...
 * await flush(); // short scripts: make sure spans are sent before exit
 * ```
 */
export function init(options: InitOptions = {}): void {
  try {
    if (session) void shutdown();
    const conn = resolveConnection(options);
    const captureContent = resolveCaptureContent(options.captureContent);
    ensureContextManager();
    const client = createRestClient(conn);
    const experimentId = memoizeSuccess(() => resolveExperimentId(client, conn));
    const linker = options.spanProcessors ? undefined : new LinkingExporter(otlpExporter(conn, experimentId), client);
    const processors = options.spanProcessors ?? [new BatchSpanProcessor(linker!, options.batch)];
    const fanOut = processors.length === 1 ? processors[0] : new FanOutSpanProcessor(processors);
    const processor = options.redact ? new RedactingSpanProcessor(fanOut, options.redact) : fanOut;
    const resource = resourceFromAttributes({ 'service.name': options.serviceName ?? 'glassbox-app' });
    let provider: BasicTracerProvider | undefined;
    if (attachToGlobalProvider(processor)) {
      configureSdk({ tracer: trace.getTracer(TRACER_NAME), captureContent });
    } else {
      provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
      configureSdk({ tracer: provider.getTracer(TRACER_NAME), captureContent });
    }
    session = { conn, client, processor, provider, linker, experimentId };
    // A script that ends without calling flush() still delivers its spans: 'beforeExit' fires when
    // the event loop drains; once, so the export's own I/O cannot re-trigger it forever.
    process.removeListener('beforeExit', flushBeforeExit);
    process.once('beforeExit', flushBeforeExit);
  } catch (err) {
    console.warn(`${(err as Error).message} (tracing stays disabled)`);
  }
}

function otlpExporter(conn: ResolvedConnection, experimentId: () => Promise<string>): OTLPTraceExporter {
  return new OTLPTraceExporter({
    url: `${conn.trackingUri}/v1/traces`,
    timeoutMillis: conn.timeoutMs,
    // Resolved on each export, so init() stays synchronous and a server that was down at start-up
    // is picked up once it is reachable.
    headers: async () => ({ ...conn.headers, 'x-mlflow-experiment-id': await experimentId() }),
  });
}

/**
 * Caches a successful result; a failure is retried on the next call (the next export) and warned
 * about once until it succeeds, so a server that is down does not flood the console.
 */
function memoizeSuccess(fn: () => Promise<string>): () => Promise<string> {
  let pending: Promise<string> | undefined;
  let warned = false;
  return () => {
    pending ??= fn().then(
      (id) => {
        warned = false;
        return id;
      },
      (err: Error) => {
        pending = undefined;
        if (!warned) console.warn(`glassbox: could not resolve the experiment: ${err.message}`);
        warned = true;
        throw err;
      },
    );
    return pending;
  };
}

function attachToGlobalProvider(processor: SpanProcessor): boolean {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = (global.getDelegate?.() ?? global) as { addSpanProcessor?: (p: SpanProcessor) => void };
  if (typeof delegate.addSpanProcessor !== 'function') return false;
  delegate.addSpanProcessor(processor);
  return true;
}

function flushBeforeExit(): void {
  void flush();
}

const probeKey = createContextKey('glassbox.probe');

/** Without a registered manager, `context.with` does not propagate anything; probe and fill the gap. */
function ensureContextManager(): void {
  const propagates = context.with(ROOT_CONTEXT.setValue(probeKey, true), () => context.active().getValue(probeKey) === true);
  if (!propagates) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** The REST client and experiment of the current `init`, or of the environment if init was not called. */
export function connection(): { client: RestClient; experimentId(): Promise<string> } {
  if (session) return session;
  const conn = resolveConnection({});
  const client = createRestClient(conn);
  session = { conn, client, processor: new FanOutSpanProcessor([]), experimentId: memoizeSuccess(() => resolveExperimentId(client, conn)) };
  return session;
}

const flushHooks = new Set<() => Promise<void>>();

/** Lets run logging join flush(): pending metric/param batches are sent too. */
export function onFlush(hook: () => Promise<void>): () => void {
  flushHooks.add(hook);
  return () => flushHooks.delete(hook);
}

/**
 * Sends every finished span and pending run data now. Export failures are logged, never thrown.
 *
 * @example
 * ```ts
 * await answer('hi');
 * await flush();
 * ```
 */
export async function flush(): Promise<void> {
  await flushSession(session);
}

async function flushSession(s: Session | undefined): Promise<void> {
  await Promise.all([...flushHooks].map((h) => h().catch((err) => diag.warn('glassbox: run flush failed', err))));
  try {
    await s?.processor.forceFlush();
    await s?.linker?.drain();
  } catch (err) {
    diag.warn('glassbox: span flush failed', err);
  }
}

/**
 * Flushes, then stops the exporter. Later spans are not recorded until `init` is called again.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => void shutdown().then(() => process.exit(0)));
 * ```
 */
export async function shutdown(): Promise<void> {
  const s = session;
  if (!s) return;
  // Detach first, so an init() racing this shutdown keeps its own new session.
  session = undefined;
  process.removeListener('beforeExit', flushBeforeExit);
  configureSdk({ tracer: trace.getTracer(TRACER_NAME) });
  await flushSession(s);
  try {
    if (s.provider) await s.provider.shutdown();
    else await s.processor.shutdown();
  } catch (err) {
    diag.warn('glassbox: shutdown failed', err);
  }
}
