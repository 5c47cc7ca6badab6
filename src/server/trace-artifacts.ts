import { ingestSpans } from '../store/ingest.js';
import { getTraceSpans, tracesJsonText } from '../store/spans.js';
import type { AppDeps } from './deps.js';
import { MlflowError } from './errors.js';
import { normalizeSpan } from './otlp/normalize.js';
import type { Attributes, AttrValue, OtlpEvent, OtlpSpan } from './otlp/otlp-types.js';

/**
 * Hooks between the artifact proxy and the trace store (artifact-mode clients such as MLflow's
 * TypeScript SDK PUT `<exp>/traces/<trace_id>/artifacts/traces.json`; readers GET it back).
 */

/**
 * Called after a traces.json upload was stored; ingests its spans into the tracking store so they
 * are searchable and GetTrace works. The file itself is kept as uploaded, so a file we cannot read
 * is logged and skipped rather than failing the client's upload. Spans that also arrive over OTLP
 * (the Python client does both when StartTraceV3 wins the race) are de-duplicated by ingest.
 */
export async function onTraceArtifactUploaded(deps: AppDeps, traceId: string, bytes: Uint8Array): Promise<void> {
  const hexTraceId = /^tr-([0-9a-f]{32})$/i.exec(traceId)?.[1]?.toLowerCase();
  if (!hexTraceId) return;
  const trace = await deps.store.db.selectFrom('trace_info').select('experiment_id').where('trace_id', '=', traceId).executeTakeFirst();
  if (!trace) {
    console.warn(`[glassbox] traces.json for unknown trace ${traceId} kept as a file only: StartTraceV3 must come first`);
    return;
  }
  let spans: OtlpSpan[];
  try {
    spans = parseTracesJson(new TextDecoder().decode(bytes), hexTraceId);
  } catch (err) {
    console.warn(`[glassbox] traces.json of ${traceId} kept as a file only: ${(err as Error).message}`);
    return;
  }
  try {
    await ingestSpans(deps.store, Number(trace.experiment_id), spans.map((s) => normalizeSpan(s)));
  } catch (err) {
    // Back-pressure is worth a client retry; anything else would fail the same way again.
    if (err instanceof MlflowError && err.code === 'TEMPORARILY_UNAVAILABLE') throw err;
    console.error(`[glassbox] spans of the traces.json of ${traceId} were not ingested (the file is kept):`, err);
  }
}

/** traces.json generated from stored spans, for a trace whose spans arrived over OTLP; undefined if unknown. */
export async function generateTracesJson(deps: AppDeps, traceId: string): Promise<Uint8Array | undefined> {
  const spans = await getTraceSpans(deps.store, traceId);
  return spans.length ? new TextEncoder().encode(tracesJsonText(spans)) : undefined;
}

const NANO_KEYS = /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)"(\s*):(\s*)(-?\d+)/g;

/**
 * Reads both writers' traces.json (mlflow-protocol.md §4.5, §4.9): Python (base64 ids, JSON-encoded
 * attribute strings, STATUS_CODE_*) and the TS SDK (raw attribute values, "OK"/"ERROR", "" parent).
 * Nanosecond times are quoted before JSON.parse so values past 2^53 keep every digit.
 */
export function parseTracesJson(text: string, hexTraceId: string): OtlpSpan[] {
  const doc = JSON.parse(text.replace(NANO_KEYS, '"$1"$2:$3"$4"')) as { spans?: unknown };
  if (!doc || !Array.isArray(doc.spans)) throw new Error('expected a JSON object {"spans": [...]}');
  return doc.spans.map((raw, i) => {
    const s = raw as Record<string, unknown>;
    const spanId = toHexId(s.span_id, 16);
    if (!spanId) throw new Error(`span ${i} has no valid span_id (8 bytes, base64 or hex)`);
    const start = nanos(s.start_time_unix_nano);
    if (start === undefined) throw new Error(`span ${i} has no start_time_unix_nano`);
    return {
      traceId: hexTraceId,
      spanId,
      parentSpanId: toHexId(s.parent_span_id, 16) ?? '',
      traceState: '',
      name: typeof s.name === 'string' ? s.name : '',
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: nanos(s.end_time_unix_nano) ?? '0',
      attributes: decodeAttributes(s.attributes),
      events: Array.isArray(s.events) ? s.events.map(toEvent) : [],
      links: [],
      status: toStatus(s.status),
    };
  });
}

/** Ids are base64 in Python's file and sometimes hex elsewhere; returns lowercase hex of `hexLen` chars. */
function toHexId(v: unknown, hexLen: number): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(v)) return v.toLowerCase();
  const hex = Buffer.from(v, 'base64').toString('hex');
  return hex.length === hexLen ? hex : undefined;
}

function nanos(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v.replace(/^0+(?=\d)/, '');
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v)).toString();
  return undefined;
}

/** Python writes every value JSON-encoded; the TS SDK writes raw values. Decode when it parses, as MLflow's reader does. */
function decodeAttributes(v: unknown): Attributes {
  const out: Attributes = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, raw] of Object.entries(v as Record<string, AttrValue>)) {
    if (typeof raw !== 'string') {
      out[k] = raw;
      continue;
    }
    try {
      out[k] = JSON.parse(raw) as AttrValue;
    } catch {
      out[k] = raw;
    }
  }
  return out;
}

function toEvent(e: unknown): OtlpEvent {
  const ev = (e ?? {}) as Record<string, unknown>;
  const attributes = ev.attributes && typeof ev.attributes === 'object' ? (ev.attributes as Attributes) : {};
  return { name: typeof ev.name === 'string' ? ev.name : '', timeUnixNano: nanos(ev.time_unix_nano) ?? '0', attributes };
}

const STATUS_CODES: Record<string, number> = { UNSET: 0, STATUS_CODE_UNSET: 0, OK: 1, STATUS_CODE_OK: 1, ERROR: 2, STATUS_CODE_ERROR: 2 };

function toStatus(v: unknown): { code: number; message: string } {
  const st = (v ?? {}) as { code?: unknown; message?: unknown; description?: unknown };
  const code = typeof st.code === 'number' ? st.code : (STATUS_CODES[String(st.code ?? 'UNSET').toUpperCase()] ?? 0);
  const message = typeof st.message === 'string' ? st.message : typeof st.description === 'string' ? st.description : '';
  return { code, message };
}
