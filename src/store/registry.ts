import type { Db } from './db.js';
import type { ModelVersionRow, RegisteredModelRow } from './tables/registry.js';
import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';

// Repository functions for the model registry. Reads return wire-shaped entities with every field
// filled in (mlflow-protocol.md §1.3: a missing field is the proto default on the client). The
// rules about what may change, and the transactions, live in src/prompts/registry.ts.

/** current_stage of a deleted version: kept so that version numbers are never handed out twice. */
export const DELETED_STAGE = 'Deleted_Internal';

type KV = { key: string; value: string };

function group<T, K>(rows: T[], keyOf: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;

/** Loads tags and aliases for a batch of version rows (one query each) and maps them to the wire. */
export async function versionsToWire(db: Db, rows: ModelVersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const names = [...new Set(rows.map((r) => r.name))];
  const [tags, aliases] = await Promise.all([
    db.selectFrom('model_version_tags').selectAll().where('name', 'in', names).orderBy('name').orderBy('version').orderBy('key').execute(),
    db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
  ]);
  const tagsBy = group(tags, (t) => versionKey(t.name, t.version));
  const aliasesBy = group(aliases, (a) => versionKey(a.name, a.version));
  return rows.map((r) => versionRowToWire(r, tagsBy.get(versionKey(r.name, r.version)) ?? [], (aliasesBy.get(versionKey(r.name, r.version)) ?? []).map((a) => a.alias)));
}

export function versionRowToWire(r: ModelVersionRow, tags: KV[], aliases: string[]): ModelVersion {
  return {
    name: r.name,
    version: String(r.version),
    creation_timestamp: Number(r.creation_timestamp),
    last_updated_timestamp: Number(r.last_updated_timestamp),
    user_id: r.user_id ?? '',
    current_stage: r.current_stage,
    description: r.description ?? '',
    source: r.source,
    run_id: r.run_id ?? '',
    run_link: r.run_link ?? '',
    status: r.status as ModelVersion['status'],
    ...(r.status_message ? { status_message: r.status_message } : {}),
    ...(r.model_id ? { model_id: r.model_id } : {}),
    tags: tags.map(({ key, value }) => ({ key, value })),
    aliases,
  };
}

/** Registered models with tags, aliases and latest_versions (the newest version per stage). */
export async function modelsToWire(db: Db, rows: RegisteredModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => r.name);
  const [tags, aliases, latest] = await Promise.all([
    db.selectFrom('registered_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
    db
      .selectFrom('model_versions')
      .select(['name', 'current_stage', (eb) => eb.fn.max('version').as('version')])
      .where('name', 'in', names)
      .where('current_stage', '!=', DELETED_STAGE)
      .groupBy(['name', 'current_stage'])
      .execute(),
  ]);
  const latestRows = latest.length
    ? await db
        .selectFrom('model_versions')
        .selectAll()
        .where((eb) => eb.or(latest.map((l) => eb.and([eb('name', '=', l.name), eb('version', '=', Number(l.version))]))))
        .orderBy('version', 'desc')
        .execute()
    : [];
  const latestBy = group(await versionsToWire(db, latestRows), (v) => v.name);
  const tagsBy = group(tags, (t) => t.name);
  const aliasesBy = group(aliases, (a) => a.name);
  return rows.map((r) => ({
    name: r.name,
    creation_timestamp: Number(r.creation_timestamp),
    last_updated_timestamp: Number(r.last_updated_timestamp),
    user_id: r.user_id ?? '',
    description: r.description ?? '',
    tags: (tagsBy.get(r.name) ?? []).map(({ key, value }) => ({ key, value })),
    aliases: (aliasesBy.get(r.name) ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    latest_versions: latestBy.get(r.name) ?? [],
  }));
}

export async function getRegisteredModelRow(db: Db, name: string): Promise<RegisteredModelRow | undefined> {
  return db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function getRegisteredModel(db: Db, name: string): Promise<RegisteredModel | undefined> {
  const row = await getRegisteredModelRow(db, name);
  return row ? (await modelsToWire(db, [row]))[0] : undefined;
}

export async function getModelTags(db: Db, name: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('registered_model_tags').select(['key', 'value']).where('name', '=', name).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function getVersionTags(db: Db, name: string, version: number): Promise<Record<string, string>> {
  const rows = await db.selectFrom('model_version_tags').select(['key', 'value']).where('name', '=', name).where('version', '=', version).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** A live (not deleted) version row. */
export async function getModelVersionRow(db: Db, name: string, version: number): Promise<ModelVersionRow | undefined> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .where('current_stage', '!=', DELETED_STAGE)
    .executeTakeFirst();
}

export async function getModelVersion(db: Db, name: string, version: number): Promise<ModelVersion | undefined> {
  const row = await getModelVersionRow(db, name, version);
  return row ? (await versionsToWire(db, [row]))[0] : undefined;
}

/** The highest live version number, or undefined when the model has none. */
export async function latestVersionNumber(db: Db, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('model_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('name', '=', name)
    .where('current_stage', '!=', DELETED_STAGE)
    .executeTakeFirst();
  return row?.v == null ? undefined : Number(row.v);
}

/** max(version)+1 over all rows, tombstones included, so numbers are never reused. */
export async function nextVersionNumber(db: Db, name: string): Promise<number> {
  const row = await db.selectFrom('model_versions').select((eb) => eb.fn.max('version').as('v')).where('name', '=', name).executeTakeFirst();
  return row?.v == null ? 1 : Number(row.v) + 1;
}

export async function getAliasVersion(db: Db, name: string, alias: string): Promise<number | undefined> {
  const row = await db.selectFrom('registered_model_aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
  return row ? Number(row.version) : undefined;
}

/** Inserts or overwrites a registered-model tag. */
export async function upsertModelTag(db: Db, name: string, key: string, value: string): Promise<void> {
  await db
    .insertInto('registered_model_tags')
    .values({ name, key, value })
    .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value }))
    .execute();
}

/** Inserts or overwrites a model-version tag. */
export async function upsertVersionTag(db: Db, name: string, version: number, key: string, value: string): Promise<void> {
  await db
    .insertInto('model_version_tags')
    .values({ name, version, key, value })
    .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value }))
    .execute();
}

/** Points `alias` at `version`; an alias names one version, so this moves it if it existed. */
export async function upsertAlias(db: Db, name: string, alias: string, version: number): Promise<void> {
  await db
    .insertInto('registered_model_aliases')
    .values({ name, alias, version })
    .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version }))
    .execute();
}

/** Every table keyed by model name, for rename and delete. */
export const TABLES_BY_NAME = ['model_version_tags', 'model_versions', 'registered_model_aliases', 'registered_model_tags', 'registered_models'] as const;
