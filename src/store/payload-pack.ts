import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { decodePackedSpans } from '../server/otlp/decode-protobuf.js';
import { normalizeSpan, withInputsOutputs, type NormalizedSpan } from '../server/otlp/normalize.js';
import type { Attributes, OtlpEvent, OtlpLink } from '../server/otlp/otlp-types.js';
import { spanPayloadJson } from './span-json.js';

/**
 * The value of one `span_payloads` row: everything about some spans that is not in their narrow
 * rows (attributes, events, links, kind, status message). Three shapes:
 * - text: a JSON array of `StoredPayload` (PostgreSQL, which compresses large values itself, and
 *   SQLite rows written before compression);
 * - a brotli-compressed JSON array (SQLite; spans that came as OTLP JSON or traces.json);
 * - a brotli-compressed run of the request's own `Span` messages (SQLite; spans that came as OTLP
 *   protobuf). Keeping the client's bytes as they are costs no re-encoding at ingest, the hot path;
 *   reading a trace decodes and normalises its spans again, which gives the same attributes.
 * Compressing costs ~0.2 ms per 100 agent spans on a decode thread and cuts the bytes SQLite writes
 * (and checkpoints) 3–5×; reading a trace inflates only the few rows its spans point at.
 */
export interface PayloadPack {
  data: string | Uint8Array;
  spans: NormalizedSpan[];
}

/** One span's entry in a payload row, as read back. */
export interface StoredPayload {
  trace_id: string;
  span_id: string;
  kind: number;
  status_message: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  /** mlflow.spanInputs/spanOutputs were left out and are re-derived on read. */
  derived_io?: 1;
}

// Quality 1: most of the ratio of higher levels at a fraction of the time (measured on agent spans).
const brotli = (size: number) => ({ params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18, [constants.BROTLI_PARAM_SIZE_HINT]: size } });
const SPAN_FIELD = 0x12; // ScopeSpans.spans: field 2, length-delimited
const JSON_ARRAY = 0x5b; // '['

/**
 * Packs spans' payloads into one row's value and records each span's payload size (for
 * sizeStats). Spans decoded from a protobuf `body` (all have `wire`) keep their original bytes
 * when compressing; otherwise their payloads are written as JSON.
 */
export function packPayloads(spans: NormalizedSpan[], compress: boolean, body?: Buffer): PayloadPack {
  if (compress && body && spans.every((s) => s.wire)) return { data: compressed(packWire(spans, body)), spans };
  const parts = new Array<string>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    parts[i] = spanPayloadJson(spans[i]);
    spans[i].payloadSize = Buffer.byteLength(parts[i]);
  }
  const text = `[${parts.join(',')}]`;
  return { data: compress ? compressed(Buffer.from(text)) : text, spans };
}

function packWire(spans: NormalizedSpan[], body: Buffer): Buffer {
  let total = 0;
  for (const s of spans) {
    const len = s.wire![1] - s.wire![0];
    s.payloadSize = len;
    total += 1 + varintSize(len) + len;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const s of spans) {
    const [start, end] = s.wire!;
    out[at++] = SPAN_FIELD;
    for (let v = end - start; ; v >>>= 7) {
      if (v < 0x80) {
        out[at++] = v;
        break;
      }
      out[at++] = (v & 0x7f) | 0x80;
    }
    at += body.copy(out, at, start, end);
  }
  return out;
}

const varintSize = (v: number) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

function compressed(bytes: Buffer): Uint8Array {
  const blob = brotliCompressSync(bytes, brotli(bytes.length));
  // A blob of its own (not a slice of a shared pool), so a decode thread can transfer it.
  return blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength ? blob : new Uint8Array(blob);
}

/** A payload row's entries; with `traceId`, a protobuf row decodes only that trace's spans. */
export function payloadEntries(value: string | Uint8Array, traceId?: string): StoredPayload[] {
  return typeof value === 'string' ? (JSON.parse(value) as StoredPayload[]) : entriesOf(brotliDecompressSync(value), traceId);
}

function entriesOf(bytes: Buffer, traceId?: string): StoredPayload[] {
  if (bytes[0] === JSON_ARRAY) return JSON.parse(bytes.toString('utf8')) as StoredPayload[];
  return decodePackedSpans(bytes, traceId?.slice(3)).map((raw) => {
    const s = normalizeSpan(raw);
    const attributes = withInputsOutputs(s.attributes, s.inputs, s.outputs);
    return { trace_id: s.traceId, span_id: s.spanId, kind: s.kind, status_message: s.statusMessage, attributes, events: s.events, links: s.links };
  });
}

/** A payload row's entries as a JSON array (SQL's view of it: span.attributes filters). */
export function payloadJsonText(value: string | Uint8Array): string {
  if (typeof value === 'string') return value;
  const bytes = brotliDecompressSync(value);
  return bytes[0] === JSON_ARRAY ? bytes.toString('utf8') : JSON.stringify(entriesOf(bytes));
}

/** What SQLite binds for a pack (better-sqlite3 wants a Buffer for a blob). */
export function sqliteValue(data: string | Uint8Array): string | Buffer {
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
