import { TrieRouter } from 'hono/router/trie-router';
import type { Permission } from '../../store/users.js';

/**
 * Who may call what, for every route the server mounts (the one table to review).
 *
 * A rule is one of:
 * - `public`: no credentials (health probe, UI files);
 * - `user`: any authenticated user (MLflow lets anyone create experiments and models);
 * - `admin`: admins only (also what every /api route missing from this table gets: fail closed);
 * - `[need, ...refs]`: the caller needs `need` on every resource named by the refs.
 *
 * A ref is `<kind>:<where>.<field path>`: kind says how to reach the experiment (or registered
 * model) from the value; where is query | body | param | header; `[]` walks an array.
 * Permissions rank NO_PERMISSIONS < READ < EDIT < MANAGE; admins pass every check; a user with no
 * explicit grant on a resource has GLASSBOX_DEFAULT_PERMISSION on it. As in MLflow's basic-auth app,
 * deleting needs MANAGE, changing needs EDIT, and reading needs READ.
 */
export type Need = Exclude<Permission, 'NO_PERMISSIONS'>;
export type RefKind = 'experiment' | 'experiment-name' | 'run' | 'trace' | 'logged-model' | 'artifact' | 'model' | 'evaluation' | 'dataset';
export type Ref = `${RefKind}:${'query' | 'body' | 'param' | 'header'}.${string}`;
export type Access = 'public' | 'user' | 'admin' | readonly [Need, ...Ref[]];

/** What the middleware does with a successful response (see middleware.ts). */
export type After = 'grant-experiment-creator' | 'grant-model-creator' | 'move-model-grants' | 'drop-model-grants' | 'filter-experiments' | 'filter-models' | 'filter-model-versions' | 'filter-evaluations' | 'filter-datasets' | 'check-experiment-read';

export interface Rule {
  access: Access;
  after?: After;
}

type Row = [method: string, path: string, access: Access, after?: After];

const RUN: Ref[] = ['run:body.run_id', 'run:body.run_uuid'];
const RUN_Q: Ref[] = ['run:query.run_id', 'run:query.run_uuid'];

/** Routes under /{api,ajax-api}/{2.0,3.0}/mlflow. */
const MLFLOW: Row[] = [
  ['GET', '/server-info', 'user'],
  // experiments (get-by-name is checked on the experiment it returns: the name alone names nothing yet)
  ['GET', '/experiments/get-by-name', 'user', 'check-experiment-read'],
  ['POST', '/experiments/create', 'user', 'grant-experiment-creator'],
  ['GET', '/experiments/get', ['READ', 'experiment:query.experiment_id']],
  ['POST', '/experiments/search', 'user', 'filter-experiments'],
  ['GET', '/experiments/search', 'user', 'filter-experiments'],
  ['POST', '/experiments/delete', ['MANAGE', 'experiment:body.experiment_id']],
  ['POST', '/experiments/restore', ['MANAGE', 'experiment:body.experiment_id']],
  ['POST', '/experiments/update', ['EDIT', 'experiment:body.experiment_id']],
  ['POST', '/experiments/set-experiment-tag', ['EDIT', 'experiment:body.experiment_id']],
  ['POST', '/experiments/delete-experiment-tag', ['EDIT', 'experiment:body.experiment_id']],
  ['POST', '/experiments/search-datasets', ['READ', 'experiment:body.experiment_ids[]']],
  // runs: the experiment is looked up from runs.experiment_id
  ['POST', '/runs/create', ['EDIT', 'experiment:body.experiment_id']],
  ['POST', '/runs/update', ['EDIT', ...RUN]],
  ['POST', '/runs/delete', ['MANAGE', ...RUN]],
  ['POST', '/runs/restore', ['MANAGE', ...RUN]],
  ['GET', '/runs/get', ['READ', ...RUN_Q]],
  ['POST', '/runs/log-metric', ['EDIT', ...RUN]],
  ['POST', '/runs/log-parameter', ['EDIT', ...RUN]],
  ['POST', '/runs/set-tag', ['EDIT', ...RUN]],
  ['POST', '/runs/delete-tag', ['EDIT', ...RUN]],
  ['POST', '/runs/log-batch', ['EDIT', ...RUN]],
  ['POST', '/runs/log-inputs', ['EDIT', ...RUN]],
  ['POST', '/runs/outputs', ['EDIT', ...RUN]],
  ['POST', '/runs/log-model', ['EDIT', ...RUN]],
  ['POST', '/runs/search', ['READ', 'experiment:body.experiment_ids[]']],
  ['GET', '/metrics/get-history', ['READ', ...RUN_Q]],
  ['GET', '/metrics/get-history-bulk-interval', ['READ', 'run:query.run_ids[]']],
  ['GET', '/artifacts/list', ['READ', ...RUN_Q]],
  ['GET', '/get-artifact', ['READ', ...RUN_Q]],
  // logged models
  ['POST', '/logged-models', ['EDIT', 'experiment:body.experiment_id']],
  ['POST', '/logged-models/search', ['READ', 'experiment:body.experiment_ids[]']],
  ['GET', '/logged-models/:id', ['READ', 'logged-model:param.id']],
  ['PATCH', '/logged-models/:id', ['EDIT', 'logged-model:param.id']],
  ['DELETE', '/logged-models/:id', ['MANAGE', 'logged-model:param.id']],
  ['PATCH', '/logged-models/:id/tags', ['EDIT', 'logged-model:param.id']],
  ['DELETE', '/logged-models/:id/tags/:key', ['EDIT', 'logged-model:param.id']],
  ['POST', '/logged-models/:id/params', ['EDIT', 'logged-model:param.id']],
  ['GET', '/logged-models/:id/artifacts/directories', ['READ', 'logged-model:param.id']],
  // traces: the experiment is looked up from trace_info.experiment_id
  ['POST', '/traces/search', ['READ', 'experiment:body.locations[].mlflow_experiment.experiment_id', 'experiment:body.experiment_ids[]']],
  ['POST', '/traces/batchGetInfos', ['READ', 'trace:body.trace_ids[]']],
  ['GET', '/traces/batchGet', ['READ', 'trace:query.trace_ids[]']],
  ['GET', '/traces/get', ['READ', 'trace:query.trace_id']],
  ['POST', '/traces/delete-traces', ['MANAGE', 'experiment:body.experiment_id']],
  ['POST', '/traces/link-to-run', ['EDIT', 'trace:body.trace_ids[]', 'run:body.run_id']],
  ['POST', '/traces/link-prompts', ['EDIT', 'trace:body.trace_id']],
  ['POST', '/traces', ['EDIT', 'experiment:body.trace.trace_info.trace_location.mlflow_experiment.experiment_id']],
  ['PATCH', '/traces/:trace_id/tags', ['EDIT', 'trace:param.trace_id']],
  ['DELETE', '/traces/:trace_id/tags', ['EDIT', 'trace:param.trace_id']],
  ['GET', '/traces/:trace_id', ['READ', 'trace:param.trace_id']],
  ['POST', '/traces/:trace_id/assessments', ['EDIT', 'trace:param.trace_id']],
  ['GET', '/traces/:trace_id/assessments/:assessment_id', ['READ', 'trace:param.trace_id']],
  ['PATCH', '/traces/:trace_id/assessments/:assessment_id', ['EDIT', 'trace:param.trace_id']],
  ['DELETE', '/traces/:trace_id/assessments/:assessment_id', ['EDIT', 'trace:param.trace_id']],
  // registered models and prompts (prompts are registered models): per model name, as in MLflow
  ['POST', '/registered-models/create', 'user', 'grant-model-creator'],
  ['GET', '/registered-models/get', ['READ', 'model:query.name']],
  ['PATCH', '/registered-models/update', ['EDIT', 'model:body.name']],
  ['POST', '/registered-models/rename', ['EDIT', 'model:body.name'], 'move-model-grants'],
  ['DELETE', '/registered-models/delete', ['MANAGE', 'model:body.name'], 'drop-model-grants'],
  ['GET', '/registered-models/search', 'user', 'filter-models'],
  ['POST', '/registered-models/set-tag', ['EDIT', 'model:body.name']],
  ['DELETE', '/registered-models/delete-tag', ['EDIT', 'model:body.name']],
  ['POST', '/registered-models/alias', ['EDIT', 'model:body.name']],
  ['DELETE', '/registered-models/alias', ['EDIT', 'model:body.name']],
  ['GET', '/registered-models/alias', ['READ', 'model:query.name']],
  ['POST', '/model-versions/create', ['EDIT', 'model:body.name']],
  ['GET', '/model-versions/get', ['READ', 'model:query.name']],
  ['PATCH', '/model-versions/update', ['EDIT', 'model:body.name']],
  ['POST', '/model-versions/transition-stage', ['EDIT', 'model:body.name']],
  ['DELETE', '/model-versions/delete', ['MANAGE', 'model:body.name']],
  ['GET', '/model-versions/search', 'user', 'filter-model-versions'],
  ['GET', '/model-versions/get-download-uri', ['READ', 'model:query.name']],
  ['POST', '/model-versions/set-tag', ['EDIT', 'model:body.name']],
  ['DELETE', '/model-versions/delete-tag', ['EDIT', 'model:body.name']],
  // evaluation datasets: checked on every experiment the dataset is linked to (none: the default permission)
  ['POST', '/datasets/create', ['EDIT', 'experiment:body.experiment_ids[]']],
  ['POST', '/datasets/search', ['READ', 'experiment:body.experiment_ids[]'], 'filter-datasets'],
  ['GET', '/datasets/search', ['READ', 'experiment:query.experiment_ids[]'], 'filter-datasets'],
  ['GET', '/datasets/:dataset_id', ['READ', 'dataset:param.dataset_id']],
  ['DELETE', '/datasets/:dataset_id', ['MANAGE', 'dataset:param.dataset_id']],
  ['PATCH', '/datasets/:dataset_id/tags', ['EDIT', 'dataset:param.dataset_id']],
  ['DELETE', '/datasets/:dataset_id/tags/:key', ['EDIT', 'dataset:param.dataset_id']],
  ['POST', '/datasets/:dataset_id/records', ['EDIT', 'dataset:param.dataset_id']],
  ['GET', '/datasets/:dataset_id/records', ['READ', 'dataset:param.dataset_id']],
  ['DELETE', '/datasets/:dataset_id/records', ['EDIT', 'dataset:param.dataset_id']],
  ['GET', '/datasets/:dataset_id/experiment-ids', ['READ', 'dataset:param.dataset_id']],
  ['POST', '/datasets/:dataset_id/add-experiments', ['EDIT', 'dataset:param.dataset_id', 'experiment:body.experiment_ids[]']],
  ['POST', '/datasets/:dataset_id/remove-experiments', ['EDIT', 'dataset:param.dataset_id', 'experiment:body.experiment_ids[]']],
  // scorers: per experiment (MLflow keeps per-scorer grants; here the experiment's grant covers its scorers)
  ['POST', '/scorers/register', ['EDIT', 'experiment:body.experiment_id']],
  ['GET', '/scorers/list', ['READ', 'experiment:query.experiment_id']],
  ['GET', '/scorers/versions', ['READ', 'experiment:query.experiment_id']],
  ['GET', '/scorers/get', ['READ', 'experiment:query.experiment_id']],
  ['DELETE', '/scorers/delete', ['MANAGE', 'experiment:body.experiment_id', 'experiment:query.experiment_id']],
  ['GET', '/scorers/online-configs', 'user'], // always empty: Glassbox runs no online scoring
  ['PUT', '/scorers/online-config', ['EDIT', 'experiment:body.experiment_id']],
  // MLflow's basic-auth API (routes/auth-api.ts): users are admin business; a grant on a resource may be
  // managed by whoever has MANAGE on it, as MLflow's validate_can_manage_experiment/registered_model.
  ['POST', '/users/create', 'admin'],
  ['GET', '/users/get', 'admin'],
  ['PATCH', '/users/update-password', 'admin'],
  ['PATCH', '/users/update-admin', 'admin'],
  ['DELETE', '/users/delete', 'admin'],
  ['POST', '/experiments/permissions/create', ['MANAGE', 'experiment:body.experiment_id']],
  ['GET', '/experiments/permissions/get', ['MANAGE', 'experiment:query.experiment_id']],
  ['PATCH', '/experiments/permissions/update', ['MANAGE', 'experiment:body.experiment_id']],
  ['DELETE', '/experiments/permissions/delete', ['MANAGE', 'experiment:body.experiment_id']],
  ['POST', '/registered-models/permissions/create', ['MANAGE', 'model:body.name']],
  ['GET', '/registered-models/permissions/get', ['MANAGE', 'model:query.name']],
  ['PATCH', '/registered-models/permissions/update', ['MANAGE', 'model:body.name']],
  ['DELETE', '/registered-models/permissions/delete', ['MANAGE', 'model:body.name']],
];

/** Routes under /{api,ajax-api}/{2.0,3.0}/mlflow-artifacts: the experiment is the path's first segment. */
const ARTIFACTS: Row[] = [
  ['GET', '/artifacts', ['READ', 'artifact:query.path']],
  ['PUT', '/artifacts/:path{.+}', ['EDIT', 'artifact:param.path']],
  ['GET', '/artifacts/:path{.+}', ['READ', 'artifact:param.path']],
  ['DELETE', '/artifacts/:path{.+}', ['MANAGE', 'artifact:param.path']],
];

/** Routes under /{api,ajax-api}/{2.0,3.0}/glassbox. */
const GLASSBOX: Row[] = [
  ['POST', '/evaluations', ['EDIT', 'experiment:body.experiment_id']],
  ['GET', '/evaluations', 'user', 'filter-evaluations'],
  ['GET', '/evaluations/:id', ['READ', 'evaluation:param.id']],
  ['POST', '/evaluations/:id/cancel', ['EDIT', 'evaluation:param.id']],
  ['GET', '/monitoring', ['READ', 'experiment:query.experiment_id']],
  ['POST', '/experiments/summary', ['READ', 'experiment:body.experiment_ids[]']],
];

/** Routes outside the versioned prefixes. */
const TOP: Row[] = [
  ['GET', '/health', 'public'],
  ['GET', '/version', 'user'], // not exempt: MLflow's basic auth protects it too (protocol §7)
  ['GET', '/metrics', 'admin'], // GLASSBOX_METRICS_ACCESS can relax this to authenticated or public
  // OTLP: the experiment header is required with auth on (see resources.ts), so resource
  // attributes and service.name cannot route spans past this check.
  ['POST', '/v1/traces', ['EDIT', 'experiment:header.x-mlflow-experiment-id']],
  ['POST', '/api/2.0/otel/v1/traces', ['EDIT', 'experiment:header.x-mlflow-experiment-id']],
];

const router = new TrieRouter<Rule>();
const add = (prefix: string, rows: Row[]) => {
  for (const [method, path, access, after] of rows) router.add(method, prefix + path, { access, after });
};
for (const api of ['api', 'ajax-api']) {
  add(`/${api}/:v{[23]\\.0}/mlflow`, MLFLOW);
  add(`/${api}/:v{[23]\\.0}/mlflow-artifacts`, ARTIFACTS);
  add(`/${api}/:v{[23]\\.0}/glassbox`, GLASSBOX);
}
add('', TOP);

/** Paths that are API calls; anything else is the web UI (its HTML and assets need no credentials). */
const API_PATH = /^\/(api|ajax-api|v1)(\/|$)|^\/(version|metrics)$/;

export interface RouteMatch {
  rule: Rule;
  params: Record<string, string>;
}

/** The rule for a request: the first matching row, admin-only for unknown API paths, public for UI files. */
export function ruleFor(method: string, path: string): RouteMatch {
  const m = method === 'HEAD' ? 'GET' : method;
  const [first] = router.match(m, path)[0] ?? [];
  if (first) return { rule: first[0], params: first[1] as Record<string, string> };
  return { rule: { access: API_PATH.test(path) ? 'admin' : 'public' }, params: {} };
}

const RANK: Record<Permission, number> = { NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3 };

export function allows(has: Permission, need: Need): boolean {
  return RANK[has] >= RANK[need];
}
