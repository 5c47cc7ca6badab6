import { createHash } from 'node:crypto';
import http from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Realistic ingest traffic shared by the reliability tests and the load/crash benchmarks: agent
 * traces of 5 spans (~1 KB of gen_ai attributes each) encoded once by the official OTel encoder;
 * each request gets new trace ids by patching their first 4 bytes in place.
 */
export interface OtlpTemplate {
  bytes: Buffer;
  /** Byte offsets of every trace id occurrence in `bytes`. */
  offsets: number[];
  /** The template's trace ids, hex. */
  traceIds: string[];
  spansPerTrace: number;
  spansPerRequest: number;
}

export function otlpTemplate(traces = 20): OtlpTemplate {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'reliability-agent' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('reliability', '1.0.0');
  const question = 'Summarise the refund policy for order #1234 and tell me when the money arrives. '.repeat(3);
  for (let t = 0; t < traces; t++) {
    tracer.startActiveSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'input.value': question, 'output.value': 'Refunds arrive within 5 business days. '.repeat(4), 'session.id': `s-${t % 7}` } }, (root) => {
      const parent = trace.setSpan(context.active(), root);
      for (const [name, op] of [['chat gpt-4o-mini', 'chat'], ['execute_tool lookup_order', 'execute_tool'], ['chat gpt-4o-mini', 'chat'], ['embeddings', 'embeddings']] as const) {
        tracer
          .startSpan(name, {
            attributes: {
              'gen_ai.operation.name': op,
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 812,
              'gen_ai.usage.output_tokens': 96,
              'gen_ai.input.messages': JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: 'You are a careful support assistant. '.repeat(6) }] }, { role: 'user', parts: [{ type: 'text', content: question }] }]),
              'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Your refund was issued yesterday. '.repeat(4) }] }]),
            },
          }, parent)
          .end();
      }
      root.end();
    });
  }
  const spans = exporter.getFinishedSpans();
  const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  const offsets: number[] = [];
  for (const id of traceIds) {
    const needle = Buffer.from(id, 'hex');
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) offsets.push(at);
  }
  return { bytes, offsets, traceIds, spansPerTrace: spans.length / traceIds.length, spansPerRequest: spans.length };
}

/** A new request from the template: every trace id starts with `word` (unique per request). */
export function otlpBody(t: OtlpTemplate, word: number): { body: Buffer; traceIds: string[] } {
  const body = Buffer.from(t.bytes);
  for (const at of t.offsets) body.writeUInt32BE(word >>> 0, at);
  const prefix = (word >>> 0).toString(16).padStart(8, '0');
  return { body, traceIds: t.traceIds.map((id) => `tr-${prefix}${id.slice(8)}`) };
}

/** Deterministic artifact content for (client, n), so a reader can check every byte. */
export function artifactBytes(client: number, n: number, size = 16 * 1024): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`${client}:${n}`).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

/** One request over a keep-alive agent; network errors resolve as status -1 (the request was not acknowledged). */
export function request(agent: http.Agent, base: URL, method: string, path: string, body?: Buffer | string, headers: Record<string, string | number> = {}, timeoutMs = 30_000): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const data = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    const req = http.request({ host: base.hostname, port: base.port, method, path, agent, timeout: timeoutMs, headers: { ...headers, ...(data ? { 'content-length': data.length } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', (e) => resolve({ status: -1, headers: {}, text: String(e), ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: -1, headers: {}, text: String(e), ms: performance.now() - t0 }));
    req.end(data);
  });
}
