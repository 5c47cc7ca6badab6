import type { AppDeps } from './deps.js';

/**
 * Hooks between the artifact proxy and the trace store (artifact-mode clients such as MLflow's
 * TypeScript SDK PUT `<exp>/traces/<trace_id>/artifacts/traces.json`; readers GET it back).
 */

/** Called after a traces.json upload was stored; ingests its spans into the tracking store. */
export async function onTraceArtifactUploaded(_deps: AppDeps, _traceId: string, _bytes: Uint8Array): Promise<void> {}

/** traces.json generated from stored spans, for a trace whose spans arrived over OTLP; undefined if unknown. */
export async function generateTracesJson(_deps: AppDeps, _traceId: string): Promise<Uint8Array | undefined> {
  return undefined;
}
