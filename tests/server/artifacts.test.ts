import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attachmentDisposition, guessSafeContentType } from '../../src/artifacts/content-type.js';
import { normalizeArtifactPath } from '../../src/artifacts/safe-path.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PROXY = '/api/2.0/mlflow-artifacts/artifacts';

describe('artifact path normalization', () => {
  test.for([
    ['1/run/artifacts/notes/summary.txt', ['1', 'run', 'artifacts', 'notes', 'summary.txt']],
    ['a//b/./c', ['a', 'b', 'c']],
    ['dir/100%.txt', ['dir', '100%.txt']],
    ['', []],
  ] as const)('%s is accepted as %j', ([raw, segments]) => {
    expect(normalizeArtifactPath(raw)).toEqual(segments);
  });

  test.for(['../x', 'a/../../x', '%2e%2e/x', '%252e%252e%252fx', '/etc/passwd', '%2fetc', 'C:/x', 'a\\..\\x', 'a%5cb', 'a\0b', 'a%00b', '.glassbox-uploads/x'])(
    '%j is refused as INVALID_PARAMETER_VALUE',
    (raw) => {
      expect(() => normalizeArtifactPath(raw)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    },
  );
});

describe('download content types', () => {
  test.for([
    ['notes/summary.txt', 'text/plain'],
    ['data/sample.csv', 'text/plain'],
    ['model/MLmodel', 'text/plain'],
    ['report.html', 'text/plain'],
    ['chart.SVG', 'text/plain'],
    ['plot.png', 'image/png'],
    ['weights.bin', 'application/octet-stream'],
  ] as const)('%s is served as %s so uploaded markup never runs in a browser', ([path, type]) => {
    expect(guessSafeContentType(path)).toBe(type);
  });

  test('non-ASCII file names get an RFC 5987 filename* next to an ASCII fallback', () => {
    expect(attachmentDisposition('d/résumé "v1".txt')).toBe(`attachment; filename="r_sum_ _v1_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v1%22.txt`);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the mlflow-artifacts proxy`, () => {
    let s: TestServer;
    let root: string;
    beforeAll(async () => {
      s = await startTestServer(dialect, { maxArtifactMb: 1 / 1024 }); // 1 KiB keeps the limit tests fast
      root = join(s.dir, 'artifacts');
    });
    afterAll(() => s?.close());
    const unique = () => `e${randomBytes(4).toString('hex')}`;
    const put = (path: string, body: string | Uint8Array) => s.api('PUT', `${PROXY}/${path}`, body, { 'content-type': 'text/plain' });

    test('an uploaded file downloads with its bytes as an attachment that browsers must not sniff', async () => {
      const dir = unique();
      expect(await put(`${dir}/notes/summary.txt`, 'loss went down\n')).toMatchObject({ status: 200, body: {} });
      const r = await s.api('GET', `${PROXY}/${dir}/notes/summary.txt`);
      expect(r.status).toBe(200);
      expect(r.text).toBe('loss went down\n');
      expect(r.headers.get('content-type')).toBe('text/plain');
      expect(r.headers.get('content-disposition')).toBe('attachment; filename=summary.txt');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    });

    test('an uploaded html page is served as text/plain, not text/html', async () => {
      const dir = unique();
      await put(`${dir}/x.html`, '<script>alert(1)</script>');
      expect((await s.api('GET', `${PROXY}/${dir}/x.html`)).headers.get('content-type')).toBe('text/plain');
    });

    test('a second upload to the same path replaces the first', async () => {
      const dir = unique();
      await put(`${dir}/a.txt`, 'one');
      await put(`${dir}/a.txt`, 'two');
      expect((await s.api('GET', `${PROXY}/${dir}/a.txt`)).text).toBe('two');
    });

    test('uploading onto a folder, or under a file, is 400 rather than a server error', async () => {
      const dir = unique();
      await put(`${dir}/folder/inside.txt`, 'x');
      await put(`${dir}/file.txt`, 'x');
      for (const path of [`${dir}/folder`, `${dir}/file.txt/child.txt`]) {
        const r = await put(path, 'y');
        expect(r.status, path).toBe(400);
        expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });

    test('multipart upload is 501 NOT_IMPLEMENTED with the message the Python client falls back on', async () => {
      for (const op of ['create', 'complete', 'abort']) {
        const r = await s.api('POST', `/api/2.0/mlflow-artifacts/mpu/${op}/${unique()}/big.bin`, { path: '/tmp/big.bin', num_parts: 2 });
        expect(r.status, op).toBe(501);
        expect(r.body).toEqual({ error_code: 'NOT_IMPLEMENTED', message: 'Multipart upload is not supported for the current artifact repository' });
      }
    });

    test('downloading a missing artifact is a JSON 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const r = await s.api('GET', `${PROXY}/${unique()}/missing.txt`);
      expect(r.status).toBe(404);
      expect(r.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    test('listing a folder gives sorted base names, with file_size only for files', async () => {
      const dir = unique();
      await put(`${dir}/run/b.txt`, '12345');
      await put(`${dir}/run/a/deep.txt`, 'x');
      const r = await s.api('GET', `${PROXY}?path=${encodeURIComponent(`${dir}/run`)}`);
      expect(r.body).toEqual({ files: [{ path: 'a', is_dir: true }, { path: 'b.txt', is_dir: false, file_size: 5 }] });
    });

    test('listing a file or a missing folder answers {} so the client can tell files from folders', async () => {
      const dir = unique();
      await put(`${dir}/f.txt`, 'x');
      expect((await s.api('GET', `${PROXY}?path=${dir}/f.txt`)).body).toEqual({});
      expect((await s.api('GET', `${PROXY}?path=${dir}/nothing`)).body).toEqual({});
    });

    test('deleting a folder removes everything under it', async () => {
      const dir = unique();
      await put(`${dir}/m/a.txt`, 'x');
      await put(`${dir}/m/sub/b.txt`, 'y');
      expect((await s.api('DELETE', `${PROXY}/${dir}/m`)).body).toEqual({});
      expect((await s.api('GET', `${PROXY}/${dir}/m/sub/b.txt`)).status).toBe(404);
      expect((await s.api('GET', `${PROXY}?path=${dir}`)).body).toEqual({});
    });

    test('an upload over the limit is 413 when Content-Length says so, and nothing is stored', async () => {
      const dir = unique();
      const r = await put(`${dir}/big.bin`, new Uint8Array(2048));
      expect(r.status).toBe(413);
      expect(existsSync(join(root, dir, 'big.bin'))).toBe(false);
    });

    test('a streamed upload that grows past the limit is 413 and leaves no partial or temp file', async () => {
      const dir = unique();
      const body = new ReadableStream({
        start(ctl) {
          for (let i = 0; i < 4; i++) ctl.enqueue(new Uint8Array(512));
          ctl.close();
        },
      });
      const res = await fetch(`${s.url}${PROXY}/${dir}/big.bin`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(existsSync(join(root, dir, 'big.bin'))).toBe(false);
      expect(readdirSync(join(root, '.glassbox-uploads'))).toEqual([]);
    });

    test('a half-written upload is invisible to downloads and listings until it completes', async () => {
      const dir = unique();
      let finish!: () => void;
      const body = new ReadableStream({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode('first half,'));
          finish = () => {
            ctl.enqueue(new TextEncoder().encode('second half'));
            ctl.close();
          };
        },
      });
      const upload = fetch(`${s.url}${PROXY}/${dir}/slow.txt`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
      await new Promise((ok) => setTimeout(ok, 100));
      expect((await s.api('GET', `${PROXY}/${dir}/slow.txt`)).status).toBe(404);
      expect((await s.api('GET', `${PROXY}?path=`)).body.files.map((f: { path: string }) => f.path)).not.toContain('.glassbox-uploads');
      finish();
      expect((await upload).status).toBe(200);
      expect((await s.api('GET', `${PROXY}/${dir}/slow.txt`)).text).toBe('first half,second half');
    });

    test('racing uploads (traces.json too), downloads and folder deletes: every upload lands, every download is whole or 404', async () => {
      const dir = unique();
      const versions = Array.from({ length: 4 }, (_, i) => String(i).repeat(200 + i * 150));
      const problems: string[] = [];
      const ops = Array.from({ length: 600 }, (_, i) => async () => {
        const path = `${dir}/sub${i % 3}/f.txt`;
        const kind = i % 5;
        if (kind === 0) {
          const r = await put(path, versions[i % versions.length]);
          if (r.status !== 200) problems.push(`PUT ${r.status} ${r.text}`);
        } else if (kind === 4) {
          // traces.json is parsed after it is stored: that must not depend on the file still being there.
          const r = await put(`${dir}/traces/tr-${'0'.repeat(32)}/artifacts/traces.json`, '{"spans": []}');
          if (r.status !== 200) problems.push(`PUT traces.json ${r.status} ${r.text}`);
        } else if (kind === 1) {
          const r = await s.api('DELETE', `${PROXY}/${dir}`);
          if (r.status !== 200) problems.push(`DELETE ${r.status} ${r.text}`);
        } else {
          const r = await s.api('GET', `${PROXY}/${path}`).catch((e: Error) => ({ status: -1, text: String(e) }));
          if (r.status === 404) return;
          if (r.status !== 200 || !versions.includes(r.text)) problems.push(`GET ${r.status} ${r.text.length} bytes`);
        }
      });
      let next = 0;
      await Promise.all(Array.from({ length: 12 }, async () => { while (next < ops.length) await ops[next++](); }));
      expect(problems).toEqual([]);
    });

    test.for([
      'a/..%2f..%2f..%2fescape.txt',
      '%2e%2e%2fescape.txt',
      '%252e%252e%252fescape.txt',
      'a%5c..%5c..%5cescape.txt',
      'a%00.txt',
      '%2fetc%2fescape.txt',
    ])('uploading to %s is refused with 400 INVALID_PARAMETER_VALUE', async (path) => {
      const r = await s.api('PUT', `${PROXY}/${path}`, 'x', { 'content-type': 'text/plain' });
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(existsSync(join(s.dir, 'escape.txt'))).toBe(false);
    });

    test('a path that normalizes to the root itself can neither be deleted nor written', async () => {
      await put(`${unique()}/keep.txt`, 'x');
      for (const method of ['DELETE', 'PUT']) {
        const r = await s.api(method, `${PROXY}/.%2f`, method === 'PUT' ? 'x' : undefined);
        expect(r.status, method).toBe(400);
        expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
      expect((await s.api('GET', `${PROXY}?path=`)).body.files.length).toBeGreaterThan(0);
    });

    test.for(['..', '../..', '/etc', 'a/%2e%2e/%2e%2e'])('listing ?path=%s is refused with 400', async (path) => {
      const r = await s.api('GET', `${PROXY}?path=${encodeURIComponent(path)}`);
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    test('a symlink that leads out of the root is refused for reads, writes and listings', async () => {
      const outside = join(s.dir, `outside-${unique()}`);
      mkdirSync(outside);
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      mkdirSync(root, { recursive: true });
      const link = unique();
      symlinkSync(outside, join(root, link));
      for (const r of [
        await s.api('GET', `${PROXY}/${link}/secret.txt`),
        await s.api('PUT', `${PROXY}/${link}/planted.txt`, 'x', { 'content-type': 'text/plain' }),
        await s.api('GET', `${PROXY}?path=${link}`),
        await s.api('DELETE', `${PROXY}/${link}/secret.txt`),
      ]) {
        expect(r.status).toBe(400);
        expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
      expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
      expect(existsSync(join(outside, 'secret.txt'))).toBe(true);
      const listed = (await s.api('GET', `${PROXY}?path=`)).body.files.map((f: { path: string }) => f.path);
      expect(listed).not.toContain(link);
    });

    test('a missing traces.json with no stored spans is 404', async () => {
      const r = await s.api('GET', `${PROXY}/0/traces/tr-${randomBytes(16).toString('hex')}/artifacts/traces.json`);
      expect(r.status).toBe(404);
      expect(r.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe(`${dialect}: run artifact helpers under /mlflow`, () => {
    let s: TestServer;
    let runId: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      runId = randomBytes(16).toString('hex');
      await s.store.db
        .insertInto('runs')
        .values({
          run_uuid: runId, name: 'r', experiment_id: 0, user_id: 'u', status: 'RUNNING', start_time: Date.now(), end_time: null,
          artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts`, lifecycle_stage: 'active', deleted_time: null,
        })
        .execute();
      await s.api('PUT', `${PROXY}/0/${runId}/artifacts/data/sample.csv`, 'x,y\n1,2\n', { 'content-type': 'text/plain' });
      await s.api('PUT', `${PROXY}/0/${runId}/artifacts/notes.txt`, 'hi', { 'content-type': 'text/plain' });
    });
    afterAll(() => s?.close());

    test('artifacts/list gives paths relative to the run root, with the run artifact_uri as root_uri', async () => {
      const top = await s.api('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`);
      expect(top.body).toEqual({
        root_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
        files: [{ path: 'data', is_dir: true }, { path: 'notes.txt', is_dir: false, file_size: 2 }],
      });
      const sub = await s.api('GET', `/ajax-api/2.0/mlflow/artifacts/list?run_uuid=${runId}&path=data`);
      expect(sub.body.files).toEqual([{ path: 'data/sample.csv', is_dir: false, file_size: 8 }]);
    });

    test('get-artifact downloads a file of the run', async () => {
      const r = await s.api('GET', `/ajax-api/2.0/mlflow/get-artifact?run_id=${runId}&path=data/sample.csv`);
      expect(r.status).toBe(200);
      expect(r.text).toBe('x,y\n1,2\n');
      expect(r.headers.get('content-disposition')).toBe('attachment; filename=sample.csv');
    });

    test('an unknown run is 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const r = await s.api('GET', `/api/2.0/mlflow/artifacts/list?run_id=${'0'.repeat(32)}`);
      expect(r.status).toBe(404);
      expect(r.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    test('a path that climbs out of the run root is refused with 400', async () => {
      const r = await s.api('GET', `/api/2.0/mlflow/get-artifact?run_id=${runId}&path=../../x`);
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });
}
