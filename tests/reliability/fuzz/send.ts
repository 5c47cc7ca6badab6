import http from 'node:http';
import type { FuzzCase } from './values.js';

export interface FuzzResult {
  c: FuzzCase;
  status: number;
  text: string;
  ms: number;
  headers: http.IncomingHttpHeaders;
}

/** node:fetch resolves `..` in URLs before sending; raw paths must reach the server as written. */
const rawPath = (p: string) => p.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch));

/** Sends one case over a keep-alive socket exactly as written (no URL normalisation) and reads the whole answer. */
export function send(agent: http.Agent, base: URL, c: FuzzCase, timeoutMs = 20_000): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const body = c.body === undefined ? undefined : typeof c.body === 'string' ? Buffer.from(c.body, 'utf8') : Buffer.from(c.body);
    const t0 = performance.now();
    // Header values go out as their raw UTF-8 bytes (node refuses non-latin1 strings).
    const headers: Record<string, string | number> = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('latin1')]));
    if (body) headers['content-length'] = body.length;
    const req = http.request({ host: base.hostname, port: base.port, method: c.method, path: rawPath(c.path), agent, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ c, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0, headers: res.headers }));
      res.on('error', (err) => resolve({ c, status: -1, text: `response cut off after ${res.statusCode}: ${err}`, ms: performance.now() - t0, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${c.label}`)));
    req.on('error', (err) => resolve({ c, status: -1, text: String(err), ms: performance.now() - t0, headers: {} }));
    req.end(body);
  });
}

/** Sends every case with `concurrency` requests in flight and hands each answer to `check`. */
export async function sendAll(base: string, cases: FuzzCase[], concurrency: number, check: (r: FuzzResult) => void): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(base);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < cases.length) check(await send(agent, url, cases[next++]));
      }),
    );
  } finally {
    agent.destroy();
  }
}
