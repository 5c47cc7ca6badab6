import type { FuzzTargets } from './mlflow-bodies.js';
import type { Rng } from './rng.js';
import { damageText, weirdValue, type FuzzCase } from './values.js';

const A2 = '/api/2.0/mlflow';
/** encodeURIComponent that survives lone surrogates (sent as U+FFFD, as URLSearchParams does). */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i: number) => (/[\ud800-\udbff]/.test(c) && /[\udc00-\udfff]/.test(s[i + 1] ?? '')) || (/[\udc00-\udfff]/.test(c) && /[\ud800-\udbff]/.test(s[i - 1] ?? '')) ? c : '\ufffd'));
const A3 = '/api/3.0/mlflow';

const TOKENS = [
  'metrics.loss', 'metric.x', 'params.lr', 'param.`a b`', 'tags.`mlflow.runName`', 'tag."x"', 'attributes.status', 'attribute.run_id', 'run_name', 'attributes.start_time',
  'created', 'datasets.name', 'name', 'creation_time', 'last_update_time', 'tags.k', 'timestamp_ms', 'execution_time', 'status', 'request_id', 'trace.name', 'run_id',
  'span.name', 'span.type', 'span.attributes.`gen_ai.request.model`', 'span.content', 'feedback.quality', 'expectation.answer', 'issue.id', 'metadata.`mlflow.user`',
  'request_metadata.x', 'prompt', 'text', 'is_prompt', 'version_number', 'source_path', 'run_id', 'model_id', 'bogus.key', 'metrics', '`', '"', "'",
  '=', '!=', '<>', '>', '>=', '<', '<=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL', 'AND', 'OR', 'NOT', '(', ')', ',',
  "'x'", "'%'", "'_'", '"y"', "('a','b')", '()', "('a',", '1', '-1', '1.5e3', '1e999', 'NaN', "'\\'", "'it''s'", "'名前'", "'🙂'", "'[a-'", "'(?:'", "'.*'",
  '0', '99999999999999999999999', 'NULL', 'TRUE', ';', '--', '/*', '*/', '\u0000', '\n', '%', '\\',
];
const VALID_FILTERS = [
  "metrics.loss < 1 AND params.lr = '0.1'", "tags.`mlflow.runName` LIKE 'r%'", "attributes.run_id IN ('a', 'b')", "attributes.status = 'FINISHED'", 'attributes.start_time > 0',
  "datasets.name = 'd'", "name LIKE 'fuzz%'", "tags.k IS NULL", "creation_time > 0", "status = 'OK'", "timestamp_ms > 0 AND execution_time < 1000", "span.name = 'x'",
  "span.attributes.`gen_ai.request.model` = 'gpt'", "span.content ILIKE '%refund%'", "feedback.quality = 'yes'", "trace.name = 'f'", "metadata.`mlflow.user` = 'fuzz'",
  "name RLIKE '^a.*'", "tags.`mlflow.prompt.is_prompt` = 'true'", "name = 'p' AND version_number = 1", "run_id = 'abc'",
];

/** A filter string: random tokens from the grammar's vocabulary, or a valid filter with damage. */
export function filterString(rng: Rng): string {
  if (rng.chance(0.4)) return damageText(rng, rng.pick(VALID_FILTERS));
  if (rng.chance(0.1)) return rng.pick(['', ' ', 'AND', '(((((((((((((((((((((((((((((((', `${'a = 1 AND '.repeat(2000)}a = 1`, 'x'.repeat(20_000), "metrics.x > 1 OR metrics.y < 2"]);
  return Array.from({ length: rng.int(1, 9) }, () => rng.pick(TOKENS)).join(rng.pick([' ', ' ', '', '  ']));
}

const ORDER_BYS = ['name ASC', 'metrics.loss DESC', 'attributes.start_time', 'timestamp_ms DESC', 'bogus', 'name ASCENDING', '`', 'metrics.`a b` DESC', '', 'creation_time', 'DESC', 'params.x ASC, tags.y'];

/** Filter-string cases for every search endpoint (POST bodies and GET query strings). */
export function filterCases(rng: Rng, t: FuzzTargets, perEndpoint: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const json = { 'content-type': 'application/json' };
  const post = (path: string, extra: Record<string, unknown>) => ({ label: `${path} filter`, method: 'POST', path, headers: json, body: JSON.stringify(extra) });
  const q = (path: string, params: Record<string, string>) => ({ label: `${path} filter`, method: 'GET', path: `${path}?${new URLSearchParams(params)}` });
  for (let i = 0; i < perEndpoint; i++) {
    const f = filterString(rng);
    const ob = rng.pick(ORDER_BYS);
    cases.push(post(`${A2}/runs/search`, { experiment_ids: [t.expId], filter: f, order_by: [ob] }));
    cases.push(post(`${A2}/experiments/search`, { filter: f, order_by: [ob], view_type: 'ALL' }));
    cases.push(post(`${A3}/traces/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.expId } }], filter: f, order_by: [ob] }));
    cases.push(q(`${A2}/registered-models/search`, { filter: f, order_by: ob }));
    cases.push(q(`${A2}/model-versions/search`, { filter: f, order_by: ob }));
    cases.push(post(`${A2}/logged-models/search`, { experiment_ids: [t.expId], filter: f }));
  }
  return cases;
}

/** GET endpoints with their parameters; values are drawn from valid ids and weird values. */
export function queryCases(rng: Rng, t: FuzzTargets, perEndpoint: number): FuzzCase[] {
  const eps: [string, string[]][] = [
    [`${A2}/experiments/get-by-name`, ['experiment_name']],
    [`${A2}/experiments/get`, ['experiment_id']],
    [`${A2}/experiments/search`, ['max_results', 'filter', 'order_by', 'view_type', 'page_token']],
    [`${A2}/runs/get`, ['run_id', 'run_uuid']],
    [`${A2}/metrics/get-history`, ['run_id', 'run_uuid', 'metric_key', 'max_results', 'page_token']],
    [`${A2}/metrics/get-history-bulk-interval`, ['run_ids', 'metric_key', 'start_step', 'end_step', 'max_results']],
    [`${A3}/traces/get`, ['trace_id', 'allow_partial']],
    [`${A3}/traces/batchGet`, ['trace_ids']],
    [`${A2}/registered-models/get`, ['name']],
    [`${A2}/registered-models/search`, ['filter', 'max_results', 'order_by', 'page_token']],
    [`${A2}/registered-models/alias`, ['name', 'alias']],
    [`${A2}/model-versions/get`, ['name', 'version']],
    [`${A2}/model-versions/search`, ['filter', 'max_results', 'order_by', 'page_token']],
    [`${A2}/model-versions/get-download-uri`, ['name', 'version']],
    [`${A2}/artifacts/list`, ['run_id', 'run_uuid', 'path', 'page_token']],
    [`${A2}/get-artifact`, ['run_id', 'path']],
    ['/api/2.0/mlflow-artifacts/artifacts', ['path']],
    ['/api/2.0/glassbox/evaluations', ['experiment_id', 'max_results']],
    ['/api/2.0/glassbox/monitoring', ['experiment_id', 'experiment_ids', 'start_time', 'end_time', 'bucket', 'filter']],
  ];
  const valid: Record<string, string> = {
    experiment_name: 'fuzz-base', experiment_id: t.expId, run_id: t.runId, run_uuid: t.runId, run_ids: t.runId, metric_key: 'loss', trace_id: t.traceId, trace_ids: t.traceId,
    name: t.modelName, alias: 'latest', version: '1', allow_partial: 'True', view_type: 'ALL', max_results: '10', path: 'a', filter: '', order_by: 'name', page_token: '',
  };
  const weird = () => {
    const v = weirdValue(rng);
    return typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined';
  };
  const cases: FuzzCase[] = [];
  for (const [path, params] of eps) {
    for (let i = 0; i < perEndpoint; i++) {
      const sp = new URLSearchParams();
      for (const p of params) {
        const r = rng.next();
        if (r < 0.2) continue;
        const n = rng.chance(0.1) ? 3 : 1;
        for (let k = 0; k < n; k++) sp.append(rng.chance(0.05) ? p.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) : p, r < 0.55 ? (valid[p] ?? weird()) : weird());
      }
      let qs = sp.toString();
      if (rng.chance(0.08)) qs = rng.pick(['%', '%zz', '&&&', '=', 'a=%E0%A4%A', '%00=1', `${qs}&${qs}`, 'x'.repeat(10_000)]);
      cases.push({ label: `${path} query`, method: 'GET', path: `${path}?${qs}` });
    }
  }
  // Path parameters of the id-shaped routes.
  for (let i = 0; i < perEndpoint; i++) {
    const id = enc(String(weird()).slice(0, 300) || 'x');
    cases.push({ label: 'traces/:id', method: 'GET', path: `${A3}/traces/${id}` });
    cases.push({ label: 'logged-models/:id', method: 'GET', path: `${A2}/logged-models/${id}` });
    cases.push({ label: 'evaluations/:id', method: 'GET', path: `/api/2.0/glassbox/evaluations/${id}` });
  }
  return cases;
}

const TRAVERSAL = [
  '..', '../', '../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', '%252e%252e%252fetc', '%25252e%25252e/x', '....//....//x', '..\\..\\windows',
  '%5c..%5c..', '/etc/passwd', '%2fetc%2fpasswd', 'C:/Windows', 'c:%5cwindows', 'a/%00/b', 'a%00.txt', '.glassbox-uploads/x', './.glassbox-uploads/x', 'a/./b/../../..',
  '%c0%ae%c0%ae/x', '..%c0%af..%c0%afetc', '%uff0e%uff0e/x', '．．/x', 'a//b', './', '.', '%2e', '~/x', 'a/' + 'b'.repeat(300), 'x/'.repeat(200) + 'f', '名前/ファイル.txt',
  '🙂.json', 'a b/c d.txt', 'a%20b', '100%.txt', 'a%ZZb', 'trailing/', '1/traces/tr-x/artifacts/traces.json', '1/traces/../traces/tr-x/artifacts/traces.json',
];

/** Artifact paths with traversal variants through PUT, GET, DELETE, list and the UI helpers. */
export function artifactCases(rng: Rng, t: FuzzTargets, generated: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const base = '/api/2.0/mlflow-artifacts/artifacts';
  const add = (p: string) => {
    // Keep the raw path: fetch normalises dot segments of the URL, so encode slashes' neighbours only where needed.
    const raw = p.startsWith('/') ? p : `/${p}`;
    cases.push({ label: 'artifact PUT', method: 'PUT', path: `${base}${raw}`, headers: { 'content-type': 'application/octet-stream' }, body: 'fuzz' });
    cases.push({ label: 'artifact GET', method: 'GET', path: `${base}${raw}` });
    cases.push({ label: 'artifact DELETE', method: 'DELETE', path: `${base}${raw}` });
    cases.push({ label: 'artifact list', method: 'GET', path: `${base}?path=${enc(p)}` });
    cases.push({ label: 'run artifact list', method: 'GET', path: `${A2}/artifacts/list?run_id=${t.runId}&path=${enc(p)}` });
    cases.push({ label: 'get-artifact', method: 'GET', path: `${A2}/get-artifact?run_id=${t.runId}&path=${enc(p)}` });
  };
  for (const p of TRAVERSAL) add(p);
  const pieces = ['..', '.', '%2e%2e', '%252e', 'a', 'b.txt', '', '%2f', '%5c', '\\', '%00', 'traces', t.expId, '名', '%', 'CON', 'aux.txt'];
  for (let i = 0; i < generated; i++) add(Array.from({ length: rng.int(1, 6) }, () => rng.pick(pieces)).join(rng.pick(['/', '/', '//', '%2f'])));
  return cases;
}
