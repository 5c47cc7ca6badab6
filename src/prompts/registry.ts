import { MlflowError } from '../server/errors.js';
import type { CreateModelVersionRequest, CreateRegisteredModelRequest, ModelVersion, RegisteredModel } from '../server/schemas/registry.js';
import type { Db } from '../store/db.js';
import { isUniqueViolation } from '../store/errors.js';
import { getLoggedModel } from '../store/logged-models.js';
import * as store from '../store/registry.js';
import { IMMUTABLE_VERSION_TAGS } from './constants.js';
import { isPromptTags, validateAlias, validateModelName, validatePromptVersion } from './rules.js';

// The one module through which every registry mutation goes (see README.md): registered models,
// versions, tags and aliases, for prompts and ordinary models alike. It owns the transactions
// and the rules that make prompt versions immutable.

const modelNotFound = (name: string) => MlflowError.notFound(`Registered Model with name=${name} not found`);
const versionNotFound = (name: string, version: number | string) => MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);

async function requireModel(db: Db, name: string) {
  const row = await store.getRegisteredModelRow(db, name);
  if (!row) throw modelNotFound(name);
  return row;
}

async function requireVersion(db: Db, name: string, version: number) {
  const row = await store.getModelVersionRow(db, name, version);
  if (!row) {
    await requireModel(db, name);
    throw versionNotFound(name, version);
  }
  return row;
}

export async function createRegisteredModel(db: Db, req: CreateRegisteredModelRequest, now = Date.now()): Promise<RegisteredModel> {
  const tags = Object.fromEntries(req.tags.map((t) => [t.key, t.value]));
  validateModelName(req.name, isPromptTags(tags));
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('registered_models')
        .values({ name: req.name, creation_timestamp: now, last_updated_timestamp: now, description: req.description ?? null, user_id: null })
        .execute();
      for (const [key, value] of Object.entries(tags)) await store.upsertModelTag(trx, req.name, key, value);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw MlflowError.alreadyExists(`Registered Model (name=${req.name}) already exists.`);
    throw err;
  }
  return (await store.getRegisteredModel(db, req.name))!;
}

export async function updateRegisteredModel(db: Db, name: string, description: string | undefined): Promise<RegisteredModel> {
  const res = await db
    .updateTable('registered_models')
    .set({ ...(description !== undefined ? { description } : {}), last_updated_timestamp: Date.now() })
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw modelNotFound(name);
  return (await store.getRegisteredModel(db, name))!;
}

/** Renames the model and every row keyed by its name, atomically. */
export async function renameRegisteredModel(db: Db, name: string, newName: string): Promise<RegisteredModel> {
  try {
    await db.transaction().execute(async (trx) => {
      await requireModel(trx, name);
      validateModelName(newName, isPromptTags(await store.getModelTags(trx, name)));
      if (await store.getRegisteredModelRow(trx, newName)) throw MlflowError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
      for (const table of store.TABLES_BY_NAME) await trx.updateTable(table).set({ name: newName }).where('name', '=', name).execute();
      await trx.updateTable('registered_models').set({ last_updated_timestamp: Date.now() }).where('name', '=', newName).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw MlflowError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
    throw err;
  }
  return (await store.getRegisteredModel(db, newName))!;
}

/** Deletes the model with all its versions, tags and aliases (a later re-create starts at version 1, as in MLflow). */
export async function deleteRegisteredModel(db: Db, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireModel(trx, name);
    for (const table of store.TABLES_BY_NAME) await trx.deleteFrom(table).where('name', '=', name).execute();
  });
}

export async function setModelTag(db: Db, name: string, key: string, value: string): Promise<void> {
  if (key === '') throw MlflowError.invalidParameter('Tag key cannot be empty.');
  await requireModel(db, name);
  await store.upsertModelTag(db, name, key, value);
}

export async function deleteModelTag(db: Db, name: string, key: string): Promise<void> {
  await requireModel(db, name);
  const res = await db.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw MlflowError.notFound(`No tag with name: ${key} in registered model ${name}`);
}

const MAX_VERSION_ATTEMPTS = 5;
const LOGGED_MODEL_URI = /^models:\/(m-[^/]+)\/?$/;
/**
 * Registers the next version of a model. The number is max+1, computed inside a transaction that
 * first updates the model row: on PostgreSQL that row lock serializes concurrent registrations of
 * one model; on SQLite the single connection does. A unique violation on (name, version), which the
 * lock should prevent, is retried rather than surfaced, so no registration is lost.
 */
export async function createVersion(db: Db, req: CreateModelVersionRequest): Promise<ModelVersion> {
  const tags = Object.fromEntries(req.tags.map((t) => [t.key, t.value]));
  // MLflow 3 registers `models:/<model_id>` (log_model(registered_model_name=...), register_model(info.model_uri)):
  // like MLflow's SQL store, the version's run is then the logged model's source run.
  const loggedModelId = req.model_id || LOGGED_MODEL_URI.exec(req.source)?.[1];
  const loggedModel = loggedModelId ? await getLoggedModel(db, loggedModelId, true) : undefined;
  const runId = req.run_id || loggedModel?.info.source_run_id || null;
  for (let attempt = 1; ; attempt++) {
    try {
      const version = await db.transaction().execute(async (trx) => {
        const now = Date.now();
        const locked = await trx.updateTable('registered_models').set({ last_updated_timestamp: now }).where('name', '=', req.name).executeTakeFirst();
        if (Number(locked.numUpdatedRows) === 0) throw modelNotFound(req.name);
        if (isPromptTags(tags) || isPromptTags(await store.getModelTags(trx, req.name))) validatePromptVersion(tags, req.source);
        const version = await store.nextVersionNumber(trx, req.name);
        await trx
          .insertInto('model_versions')
          .values({
            name: req.name,
            version,
            creation_timestamp: now,
            last_updated_timestamp: now,
            description: req.description ?? null,
            user_id: null,
            current_stage: 'None',
            source: req.source,
            run_id: runId,
            run_link: req.run_link || null,
            status: 'READY',
            status_message: null,
            model_id: req.model_id || null,
          })
          .execute();
        for (const [key, value] of Object.entries(tags)) await store.upsertVersionTag(trx, req.name, version, key, value);
        return version;
      });
      return (await store.getModelVersion(db, req.name, version))!;
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= MAX_VERSION_ATTEMPTS) throw err;
    }
  }
}

/** Only the description (the prompt's commit message) and the stage change; the content never does. */
export async function updateVersion(db: Db, name: string, version: number, patch: { description?: string; stage?: string }): Promise<ModelVersion> {
  await requireVersion(db, name, version);
  await db
    .updateTable('model_versions')
    .set({
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.stage !== undefined ? { current_stage: patch.stage } : {}),
      last_updated_timestamp: Date.now(),
    })
    .where('name', '=', name)
    .where('version', '=', version)
    .execute();
  return (await store.getModelVersion(db, name, version))!;
}

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

/** MLflow's deprecated stage transition; optionally archives the other versions in that stage. */
export async function transitionStage(db: Db, name: string, version: number, stage: string, archiveExisting: boolean): Promise<ModelVersion> {
  const canonical = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!canonical) throw MlflowError.invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return db.transaction().execute(async (trx) => {
    if (archiveExisting && (canonical === 'Staging' || canonical === 'Production')) {
      await trx
        .updateTable('model_versions')
        .set({ current_stage: 'Archived', last_updated_timestamp: Date.now() })
        .where('name', '=', name)
        .where('current_stage', '=', canonical)
        .where('version', '!=', version)
        .execute();
    }
    return updateVersion(trx, name, version, { stage: canonical });
  });
}

/** Leaves a tombstone so the number is never reused; its tags and the aliases on it go away. */
export async function deleteVersion(db: Db, name: string, version: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireVersion(trx, name, version);
    await trx.deleteFrom('model_version_tags').where('name', '=', name).where('version', '=', version).execute();
    await trx.deleteFrom('registered_model_aliases').where('name', '=', name).where('version', '=', version).execute();
    await trx
      .updateTable('model_versions')
      .set({ current_stage: store.DELETED_STAGE, description: null, source: 'REDACTED-SOURCE-PATH', run_id: null, run_link: null, last_updated_timestamp: Date.now() })
      .where('name', '=', name)
      .where('version', '=', version)
      .execute();
    await trx.updateTable('registered_models').set({ last_updated_timestamp: Date.now() }).where('name', '=', name).execute();
  });
}

async function assertMutableTag(db: Db, name: string, version: number, key: string) {
  if (!IMMUTABLE_VERSION_TAGS.includes(key)) return;
  const [modelTags, versionTags] = await Promise.all([store.getModelTags(db, name), store.getVersionTags(db, name, version)]);
  if (isPromptTags(modelTags) || isPromptTags(versionTags)) {
    throw MlflowError.invalidParameter(`Prompt versions are immutable: tag '${key}' of ${name} version ${version} cannot change. Register a new version instead.`);
  }
}

export async function setVersionTag(db: Db, name: string, version: number, key: string, value: string): Promise<void> {
  if (key === '') throw MlflowError.invalidParameter('Tag key cannot be empty.');
  await requireVersion(db, name, version);
  await assertMutableTag(db, name, version, key);
  await store.upsertVersionTag(db, name, version, key, value);
}

export async function deleteVersionTag(db: Db, name: string, version: number, key: string): Promise<void> {
  await requireVersion(db, name, version);
  await assertMutableTag(db, name, version, key);
  await db.deleteFrom('model_version_tags').where('name', '=', name).where('version', '=', version).where('key', '=', key).execute();
}

/**
 * Points an alias at a version, moving it off the version it named before. The existence check and
 * the upsert share one transaction, so a concurrent version delete cannot leave a dangling alias.
 */
export async function setAlias(db: Db, name: string, alias: string, version: number): Promise<void> {
  validateAlias(alias);
  await db.transaction().execute(async (trx) => {
    await requireVersion(trx, name, version);
    await store.upsertAlias(trx, name, alias, version);
  });
}

export async function deleteAlias(db: Db, name: string, alias: string): Promise<void> {
  await requireModel(db, name);
  await db.deleteFrom('registered_model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
}

/** Resolves `latest` (any case: the highest live version) or a real alias to a version. */
export async function resolveAlias(db: Db, name: string, alias: string): Promise<ModelVersion> {
  await requireModel(db, name);
  if (alias.toLowerCase() === 'latest') {
    const latest = await store.latestVersionNumber(db, name);
    if (latest === undefined) throw MlflowError.notFound(`Registered Model with name=${name} has no versions`);
    return (await store.getModelVersion(db, name, latest))!;
  }
  const version = await store.getAliasVersion(db, name, alias);
  if (version === undefined) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
  return (await store.getModelVersion(db, name, version))!;
}

export { modelNotFound, requireModel, requireVersion };
