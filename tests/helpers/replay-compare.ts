/**
 * Shape comparison of a recorded JSON response with the one the server under test gave, per the
 * fixtures README: same keys, same JSON types, enum names and identities equal, ordered lists in
 * order, key/value lists and maps as sets. A missing key is a mismatch; an extra key is fine.
 */

/** Keys whose values must match exactly (after id mapping): identities, names and states. */
const EXACT = new Set([
  'key', 'name', 'run_name', 'experiment_id', 'run_id', 'run_uuid', 'trace_id', 'span_id', 'parent_span_id', 'request_id',
  'path', 'is_dir', 'file_size', 'model_id', 'assessment_id', 'assessment_name', 'version', 'user_id', 'artifact_uri',
  'artifact_location', 'root_uri', 'lifecycle_stage', 'status', 'state', 'source_type', 'source_id', 'type', 'current_stage',
  'source', 'description', 'alias', 'aliases', 'digest', 'dataset_name', 'step',
]);

/** Tag keys whose values depend on sizes, prices or clocks: presence and type only. */
const VOLATILE_TAGS = new Set(['mlflow.trace.sizeBytes', 'mlflow.trace.sizeStats', 'mlflow.trace.cost', 'mlflow.llm.cost']);

const TIME_KEY = /(^|_)(time|timestamp|timestamp_ms|time_unix_nano)$|^(creation|last_update|last_updated|start|end|request|create)_time/;
const ENUM = /^[A-Z][A-Z0-9_]*$/;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Tag, param and latest-metric lists: objects with distinct `key`s. A metric history repeats its key and stays ordered. */
function isKeyValueList(v: unknown[]): boolean {
  const keys = v.map((x) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as { key?: unknown }).key : undefined));
  return keys.length > 0 && keys.every((k) => typeof k === 'string') && new Set(keys).size === keys.length;
}

export function compareJson(expected: unknown, actual: unknown, at = '$', key = '', parent?: Record<string, unknown>): string[] {
  const want = kind(expected);
  const got = kind(actual);
  // Span nanoseconds exceed 2^53: Glassbox sends them as decimal strings, which ParseDict accepts for int64.
  if (want === 'number' && got === 'string' && /unix_nano$/.test(key) && /^\d+$/.test(actual as string)) return [];
  if (want !== got) return [`${at}: ${got} ${JSON.stringify(actual)?.slice(0, 80)}, recorded ${want} ${JSON.stringify(expected)?.slice(0, 80)}`];
  if (want === 'array') return compareArrays(expected as unknown[], actual as unknown[], at);
  if (want === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return Object.keys(e).flatMap((k) => (k in a ? compareJson(e[k], a[k], `${at}.${k}`, k, e) : [`${at}.${k}: missing`]));
  }
  return compareScalar(expected, actual, at, key, parent);
}

function compareArrays(e: unknown[], a: unknown[], at: string): string[] {
  if (isKeyValueList(e)) {
    // Tag and param lists: order is arbitrary on the real server, so match entries by key.
    return e.flatMap((x) => {
      const k = (x as { key: string }).key;
      const match = a.find((y) => typeof y === 'object' && y !== null && (y as { key?: unknown }).key === k);
      return match === undefined ? [`${at}[key=${k}]: missing`] : compareJson(x, match, `${at}[key=${k}]`);
    });
  }
  const problems = e.length === a.length ? [] : [`${at}: ${a.length} items, recorded ${e.length}`];
  for (let i = 0; i < Math.min(e.length, a.length); i++) problems.push(...compareJson(e[i], a[i], `${at}[${i}]`));
  return problems;
}

function compareScalar(e: unknown, a: unknown, at: string, key: string, parent?: Record<string, unknown>): string[] {
  const mismatch = [`${at}: ${JSON.stringify(a)}, recorded ${JSON.stringify(e)}`];
  if (TIME_KEY.test(key)) {
    if (typeof e === 'number' && Number.isInteger(e) && !Number.isInteger(a)) return [`${at}: ${a} is not an integer`];
    if (typeof e === 'string' && /^\d{4}-\d\d-\d\dT/.test(e) && !/^\d{4}-\d\d-\d\dT/.test(a as string)) return [`${at}: ${a} is not an ISO time`];
    return [];
  }
  if (key === 'execution_duration') return /^\d+(\.\d+)?s$/.test(a as string) ? [] : [`${at}: ${a} is not a protobuf Duration`];
  if (key === 'value' && parent && typeof parent.key === 'string') return VOLATILE_TAGS.has(parent.key) || e === a ? [] : mismatch;
  if (EXACT.has(key) || (typeof e === 'string' && ENUM.test(e))) return e === a ? [] : mismatch;
  return [];
}
