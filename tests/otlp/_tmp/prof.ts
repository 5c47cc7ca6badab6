import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createStore } from '../../../src/store/db.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { decodeProtobufRequest } from '../../../src/server/otlp/decode-protobuf.js';
import { normalizeRequest } from '../../../src/server/otlp/normalize.js';
import { ingestSpans } from '../../../src/store/ingest.js';
const body = readFileSync('/tmp/template.pb');
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const store = createStore(`sqlite:///${dir}/x.db`);
await migrateToLatest(store.db); for (const ix of (process.env.DROPIX ?? '').split(',').filter(Boolean)) store.sqlite!.exec('DROP INDEX ' + ix);
let pending: Promise<unknown>[] = [];
let dec = 0, norm = 0, ing = 0;
for (let i = 0; i < 300; i++) {
  const b = Buffer.from(body);
  b.writeUInt32BE(i + 1, 9999999 > 0 ? offsets()[0] : 0);
  for (const at of offsets()) b.writeUInt32BE(i + 1, at);
  let t = cpu();
  const r = decodeProtobufRequest(b);
  dec += cpu() - t; t = cpu();
  const n = normalizeRequest(r);
  norm += cpu() - t; t = cpu();
  pending.push(ingestSpans(store, 0, n.groups[0].spans));
  if (pending.length === 4) { await Promise.all(pending); pending = []; }
  ing += cpu() - t;
}


console.log({ dec: dec / 300, norm: norm / 300, ing: ing / 300 });
function offsets(): number[] { return JSON.parse(readFileSync('/tmp/template.offsets', 'utf8')); }

function cpu() { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
const io = (await import("node:fs")).readFileSync("/proc/self/io", "utf8"); //('node:fs').readFileSync('/proc/self/io', 'utf8');
console.log(io);
console.log(store.sqlite!.prepare('select count(*) n from trace_metadata').get(), store.sqlite!.prepare('select count(*) n from spans').get(), store.sqlite!.pragma('page_count'), store.sqlite!.pragma('page_size'));
console.log(store.sqlite!.prepare('select count(*) n, count(distinct trace_id) t from trace_info').get());
console.log(store.sqlite!.prepare('select key, count(*) n, avg(length(value)) l from trace_metadata group by key').all());
console.log(store.sqlite!.prepare('select count(*) n, avg(length(payload)) l from span_payloads').get());
console.log(store.sqlite!.prepare('select * from spans limit 3').all());
