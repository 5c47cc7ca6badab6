/**
 * Maps ids the recording's server assigned (experiment, run, assessment, logged-model ids) to the
 * ones the server under test assigns, and rewrites later requests and expected bodies with them.
 * Client-chosen values (trace and span ids, timestamps) are never touched.
 */

/** JSON keys whose values the server assigns. */
const ASSIGNED = new Set(['experiment_id', 'run_id', 'run_uuid', 'assessment_id', 'model_id']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class IdMap {
  /** Experiment ids are short numbers ("1"), so they are only rewritten where an experiment id belongs. */
  private readonly experiments = new Map<string, string>();
  /** 32-hex run ids, a-/m- ids: long enough to replace wherever they occur. */
  private readonly long = new Map<string, string>();

  /** Walks a recorded and an actual response side by side, remembering every assigned id that differs. */
  learn(recorded: unknown, actual: unknown): void {
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((r, i) => this.learn(r, actual[i]));
      return;
    }
    if (!isObject(recorded) || !isObject(actual)) return;
    for (const [k, r] of Object.entries(recorded)) {
      const a = actual[k];
      if (ASSIGNED.has(k) && typeof r === 'string' && typeof a === 'string' && r !== a) {
        if (k === 'experiment_id') this.experiments.set(r, a);
        else if (r.length >= 8) this.long.set(r, a);
      } else {
        this.learn(r, a);
      }
    }
  }

  experiment(id: string): string {
    return this.experiments.get(id) ?? id;
  }

  /** Long ids anywhere, and the experiment in `mlflow-artifacts:/<exp>/…` URIs. */
  mapString(s: string): string {
    let out = s;
    for (const [from, to] of this.long) out = out.replaceAll(from, to);
    return out.replace(/(mlflow-artifacts:\/+)(\d+)(?=\/|$)/g, (_, scheme: string, exp: string) => scheme + this.experiment(exp));
  }

  /** A proxy-relative artifact path: its first segment is the experiment id. */
  mapArtifactPath(p: string): string {
    const mapped = this.mapString(p);
    return mapped.replace(/^(\/?)(\d+)(?=\/|$)/, (_, slash: string, exp: string) => slash + this.experiment(exp));
  }

  mapJson(v: unknown, key?: string): unknown {
    if (typeof v === 'string') return key === 'experiment_id' ? this.experiment(v) : this.mapString(v);
    if (Array.isArray(v)) return v.map((x) => this.mapJson(x, key === 'experiment_ids' ? 'experiment_id' : undefined));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.mapJson(x, k);
    // The prompt registry's `_mlflow_experiment_ids` tag holds ",1,2," lists of experiment ids.
    if (out.key === '_mlflow_experiment_ids' && typeof out.value === 'string') {
      out.value = out.value.replace(/\d+/g, (id) => this.experiment(id));
    }
    return out;
  }

  /** Path and query of a recorded request, with ids mapped; untouched query values keep their exact encoding. */
  mapPath(pathAndQuery: string): string {
    const q = pathAndQuery.indexOf('?');
    let path = this.mapString(q === -1 ? pathAndQuery : pathAndQuery.slice(0, q));
    path = path.replace(/(\/mlflow-artifacts\/artifacts)(\/.*)$/, (_, prefix: string, rest: string) => prefix + this.mapArtifactPath(rest));
    if (q === -1) return path;
    const params = pathAndQuery
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq === -1) return pair;
        const name = decodeURIComponent(pair.slice(0, eq));
        const value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
        const mapped =
          name === 'experiment_id' || name === 'experiment_ids' ? this.experiment(value) : name === 'path' ? this.mapArtifactPath(value) : this.mapString(value);
        return mapped === value ? pair : `${pair.slice(0, eq)}=${encodeURIComponent(mapped)}`;
      });
    return `${path}?${params.join('&')}`;
  }
}
