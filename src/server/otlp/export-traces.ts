import { MlflowError } from '../errors.js';
import type { Store } from '../../store/db.js';
import { ingestSpans } from '../../store/ingest.js';
import { experimentIdForName, requireActiveExperiment } from '../../store/ingest-experiments.js';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { normalizeRequest, type NormalizedGroup, type NormalizedSpan } from './normalize.js';
import { OtlpDecodeError, type Attributes } from './otlp-types.js';

export interface ExportOutcome {
  accepted: number;
  rejected: number;
  errorMessage: string;
}

/**
 * OTLP Export: decode → normalise → pick each resource's experiment → store. Resolves after the
 * spans are committed. Invalid spans are counted in `rejected` (partial success), never thrown.
 */
export async function exportTraces(store: Store, body: Buffer, encoding: 'protobuf' | 'json', experimentHeader: string | undefined): Promise<ExportOutcome> {
  let request;
  try {
    request = encoding === 'protobuf' ? decodeProtobufRequest(body) : decodeJsonRequest(body.toString('utf8'));
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new MlflowError('BAD_REQUEST', `Invalid OpenTelemetry ${encoding === 'protobuf' ? 'protobuf' : 'JSON'} request: ${err.message}`);
    throw err;
  }
  // As on MLflow's receiver: a body that decodes to no resourceSpans at all is not a trace export.
  if (request.resourceSpans.length === 0) throw new MlflowError('BAD_REQUEST', 'Invalid OpenTelemetry request: it contains no resourceSpans');
  const normalized = normalizeRequest(request);
  const byExperiment = new Map<number, NormalizedSpan[]>();
  for (const group of normalized.groups) {
    if (group.spans.length === 0) continue;
    const id = await experimentFor(store, experimentHeader, group);
    const list = byExperiment.get(id);
    if (list) list.push(...group.spans);
    else byExperiment.set(id, group.spans.slice());
  }
  let accepted = 0;
  for (const [experimentId, spans] of byExperiment) accepted += (await ingestSpans(store, experimentId, spans)).inserted;
  const errorMessage = normalized.rejected ? `${normalized.rejected} span(s) rejected: ${normalized.errors.join('; ')}` : '';
  return { accepted, rejected: normalized.rejected, errorMessage };
}

/** Header x-mlflow-experiment-id, else resource mlflow.experimentId, else service.name's experiment, else Default ("0"). */
async function experimentFor(store: Store, header: string | undefined, group: NormalizedGroup): Promise<number> {
  const explicit = header?.trim() || stringAttr(group.resource, 'mlflow.experimentId');
  if (explicit) return requireActiveExperiment(store.db, explicit);
  const service = stringAttr(group.resource, 'service.name');
  // The SDKs default service.name to "unknown_service[:process]": that names no application.
  if (service && !service.startsWith('unknown_service')) return experimentIdForName(store.db, service);
  return requireActiveExperiment(store.db, '0');
}

function stringAttr(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
}
