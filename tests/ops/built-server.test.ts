import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { encodeJson, encodeProtobuf, makeSdkSpans } from '../otlp/builders.js';

/**
 * `npm start` runs the compiled server (dist/), not the TypeScript sources the other tests load
 * through tsx. This compiles it and checks what only the build can break: the CLI starts, and large
 * OTLP requests go through the decode threads, which load dist/…/decode-worker.js.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glassbox-built-'));
let child: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
  child = spawn(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'server', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir, 'db.sqlite')}`, '--artifacts-destination', join(dir, 'artifacts'), '--otlp-decode-threads', '1'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the built server did not start: ${log}`)), 20_000);
    const read = (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child!.stdout!.on('data', read);
    child!.stderr!.on('data', read);
    child!.once('exit', (code) => reject(new Error(`the built server exited with ${code}: ${log}`)));
  });
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('the compiled server stores large OTLP requests (decoded on its worker thread) in protobuf and JSON', async () => {
  expect((await fetch(`${url}/health`)).status).toBe(200);
  for (const [type, encode] of [['application/x-protobuf', encodeProtobuf], ['application/json', encodeJson]] as const) {
    const spans = makeSdkSpans({ name: 'agent', attributes: { 'input.value': 'q'.repeat(300) }, children: Array.from({ length: 40 }, (_, i) => ({ name: `chat ${i}`, attributes: { 'gen_ai.input.messages': 'm'.repeat(1000) } })) });
    const body = Buffer.from(encode(spans));
    expect(body.length).toBeGreaterThan(16 * 1024);
    expect((await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body })).status).toBe(200);
    const got = (await (await fetch(`${url}/api/3.0/mlflow/traces/get?trace_id=tr-${spans[0].spanContext().traceId}`)).json()) as { trace: { spans: { name: string }[] } };
    expect(got.trace.spans).toHaveLength(41);
    expect(got.trace.spans.map((s) => s.name)).toContain('agent');
  }
});
