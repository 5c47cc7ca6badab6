import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { mlflowTraceId, SpanAttr } from './attributes.js';
import type { RestClient } from '../client/rest.js';

/**
 * Wraps the OTLP exporter and, once a batch has been accepted, links what OTLP cannot carry into
 * trace-level records: prompt versions (POST /traces/link-prompts) and the active run
 * (POST /traces/link-to-run). MLflow's Python client makes the same two calls after its trace is
 * stored, so this works against MLflow too. Linking failures are logged, never thrown.
 */
export class LinkingExporter implements SpanExporter {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly client: RestClient,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      done(result);
      if (result.code !== ExportResultCode.SUCCESS) return;
      const p = this.link(spans).catch((err) => diag.warn('glassbox: linking prompts/runs to traces failed', err));
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    });
  }

  /** Waits for link calls already started (flush() uses it so scripts can exit right after). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async forceFlush(): Promise<void> {
    await this.inner.forceFlush?.();
    await this.drain();
  }

  async shutdown(): Promise<void> {
    await this.drain();
    await this.inner.shutdown();
  }

  private async link(spans: ReadableSpan[]): Promise<void> {
    const runs = new Map<string, string[]>();
    const calls: Promise<unknown>[] = [];
    for (const span of spans) {
      const traceId = mlflowTraceId(span.spanContext().traceId);
      const prompts = span.attributes[SpanAttr.LINKED_PROMPTS];
      if (typeof prompts === 'string') {
        const prompt_versions = JSON.parse(prompts) as { name: string; version: string }[];
        calls.push(this.client.request('POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: traceId, prompt_versions }));
      }
      const runId = span.attributes[SpanAttr.SOURCE_RUN];
      if (typeof runId === 'string') runs.set(runId, [...(runs.get(runId) ?? []), traceId]);
    }
    for (const [run_id, ids] of runs) {
      // The server accepts at most 100 trace ids per call.
      for (let i = 0; i < ids.length; i += 100) {
        calls.push(this.client.request('POST', '/api/2.0/mlflow/traces/link-to-run', { run_id, trace_ids: ids.slice(i, i + 100) }));
      }
    }
    const results = await Promise.allSettled(calls);
    for (const r of results) if (r.status === 'rejected') diag.warn('glassbox: a trace link call failed', r.reason);
  }
}
