import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench crash`: the kill -9 durability check of tests/reliability/crash.test.ts, longer and
 * repeated: CRASH_ROUNDS rounds (default 5) of CRASH_INGEST_MS of sustained ingest (default 15 s)
 * before SIGKILL, each on a fresh database. Prints what each round had acknowledged and whether all
 * of it was found after the restart; exits 1 if any round lost anything.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.CRASH_ROUNDS ?? 5);
const ingestMs = process.env.CRASH_INGEST_MS ?? '15000';
let failed = 0;
for (let i = 1; i <= rounds; i++) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'tests/reliability/crash.test.ts', '--reporter=dot'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CRASH_INGEST_MS: ingestMs },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const acked = /\[crash\] acknowledged before kill -9: (.*)/.exec(out)?.[1] ?? '(no figures)';
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`round ${i}/${rounds}: ${ingestMs} ms of ingest, then kill -9; acknowledged ${acked}; after restart: ${ok ? 'all present, integrity_check ok, span counts consistent' : 'FAILED'}`);
  if (!ok) console.log(out.split('\n').filter((l) => /Error|expected|FAIL/.test(l)).slice(0, 10).join('\n'));
}
console.log(`${rounds - failed}/${rounds} rounds lost nothing`);
if (failed) process.exitCode = 1;
