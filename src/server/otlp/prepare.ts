import { packPayloads } from '../../store/payload-pack.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { normalizeRequest, type NormalizedRequest } from './normalize.js';
import { OtlpDecodeError } from './otlp-types.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** The client sent something that is not an OTLP trace export (answered 400). */
export class OtlpRequestError extends Error {}

/**
 * Everything ingest does before it needs the database: decode, validate, normalise, and pack each
 * resource's span payloads into the value of their payload row (compressed for SQLite). Pure CPU
 * work, so it can run on a decode thread (decode-pool.ts). Attributes, events and links move into
 * the packed payload, and only root spans keep their inputs/outputs (for the trace previews): what
 * crosses back to the main thread stays small.
 */
export function prepareRequest(body: Buffer, encoding: OtlpEncoding, compress: boolean): NormalizedRequest {
  let request;
  try {
    request = encoding === 'protobuf' ? decodeProtobufRequest(body) : decodeJsonRequest(body.toString('utf8'));
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new OtlpRequestError(`Invalid OpenTelemetry ${encoding === 'protobuf' ? 'protobuf' : 'JSON'} request: ${err.message}`);
    throw err;
  }
  // As on MLflow's receiver: a body that decodes to no resourceSpans at all is not a trace export.
  if (request.resourceSpans.length === 0) throw new OtlpRequestError('Invalid OpenTelemetry request: it contains no resourceSpans');
  const normalized = normalizeRequest(request, true);
  for (const group of normalized.groups) {
    if (group.spans.length === 0) continue;
    group.payload = packPayloads(group.spans, compress, encoding === 'protobuf' ? body : undefined).data;
    for (const s of group.spans) {
      s.attributes = {};
      s.events = [];
      s.links = [];
      delete s.wire;
      if (s.parentSpanId !== null) s.inputs = s.outputs = undefined;
    }
  }
  return normalized;
}
