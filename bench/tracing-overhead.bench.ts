/**
 * Per-call overhead of `trace()` (µs): the same function untraced and traced, under each export
 * set-up, measured in this process one after another and printed side by side.
 *
 *   node --import tsx bench/tracing-overhead.bench.ts      (or: npm run bench tracing-overhead)
 *
 * Every loop yields to the event loop every 100 calls, as a real server would between requests,
 * so the BatchSpanProcessor's timer and the OTLP HTTP exports run during the measurement.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { init, shutdown, trace } from '../src/tracing/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const ROUNDS = 5;

/** A function with inputs and an output to serialise, like a small tool call. */
async function lookup(orderId: string, verbose: boolean) {
  return { orderId, status: 'shipped', eta: 3, verbose };
}

async function perCallMicros(fn: (id: string, v: boolean) => Promise<unknown>): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) {
      await fn(`o-${i}`, false);
      if (i % 100 === 99) await new Promise((ok) => setImmediate(ok));
    }
    const us = Number(process.hrtime.bigint() - t0) / 1000 / CALLS;
    if (r > 0) rounds.push(us); // round 0 warms up the JIT
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)];
}

const dropExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as { port: number };
  await new Promise((ok) => srv.close(ok));
  return port;
}

/** An OTLP sink in its own process, so receiving spans does not cost this process CPU. */
async function startSink(): Promise<{ url: string; stop(): void }> {
  const code = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{
    if(q.url.startsWith('/v1/traces')){s.writeHead(200,{'content-type':'application/x-protobuf'});s.end()}
    else{s.writeHead(200,{'content-type':'application/json'});s.end('{}')}})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((ok) => child.stdout.once('data', (d) => ok(String(d).trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const baseline = await perCallMicros(lookup);
const traced = trace(lookup, { spanType: 'TOOL' });
const rows: [string, number][] = [];

rows.push(['traced, no init() (OTel no-op tracer)', await perCallMicros(traced)]);

init({ trackingUri: 'http://127.0.0.1:9', spanProcessors: [new BatchSpanProcessor(dropExporter)] });
rows.push(['traced, BatchSpanProcessor + exporter that drops', await perCallMicros(traced)]);
await shutdown();

const origWarn = console.warn;
console.warn = () => {}; // the closed port reports an unreachable server once per export
init({ trackingUri: `http://127.0.0.1:${await closedPort()}`, experimentId: '1', timeoutMs: 1000 });
rows.push(['traced, Batch + OTLP/proto to a closed port', await perCallMicros(traced)]);
await shutdown();
console.warn = origWarn;

const sink = await startSink();
init({ trackingUri: sink.url, experimentId: '1' });
rows.push(['traced, Batch + OTLP/proto to a local open port', await perCallMicros(traced)]);
await shutdown();
sink.stop();

console.log(`tracing overhead per call (median of ${ROUNDS} rounds × ${CALLS} calls, Node ${process.version})`);
console.log(`${'set-up'.padEnd(50)} ${'untraced µs'.padStart(12)} ${'traced µs'.padStart(10)} ${'overhead µs'.padStart(12)}`);
for (const [name, us] of rows) {
  console.log(`${name.padEnd(50)} ${baseline.toFixed(2).padStart(12)} ${us.toFixed(2).padStart(10)} ${(us - baseline).toFixed(2).padStart(12)}`);
}
