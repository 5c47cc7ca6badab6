import { Hono } from 'hono';
import { listFolder } from '../../artifacts/local-repo.js';
import { normalizeArtifactPath, resolveInside } from '../../artifacts/safe-path.js';
import { proxiedArtifactPath } from '../../artifacts/uri.js';
import {
  createLoggedModel,
  deleteLoggedModel,
  deleteLoggedModelTag,
  finalizeLoggedModel,
  getLoggedModel,
  logLoggedModelParams,
  searchLoggedModels,
  setLoggedModelTags,
} from '../../store/logged-models.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  CreateLoggedModelRequest,
  FinalizeLoggedModelRequest,
  GetLoggedModelRequest,
  ListLoggedModelArtifactsRequest,
  type ListLoggedModelArtifactsResponse,
  LogLoggedModelParamsRequest,
  type LoggedModelResponse,
  SearchLoggedModelsRequest,
  type SearchLoggedModelsResponse,
  SetLoggedModelTagsRequest,
} from '../schemas/logged-models.js';
import { parseFilter } from '../search/index.js';
import { readJson, readQuery } from '../validate.js';

const notFound = (id: string) => MlflowError.notFound(`Logged model with ID '${id}' not found`);

/** Page tokens are base64(JSON {offset}) as on the real server; clients treat them as opaque. */
function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).offset;
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the 400 below
  }
  throw MlflowError.invalidParameter(`Invalid page_token '${token}'`);
}
const encodePageToken = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64');

/** MLflow 3 logged models (service.proto CreateLoggedModel … ListLoggedModelArtifacts). */
export function loggedModelsRoutes(deps: AppDeps) {
  const db = deps.store.db;
  return new Hono()
    .post('/logged-models', async (c) => {
      const req = await readJson(c, CreateLoggedModelRequest);
      return c.json({ model: await createLoggedModel(db, req) } satisfies LoggedModelResponse);
    })
    .post('/logged-models/search', async (c) => {
      const req = await readJson(c, SearchLoggedModelsRequest);
      const offset = decodePageToken(req.page_token);
      const limit = req.max_results ?? 100;
      const filters = parseFilter(req.filter);
      const page = await searchLoggedModels(db, { dialect: deps.store.dialect, experimentIds: req.experiment_ids, filters, orderBy: req.order_by, offset, limit });
      const body: SearchLoggedModelsResponse = {};
      if (page.models.length) body.models = page.models;
      if (page.hasMore) body.next_page_token = encodePageToken(offset + limit);
      return c.json(body);
    })
    .get('/logged-models/:id', async (c) => {
      const { allow_deleted } = readQuery(c, GetLoggedModelRequest);
      const model = await getLoggedModel(db, c.req.param('id'), allow_deleted ?? false);
      if (!model) throw notFound(c.req.param('id'));
      return c.json({ model } satisfies LoggedModelResponse);
    })
    .patch('/logged-models/:id', async (c) => {
      const { status } = await readJson(c, FinalizeLoggedModelRequest);
      if (status === 'LOGGED_MODEL_STATUS_UNSPECIFIED') throw MlflowError.invalidParameter('status must be LOGGED_MODEL_READY, LOGGED_MODEL_PENDING or LOGGED_MODEL_UPLOAD_FAILED');
      const model = await finalizeLoggedModel(db, c.req.param('id'), status);
      if (!model) throw notFound(c.req.param('id'));
      return c.json({ model } satisfies LoggedModelResponse);
    })
    .delete('/logged-models/:id', async (c) => {
      if (!(await deleteLoggedModel(db, c.req.param('id')))) throw notFound(c.req.param('id'));
      return c.json({});
    })
    .patch('/logged-models/:id/tags', async (c) => {
      const { tags } = await readJson(c, SetLoggedModelTagsRequest);
      if (!(await setLoggedModelTags(db, c.req.param('id'), tags))) throw notFound(c.req.param('id'));
      return c.json({});
    })
    .delete('/logged-models/:id/tags/:key', async (c) => {
      const { id, key } = c.req.param();
      const result = await deleteLoggedModelTag(db, id, key);
      if (result === 'no-model') throw notFound(id);
      if (result === 'no-tag') throw MlflowError.notFound(`No tag with key '${key}' on logged model '${id}'`);
      return c.json({});
    })
    .post('/logged-models/:id/params', async (c) => {
      const { params } = await readJson(c, LogLoggedModelParamsRequest);
      if (!(await logLoggedModelParams(db, c.req.param('id'), params))) throw notFound(c.req.param('id'));
      return c.json({});
    })
    .get('/logged-models/:id/artifacts/directories', async (c) => {
      const { artifact_directory_path } = readQuery(c, ListLoggedModelArtifactsRequest);
      const model = await getLoggedModel(db, c.req.param('id'));
      if (!model) throw notFound(c.req.param('id'));
      const rootUri = model.info.artifact_uri;
      const rel = proxiedArtifactPath(rootUri);
      if (rel === undefined) throw MlflowError.invalidParameter(`Model artifacts at '${rootUri}' are not served by this server`);
      const inModel = normalizeArtifactPath(artifact_directory_path ?? '');
      const abs = await resolveInside(deps.config.artifactsDestination, [...normalizeArtifactPath(rel), ...inModel]);
      const files = await listFolder(deps.config.artifactsDestination, abs, inModel.join('/'));
      return c.json((files?.length ? { root_uri: rootUri, files } : { root_uri: rootUri }) satisfies ListLoggedModelArtifactsResponse);
    });
}
