import { spanPayloadJson } from '../../store/span-json.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { normalizeRequest, type NormalizedRequest } from './normalize.js';
import { OtlpDecodeError } from './otlp-types.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** The client sent something that is not an OTLP trace export (answered 400). */
export class OtlpRequestError extends Error {}

/**
 * Everything ingest does before it needs the database: decode, validate, normalise, and build each
 * span's stored payload. Pure CPU work, so it can run on a decode thread (decode-pool.ts). Each
 * span's attributes, events and links move into `payloadJson`, and only root spans keep their
 * inputs/outputs (for the trace previews): what crosses back to the main thread stays small.
 */
export function prepareRequest(body: Buffer, encoding: OtlpEncoding): NormalizedRequest {
  let request;
  try {
    request = encoding === 'protobuf' ? decodeProtobufRequest(body) : decodeJsonRequest(body.toString('utf8'));
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new OtlpRequestError(`Invalid OpenTelemetry ${encoding === 'protobuf' ? 'protobuf' : 'JSON'} request: ${err.message}`);
    throw err;
  }
  // As on MLflow's receiver: a body that decodes to no resourceSpans at all is not a trace export.
  if (request.resourceSpans.length === 0) throw new OtlpRequestError('Invalid OpenTelemetry request: it contains no resourceSpans');
  const normalized = normalizeRequest(request);
  for (const group of normalized.groups) {
    for (const s of group.spans) {
      s.payloadJson = spanPayloadJson(s);
      s.attributes = {};
      s.events = [];
      s.links = [];
      if (s.parentSpanId !== null) s.inputs = s.outputs = undefined;
    }
  }
  return normalized;
}
