import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnServer, START_NODE_FLAGS, type SpawnedServer } from '../helpers/spawn-server.js';
import { encodeJson, encodeProtobuf, makeSdkSpans } from '../otlp/builders.js';

/**
 * `npm start` runs the compiled server (dist/), not the TypeScript sources the other tests load
 * through tsx. This compiles it and checks what only the build can break: the CLI starts, and large
 * OTLP requests go through the decode threads, which load dist/…/decode-worker.js.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glassbox-built-'));
let server: SpawnedServer | undefined;

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
  server = await spawnServer({ built: true, storeUri: `sqlite:///${join(dir, 'db.sqlite')}`, artifactsDir: join(dir, 'artifacts'), args: ['--otlp-decode-threads', '1'] });
}, 60_000);

afterAll(async () => {
  await server?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

test('the compiled server stores large OTLP requests (decoded on its worker thread) in protobuf and JSON', async () => {
  const url = server!.url;
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

test('npm start passes the Node flags the benchmarks and spawned test servers run with', () => {
  const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  expect(start).toBe(`node ${START_NODE_FLAGS.join(' ')} dist/src/cli.js server`);
});
