import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { DatasetRecord, DatasetRecordInput } from '../server/schemas/datasets.js';
import { datasetDigest, MLFLOW_USER, requireDataset, tagValueText } from './datasets.js';
import type { Db } from './db.js';
import type { DatasetsTables } from './tables/datasets.js';

type RecordRow = Selectable<DatasetsTables['evaluation_dataset_records']>;
type Json = Record<string, unknown>;

/** JSON with keys sorted at every level (Python's `json.dumps(..., sort_keys=True)`): the upsert key. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const inputHash = (inputs: Json) => createHash('sha256').update(canonicalJson(inputs)).digest('hex');

let seq = 0;
/** "dr-" + 32 hex; time-and-counter first so a batch pages back in the order it was sent. */
function newRecordId(now: number): string {
  seq = (seq + 1) % 0x10000;
  return `dr-${now.toString(16).padStart(12, '0')}${seq.toString(16).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}

const parse = (text: string | null): any => (text === null ? undefined : JSON.parse(text));
const stringTags = (tags: Json | null | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(tags ?? {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, tagValueText(v)]));

/** A stored record as MLflow's `DatasetRecord.to_dict()` writes it (absent optionals left out). */
export function recordRowToRecord(r: RecordRow): DatasetRecord {
  const outputs = parse(r.outputs);
  return {
    dataset_record_id: r.dataset_record_id,
    dataset_id: r.dataset_id,
    inputs: parse(r.inputs),
    ...(outputs !== undefined && outputs !== null && { outputs }),
    ...(r.expectations !== null && { expectations: parse(r.expectations) }),
    tags: parse(r.tags) ?? {},
    ...(r.source !== null && { source: parse(r.source) }),
    ...(r.source_id !== null && { source_id: r.source_id }),
    ...(r.source_type !== null && { source_type: r.source_type as DatasetRecord['source_type'] }),
    created_time: Number(r.created_time),
    last_update_time: Number(r.last_update_time),
    ...(r.created_by !== null && { created_by: r.created_by }),
    ...(r.last_updated_by !== null && { last_updated_by: r.last_updated_by }),
  };
}

/**
 * UpsertDatasetRecords: a record whose inputs (compared as key-sorted JSON) already exist is merged
 * into the stored one (outputs replaced when sent, expectations and tags merged key by key), any
 * other is inserted. Then the dataset's schema, profile, digest and update time follow, as MLflow's.
 */
export async function upsertDatasetRecords(db: Db, datasetId: string, records: DatasetRecordInput[], updatedBy?: string): Promise<{ inserted: number; updated: number }> {
  const dataset = await requireDataset(db, datasetId);
  const now = Date.now();
  const hashes = [...new Set(records.map((r) => inputHash(r.inputs)))];
  const existing = new Map<string, RecordRow>();
  for (let i = 0; i < hashes.length; i += 500) {
    const rows = await db.selectFrom('evaluation_dataset_records').selectAll().where('dataset_id', '=', datasetId).where('input_hash', 'in', hashes.slice(i, i + 500)).execute();
    for (const r of rows) existing.set(r.input_hash, r);
  }
  const toInsert: RecordRow[] = [];
  const pending = new Set<string>();
  let updated = 0;
  let user = updatedBy;
  for (const rec of records) {
    const hash = inputHash(rec.inputs);
    const tags = stringTags(rec.tags);
    if (tags[MLFLOW_USER] !== undefined) user = tags[MLFLOW_USER];
    const prev = existing.get(hash);
    if (prev) {
      const merged = mergeRecord(prev, rec, tags, now);
      if (!pending.has(hash)) await db.updateTable('evaluation_dataset_records').set(merged).where('dataset_record_id', '=', prev.dataset_record_id).execute();
      existing.set(hash, { ...prev, ...merged });
      updated++;
    } else {
      const row = newRecordRow(datasetId, rec, hash, tags, now);
      existing.set(hash, row);
      pending.add(hash);
      toInsert.push(row);
    }
  }
  // New rows are inserted in bulk; one whose inputs came twice in this batch goes in merged.
  for (let i = 0; i < toInsert.length; i += 200) {
    await db.insertInto('evaluation_dataset_records').values(toInsert.slice(i, i + 200).map((r) => existing.get(r.input_hash)!)).execute();
  }
  const count = await db.selectFrom('evaluation_dataset_records').select((eb) => eb.fn.countAll<number>().as('n')).where('dataset_id', '=', datasetId).executeTakeFirstOrThrow();
  await db
    .updateTable('evaluation_datasets')
    .set({
      schema: JSON.stringify(growSchema(parse(dataset.schema), records)),
      profile: Number(count.n) > 0 ? JSON.stringify({ num_records: Number(count.n) }) : null,
      digest: datasetDigest(dataset.name, now),
      last_update_time: now,
      last_updated_by: user ?? dataset.last_updated_by,
    })
    .where('dataset_id', '=', datasetId)
    .execute();
  return { inserted: toInsert.length, updated };
}

function newRecordRow(datasetId: string, rec: DatasetRecordInput, hash: string, tags: Record<string, string>, now: number): RecordRow {
  const source = rec.source ? { source_type: rec.source.source_type, source_data: rec.source.source_data ?? {} } : null;
  const sourceId = source ? (source.source_type === 'TRACE' ? source.source_data.trace_id : source.source_data.source_id) : undefined;
  const user = tags[MLFLOW_USER] ?? null;
  return {
    dataset_record_id: newRecordId(now),
    dataset_id: datasetId,
    input_hash: hash,
    inputs: JSON.stringify(rec.inputs),
    // A record sent without outputs reads back with `{}`, as MLflow's store writes it.
    outputs: JSON.stringify('outputs' in rec ? (rec.outputs ?? null) : {}),
    expectations: rec.expectations ? JSON.stringify(rec.expectations) : null,
    tags: JSON.stringify(tags),
    source: source ? JSON.stringify(source) : null,
    source_id: typeof sourceId === 'string' ? sourceId : null,
    source_type: source?.source_type ?? null,
    created_time: now,
    last_update_time: now,
    created_by: user,
    last_updated_by: user,
  };
}

function mergeRecord(prev: RecordRow, rec: DatasetRecordInput, tags: Record<string, string>, now: number) {
  const expectations = rec.expectations && Object.keys(rec.expectations).length ? { ...(parse(prev.expectations) ?? {}), ...rec.expectations } : undefined;
  const mergedTags = Object.keys(tags).length ? { ...(parse(prev.tags) ?? {}), ...tags } : undefined;
  return {
    ...('outputs' in rec && { outputs: JSON.stringify(rec.outputs ?? null) }),
    ...(expectations && { expectations: JSON.stringify(expectations) }),
    ...(mergedTags && { tags: JSON.stringify(mergedTags) }),
    last_update_time: now,
    ...(tags[MLFLOW_USER] !== undefined && { last_updated_by: tags[MLFLOW_USER] }),
  };
}

type FieldTypes = Record<string, string>;
interface DatasetSchema {
  inputs: FieldTypes;
  outputs: FieldTypes | string;
  expectations: FieldTypes;
  version: string;
}

/** MLflow's inferred field types; a JSON number with no fraction is an integer. */
function fieldType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (typeof v === 'string') return 'string';
  return Array.isArray(v) ? 'array' : 'object';
}

/** Adds the fields of new records to the dataset schema; fields already typed keep their type. */
function growSchema(prev: Partial<DatasetSchema> | undefined, records: DatasetRecordInput[]): DatasetSchema {
  const schema: DatasetSchema = { inputs: {}, outputs: {}, expectations: {}, version: '1.0', ...prev };
  const add = (into: FieldTypes, obj: Json) => {
    for (const [k, v] of Object.entries(obj)) if (!(k in into)) into[k] = fieldType(v);
  };
  for (const r of records) {
    add(schema.inputs, r.inputs);
    if (r.outputs !== undefined && r.outputs !== null) {
      const isMap = typeof r.outputs === 'object' && !Array.isArray(r.outputs);
      if (isMap && typeof schema.outputs === 'object') add(schema.outputs, r.outputs as Json);
      else if (!isMap && typeof schema.outputs === 'object' && Object.keys(schema.outputs).length === 0) schema.outputs = fieldType(r.outputs);
    }
    if (r.expectations) add(schema.expectations, r.expectations);
  }
  return schema;
}

/** Page tokens are base64 of "created_time:dataset_record_id", MLflow's cursor format. */
function decodeRecordToken(token: string): { time: number; id: string } {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const m = /^(\d+):(dr-[0-9a-f]+)$/.exec(text);
  if (!m) throw MlflowError.invalidParameter(`Invalid page token '${token}': it must be a next_page_token returned by a previous GetDatasetRecords call`);
  return { time: Number(m[1]), id: m[2] };
}

/** One page of records in (created_time, dataset_record_id) order. */
export async function getDatasetRecords(db: Db, datasetId: string, maxResults: number, pageToken?: string): Promise<{ records: DatasetRecord[]; nextPageToken?: string }> {
  await requireDataset(db, datasetId);
  let q = db.selectFrom('evaluation_dataset_records').selectAll().where('dataset_id', '=', datasetId);
  if (pageToken) {
    const after = decodeRecordToken(pageToken);
    q = q.where((eb) => eb.or([eb('created_time', '>', after.time), eb.and([eb('created_time', '=', after.time), eb('dataset_record_id', '>', after.id)])]));
  }
  const rows = await q.orderBy('created_time').orderBy('dataset_record_id').limit(maxResults + 1).execute();
  const page = rows.slice(0, maxResults);
  const last = page[page.length - 1];
  const nextPageToken = rows.length > maxResults ? Buffer.from(`${Number(last.created_time)}:${last.dataset_record_id}`).toString('base64') : undefined;
  return { records: page.map(recordRowToRecord), ...(nextPageToken && { nextPageToken }) };
}

/** Deletes the named records of the dataset (ids of other datasets are ignored) and recounts the profile. */
export async function deleteDatasetRecords(db: Db, datasetId: string, recordIds: string[]): Promise<number> {
  const dataset = await requireDataset(db, datasetId);
  if (recordIds.length === 0) return 0;
  const res = await db.deleteFrom('evaluation_dataset_records').where('dataset_id', '=', datasetId).where('dataset_record_id', 'in', recordIds).executeTakeFirst();
  const deleted = Number(res.numDeletedRows);
  if (deleted === 0) return 0;
  const count = await db.selectFrom('evaluation_dataset_records').select((eb) => eb.fn.countAll<number>().as('n')).where('dataset_id', '=', datasetId).executeTakeFirstOrThrow();
  const now = Date.now();
  await db
    .updateTable('evaluation_datasets')
    .set({ profile: Number(count.n) > 0 ? JSON.stringify({ num_records: Number(count.n) }) : null, digest: datasetDigest(dataset.name, now), last_update_time: now })
    .where('dataset_id', '=', datasetId)
    .execute();
  return deleted;
}
