import { Hono } from 'hono';
import * as registry from '../../prompts/registry.js';
import { versionNumber } from '../../prompts/rules.js';
import * as store from '../../store/registry.js';
import { searchModelVersions, searchRegisteredModels } from '../../store/registry-search.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import * as S from '../schemas/registry.js';
import { readJson, readQuery } from '../validate.js';

// MLflow's model registry (model_registry.proto), which also stores prompts (mlflow-protocol.md §5).
// Reads go to the store; every mutation goes through src/prompts/registry.ts.

export function registryRoutes(deps: AppDeps) {
  const db = deps.store.db;
  const model = async (name: string) => {
    const registered_model = await store.getRegisteredModel(db, name);
    if (!registered_model) throw registry.modelNotFound(name);
    return { registered_model } satisfies S.RegisteredModelResponse;
  };
  const version = async (name: string, v: string) => {
    const n = versionNumber(v);
    await registry.requireVersion(db, name, n);
    return { model_version: (await store.getModelVersion(db, name, n))! } satisfies S.ModelVersionResponse;
  };

  return new Hono()
    .post('/registered-models/create', async (c) => {
      const req = await readJson(c, S.CreateRegisteredModelRequest);
      return c.json({ registered_model: await registry.createRegisteredModel(db, req) } satisfies S.RegisteredModelResponse);
    })
    .get('/registered-models/get', async (c) => c.json((await model(readQuery(c, S.GetRegisteredModelRequest).name)) satisfies S.RegisteredModelResponse))
    .patch('/registered-models/update', async (c) => {
      const req = await readJson(c, S.UpdateRegisteredModelRequest);
      return c.json({ registered_model: await registry.updateRegisteredModel(db, req.name, req.description) } satisfies S.RegisteredModelResponse);
    })
    .post('/registered-models/rename', async (c) => {
      const req = await readJson(c, S.RenameRegisteredModelRequest);
      return c.json({ registered_model: await registry.renameRegisteredModel(db, req.name, req.new_name) } satisfies S.RegisteredModelResponse);
    })
    .delete('/registered-models/delete', async (c) => {
      await registry.deleteRegisteredModel(db, (await readJson(c, S.DeleteRegisteredModelRequest)).name);
      return c.json({});
    })
    .get('/registered-models/search', async (c) => {
      const res = await searchRegisteredModels(deps.store, readQuery(c, S.SearchRequest));
      return c.json(res satisfies S.SearchRegisteredModelsResponse);
    })
    .post('/registered-models/set-tag', async (c) => {
      const req = await readJson(c, S.SetRegisteredModelTagRequest);
      await registry.setModelTag(db, req.name, req.key, req.value);
      return c.json({});
    })
    .delete('/registered-models/delete-tag', async (c) => {
      const req = await readJson(c, S.DeleteRegisteredModelTagRequest);
      await registry.deleteModelTag(db, req.name, req.key);
      return c.json({});
    })
    // The Python client POSTs, and falls back to GET on ENDPOINT_NOT_FOUND; both are served.
    .on(['POST', 'GET'], '/registered-models/get-latest-versions', async (c) => {
      const req = c.req.method === 'GET' ? readQuery(c, S.GetLatestVersionsRequest) : await readJson(c, S.GetLatestVersionsRequest);
      const { latest_versions } = (await model(req.name)).registered_model;
      const stages = req.stages.map((s) => s.toLowerCase());
      const model_versions = stages.length ? latest_versions.filter((v) => stages.includes(v.current_stage.toLowerCase())) : latest_versions;
      return c.json({ model_versions } satisfies S.ModelVersionsResponse);
    })
    .post('/registered-models/alias', async (c) => {
      const req = await readJson(c, S.SetRegisteredModelAliasRequest);
      await registry.setAlias(db, req.name, req.alias, versionNumber(req.version));
      return c.json({});
    })
    .delete('/registered-models/alias', async (c) => {
      const req = await readJson(c, S.AliasRef);
      await registry.deleteAlias(db, req.name, req.alias);
      return c.json({});
    })
    .get('/registered-models/alias', async (c) => {
      const req = readQuery(c, S.AliasRef);
      return c.json({ model_version: await registry.resolveAlias(db, req.name, req.alias) } satisfies S.ModelVersionResponse);
    })
    .post('/model-versions/create', async (c) => {
      const req = await readJson(c, S.CreateModelVersionRequest);
      return c.json({ model_version: await registry.createVersion(db, req) } satisfies S.ModelVersionResponse);
    })
    .get('/model-versions/get', async (c) => {
      const req = readQuery(c, S.ModelVersionRef);
      return c.json(await version(req.name, req.version));
    })
    .patch('/model-versions/update', async (c) => {
      const req = await readJson(c, S.UpdateModelVersionRequest);
      const mv = await registry.updateVersion(db, req.name, versionNumber(req.version), { description: req.description });
      return c.json({ model_version: mv } satisfies S.ModelVersionResponse);
    })
    .post('/model-versions/transition-stage', async (c) => {
      const req = await readJson(c, S.TransitionModelVersionStageRequest);
      const mv = await registry.transitionStage(db, req.name, versionNumber(req.version), req.stage, req.archive_existing_versions);
      return c.json({ model_version: mv } satisfies S.ModelVersionResponse);
    })
    .delete('/model-versions/delete', async (c) => {
      const req = await readJson(c, S.ModelVersionRef);
      await registry.deleteVersion(db, req.name, versionNumber(req.version));
      return c.json({});
    })
    .get('/model-versions/search', async (c) => {
      const res = await searchModelVersions(deps.store, readQuery(c, S.SearchRequest));
      return c.json(res satisfies S.SearchModelVersionsResponse);
    })
    .get('/model-versions/get-download-uri', async (c) => {
      const req = readQuery(c, S.ModelVersionRef);
      const { model_version } = await version(req.name, req.version);
      if (!model_version.source) throw MlflowError.invalidParameter(`Model version ${req.name}/${req.version} has no source to download.`);
      return c.json({ artifact_uri: model_version.source } satisfies S.DownloadUriResponse);
    })
    .post('/model-versions/set-tag', async (c) => {
      const req = await readJson(c, S.SetModelVersionTagRequest);
      await registry.setVersionTag(db, req.name, versionNumber(req.version), req.key, req.value);
      return c.json({});
    })
    .delete('/model-versions/delete-tag', async (c) => {
      const req = await readJson(c, S.DeleteModelVersionTagRequest);
      await registry.deleteVersionTag(db, req.name, versionNumber(req.version), req.key);
      return c.json({});
    });
}
