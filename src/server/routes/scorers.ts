import { Hono } from 'hono';
import { deleteScorer, getScorer, listScorers, listScorerVersions, registerScorer, requireScorerId } from '../../store/scorers.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  type GetScorerResponse,
  ListScorersRequest,
  type ListScorersResponse,
  ListScorerVersionsRequest,
  type OnlineScoringConfigResponse,
  type OnlineScoringConfigsResponse,
  RegisterScorerRequest,
  type RegisterScorerResponse,
  ScorerVersionRequest,
  UpsertOnlineScoringConfigRequest,
} from '../schemas/scorers.js';
import { readJson, readQuery } from '../validate.js';

/** Registered scorers per experiment (mlflow-protocol.md §6.3): immutable numbered versions under one name. */
export function scorersRoutes(deps: AppDeps) {
  const { db } = deps.store;
  return new Hono()
    .post('/scorers/register', async (c) => {
      const req = await readJson(c, RegisterScorerRequest);
      const s = await db.transaction().execute((trx) => registerScorer(trx, req.experiment_id, req.name, req.serialized_scorer));
      const { scorer_version, scorer_name, experiment_id, ...rest } = s;
      return c.json({ version: scorer_version, name: scorer_name, experiment_id: String(experiment_id), ...rest } satisfies RegisterScorerResponse);
    })
    .get('/scorers/list', async (c) => {
      const { experiment_id } = readQuery(c, ListScorersRequest);
      return c.json({ scorers: await listScorers(db, experiment_id) } satisfies ListScorersResponse);
    })
    .get('/scorers/versions', async (c) => {
      const { experiment_id, name } = readQuery(c, ListScorerVersionsRequest);
      return c.json({ scorers: await listScorerVersions(db, experiment_id, name) } satisfies ListScorersResponse);
    })
    .get('/scorers/get', async (c) => {
      const { experiment_id, name, version } = readQuery(c, ScorerVersionRequest);
      return c.json({ scorer: await getScorer(db, experiment_id, name, version) } satisfies GetScorerResponse);
    })
    .delete('/scorers/delete', async (c) => {
      // The MLflow client sends a JSON body; query parameters are accepted for hand-written calls.
      const req = c.req.query('experiment_id') !== undefined ? readQuery(c, ScorerVersionRequest) : await readJson(c, ScorerVersionRequest);
      await db.transaction().execute((trx) => deleteScorer(trx, req.experiment_id, req.name, req.version));
      return c.json({});
    })
    // Glassbox runs no online (automatic) scoring: there are never configs, and only "stop" (rate 0) is accepted.
    .get('/scorers/online-configs', (c) => c.json({ configs: [] } satisfies OnlineScoringConfigsResponse))
    .put('/scorers/online-config', async (c) => {
      const req = await readJson(c, UpsertOnlineScoringConfigRequest);
      const scorerId = await requireScorerId(db, req.experiment_id, req.name);
      if (req.sample_rate > 0) {
        throw MlflowError.invalidParameter(`Scorer '${req.name}' cannot run automatically: this server has no AI gateway, so online scoring is not supported.`);
      }
      const config = { online_scoring_config_id: scorerId, scorer_id: scorerId, sample_rate: 0, experiment_id: req.experiment_id, ...(req.filter_string != null && { filter_string: req.filter_string }) };
      return c.json({ config } satisfies OnlineScoringConfigResponse);
    });
}
