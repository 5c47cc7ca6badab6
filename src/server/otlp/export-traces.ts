import { MlflowError } from '../errors.js';
import type { Store } from '../../store/db.js';
import { ingestSpans } from '../../store/ingest.js';
import { experimentIdForName, requireActiveExperiment } from '../../store/ingest-experiments.js';
import type { DecodePool } from './decode-pool.js';
import type { PayloadPack } from '../../store/payload-pack.js';
import type { NormalizedGroup } from './normalize.js';
import type { Attributes } from './otlp-types.js';
import { OtlpRequestError, prepareRequest, type OtlpEncoding } from './prepare.js';

export interface ExportOutcome {
  accepted: number;
  rejected: number;
  errorMessage: string;
}

/**
 * OTLP Export: prepare (decode and normalise, on a decode thread when a pool is given) → pick each
 * resource's experiment → store. Resolves after the spans are committed. Invalid spans are counted in `rejected` (partial success), never thrown.
 */
export async function exportTraces(store: Store, body: Buffer, encoding: OtlpEncoding, experimentHeader: string | undefined, pool?: DecodePool): Promise<ExportOutcome> {
  let normalized;
  try {
    const compress = store.dialect === 'sqlite';
    normalized = await (pool ? pool.prepare(body, encoding, compress) : prepareRequest(body, encoding, compress));
  } catch (err) {
    if (err instanceof OtlpRequestError) throw new MlflowError('BAD_REQUEST', err.message);
    throw err;
  }
  const byExperiment = new Map<number, PayloadPack[]>();
  for (const group of normalized.groups) {
    if (group.spans.length === 0) continue;
    const id = await experimentFor(store, experimentHeader, group);
    const pack = { data: group.payload!, spans: group.spans };
    const list = byExperiment.get(id);
    if (list) list.push(pack);
    else byExperiment.set(id, [pack]);
  }
  let accepted = 0;
  for (const [experimentId, packs] of byExperiment) accepted += (await ingestSpans(store, experimentId, packs.flatMap((p) => p.spans), packs)).inserted;
  const errorMessage = normalized.rejected ? `${normalized.rejected} span(s) rejected: ${normalized.errors.join('; ')}` : '';
  return { accepted, rejected: normalized.rejected, errorMessage };
}

/** Header x-mlflow-experiment-id, else resource mlflow.experimentId, else service.name's experiment, else Default ("0"). */
async function experimentFor(store: Store, header: string | undefined, group: NormalizedGroup): Promise<number> {
  const explicit = header?.trim() || stringAttr(group.resource, 'mlflow.experimentId');
  if (explicit) return requireActiveExperiment(store, explicit);
  const service = stringAttr(group.resource, 'service.name');
  // The SDKs default service.name to "unknown_service[:process]": that names no application.
  if (service && !service.startsWith('unknown_service')) return experimentIdForName(store, service);
  return requireActiveExperiment(store, '0');
}

function stringAttr(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
}
