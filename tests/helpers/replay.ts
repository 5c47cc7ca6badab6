import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareJson } from './replay-compare.js';
import { IdMap } from './replay-ids.js';

/**
 * Replays recorded MLflow wire exchanges (shared/fixtures/mlflow-wire/*.jsonl) against a server
 * under test, following the fixtures README's "Suggested replay": requests in seq order, server-
 * assigned ids mapped from responses into later requests, then status, error_code, content type
 * and JSON shape compared.
 */

/** The fixtures live beside the repository (`<repo>/../shared/fixtures`), locally and in CI. */
export const FIXTURES_DIR = process.env.GLASSBOX_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

type RecordedBody = string | { base64: string } | null;

export interface Exchange {
  seq: number;
  method: string;
  path: string;
  request_headers: Record<string, string>;
  request_body: RecordedBody;
  status: number;
  response_headers: Record<string, string>;
  response_body: RecordedBody;
}

export interface ReplayResult {
  seq: number;
  method: string;
  /** The path as sent, after id mapping. */
  path: string;
  status: number;
  /** Empty when the exchange matched. */
  problems: string[];
}

export interface ReplayOptions {
  /** Exchanges to send at all (default: every one). Include the exchanges that create what later ones use. */
  only?: (ex: Exchange) => boolean;
  /** Exchanges whose responses are compared (default: every one sent). */
  check?: (ex: Exchange) => boolean;
}

export function loadExchanges(file = 'python-client-3.11.jsonl'): Exchange[] {
  const text = readFileSync(`${FIXTURES_DIR}/mlflow-wire/${file}`, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Exchange)
    .sort((a, b) => a.seq - b.seq);
}

const bodyBytes = (b: RecordedBody): string | Uint8Array | undefined =>
  b === null ? undefined : typeof b === 'string' ? b : new Uint8Array(Buffer.from(b.base64, 'base64'));

const mediaType = (v: string | null | undefined) => (v ?? '').split(';')[0].trim().toLowerCase();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends each selected exchange in seq order to `server` and reports, per checked exchange, what differs. */
export async function replay(server: { url: string }, exchanges: Exchange[], options: ReplayOptions = {}): Promise<ReplayResult[]> {
  const ids = new IdMap();
  const results: ReplayResult[] = [];
  for (const ex of exchanges.filter(options.only ?? (() => true))) {
    const path = ids.mapPath(ex.path);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ex.request_headers)) headers[k] = k.toLowerCase() === 'x-mlflow-experiment-id' ? ids.experiment(v) : v;
    let body = bodyBytes(ex.request_body);
    if (typeof body === 'string' && mediaType(headers['content-type']) === 'application/json') {
      const parsed = parseJson(body);
      if (parsed !== undefined) body = JSON.stringify(ids.mapJson(parsed));
    }
    let status = 0;
    let text = '';
    let contentType: string | null = null;
    try {
      const res = await fetch(server.url + path, { method: ex.method, headers, body: body as BodyInit | undefined });
      status = res.status;
      contentType = res.headers.get('content-type');
      text = await res.text();
    } catch (err) {
      results.push({ seq: ex.seq, method: ex.method, path, status, problems: [`request failed: ${(err as Error).message}`] });
      continue;
    }
    const recorded = typeof ex.response_body === 'string' ? parseJson(ex.response_body) : undefined;
    const actual = parseJson(text);
    // Learn ids before comparing so the expected body is compared with this server's ids.
    if (recorded !== undefined && actual !== undefined && status === ex.status) ids.learn(recorded, actual);
    if (options.check && !options.check(ex)) continue;
    results.push({ seq: ex.seq, method: ex.method, path, status, problems: compareExchange(ex, ids, { status, contentType, text, recorded, actual }) });
  }
  return results;
}

interface Observed {
  status: number;
  contentType: string | null;
  text: string;
  recorded: unknown;
  actual: unknown;
}

function compareExchange(ex: Exchange, ids: IdMap, got: Observed): string[] {
  const problems: string[] = [];
  if (got.status !== ex.status) problems.push(`status ${got.status}, recorded ${ex.status}${got.text ? `: ${got.text.slice(0, 300)}` : ''}`);
  const wantType = mediaType(ex.response_headers['content-type']);
  if (wantType && mediaType(got.contentType) !== wantType) problems.push(`content-type '${got.contentType}', recorded '${ex.response_headers['content-type']}'`);
  if (problems.length) return problems;
  if (got.recorded === undefined) {
    // Non-JSON bodies: artifact downloads must round-trip byte for byte.
    if (ex.method === 'GET' && ex.path.includes('/mlflow-artifacts/artifacts/') && typeof ex.response_body === 'string' && got.text !== ex.response_body) {
      problems.push(`downloaded bytes differ: got ${JSON.stringify(got.text.slice(0, 100))}, recorded ${JSON.stringify(ex.response_body.slice(0, 100))}`);
    }
    return problems;
  }
  if (got.actual === undefined) return [`body is not JSON: ${got.text.slice(0, 200)}`];
  const expected = ids.mapJson(got.recorded) as Record<string, unknown>;
  if (ex.status !== 200 && typeof expected === 'object' && expected && 'error_code' in expected) {
    return compareError(expected, got.actual as Record<string, unknown>);
  }
  return compareJson(expected, got.actual);
}

/** Exact error_code; the message only has to name what the recorded one names (quoted values and ids). */
function compareError(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  if (actual?.error_code !== expected.error_code) return [`error_code ${JSON.stringify(actual?.error_code)}, recorded ${JSON.stringify(expected.error_code)}`];
  const message = String(actual.message ?? '');
  const named = [...String(expected.message ?? '').matchAll(/'([^']+)'|\b([0-9a-f]{32})\b/g)].map((m) => m[1] ?? m[2]);
  const missing = named.filter((n) => !message.includes(n));
  return missing.length ? [`error message ${JSON.stringify(message)} does not mention ${missing.map((m) => `'${m}'`).join(', ')}`] : [];
}

/** One line per mismatching exchange, for assertion messages and reports. */
export function describeMismatches(results: ReplayResult[]): string {
  return results
    .filter((r) => r.problems.length)
    .map((r) => `seq ${r.seq} ${r.method} ${r.path}\n  - ${r.problems.join('\n  - ')}`)
    .join('\n');
}
