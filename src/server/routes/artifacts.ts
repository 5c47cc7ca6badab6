import { type Context, Hono } from 'hono';
import { attachmentDisposition, guessSafeContentType } from '../../artifacts/content-type.js';
import { deleteArtifact, listFolder, openArtifact, writeArtifact } from '../../artifacts/local-repo.js';
import { normalizeArtifactPath, resolveInside, safeArtifactPath } from '../../artifacts/safe-path.js';
import { proxiedArtifactPath } from '../../artifacts/uri.js';
import { getRunArtifactUri } from '../../store/run-artifacts.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  GetRunArtifactRequest,
  ListProxyArtifactsRequest,
  type ListProxyArtifactsResponse,
  ListRunArtifactsRequest,
  type ListRunArtifactsResponse,
} from '../schemas/artifacts.js';
import { generateTracesJson, onTraceArtifactUploaded } from '../trace-artifacts.js';
import { readQuery } from '../validate.js';

/** `<exp>/traces/<trace_id>/artifacts/traces.json`: where artifact-mode clients put a trace's spans. */
function traceIdOfTracesJson(segments: string[]): string | undefined {
  const [, traces, traceId, artifacts, file] = segments;
  return segments.length === 5 && traces === 'traces' && artifacts === 'artifacts' && file === 'traces.json' ? traceId : undefined;
}

/** Download headers shared by every artifact download: never rendered inline, never sniffed. */
function downloadHeaders(name: string, contentType: string, size: number): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Length': String(size),
    'Content-Disposition': attachmentDisposition(name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
}

async function sendArtifact(c: Context, file: Awaited<ReturnType<typeof openArtifact>>, shownPath: string) {
  if (!file) throw MlflowError.notFound(`Artifact '${shownPath}' does not exist`);
  return c.body(file.stream, 200, downloadHeaders(shownPath, guessSafeContentType(shownPath), file.size));
}

/** The mlflow-artifacts proxy: PUT/GET/DELETE /artifacts/<path>, GET /artifacts?path= (list). */
export function artifactRoutes(deps: AppDeps) {
  const root = deps.config.artifactsDestination;
  const maxBytes = Math.floor(deps.config.maxArtifactMb * 1024 * 1024);
  return new Hono()
    .get('/artifacts', async (c) => {
      const { path = '' } = readQuery(c, ListProxyArtifactsRequest);
      const { abs } = await safeArtifactPath(root, path, true);
      const files = await listFolder(root, abs, '');
      return c.json((files?.length ? { files } : {}) satisfies ListProxyArtifactsResponse);
    })
    .put('/artifacts/:path{.+}', async (c) => {
      const { abs, segments } = await safeArtifactPath(root, c.req.param('path'));
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > maxBytes) throw MlflowError.tooLarge(`Artifact of ${declared} bytes exceeds the upload limit of ${deps.config.maxArtifactMb} MB`);
      const traceId = traceIdOfTracesJson(segments);
      const { bytes } = await writeArtifact(root, abs, c.req.raw.body, maxBytes, traceId !== undefined);
      if (traceId) await onTraceArtifactUploaded(deps, traceId, bytes!);
      return c.json({});
    })
    .get('/artifacts/:path{.+}', async (c) => {
      const { abs, segments } = await safeArtifactPath(root, c.req.param('path'));
      const traceId = traceIdOfTracesJson(segments);
      const shown = segments.join('/');
      const file = await openArtifact(abs);
      if (traceId && !file) {
        // Spans that arrived over OTLP have no stored traces.json; readers such as the TS SDK still ask for one.
        const bytes = await generateTracesJson(deps, traceId);
        if (!bytes) throw MlflowError.notFound(`Artifact '${shown}' does not exist`);
        return c.body(bytes as Uint8Array<ArrayBuffer>, 200, downloadHeaders('traces.json', 'application/json', bytes.byteLength));
      }
      return sendArtifact(c, file, shown);
    })
    .delete('/artifacts/:path{.+}', async (c) => {
      const { abs } = await safeArtifactPath(root, c.req.param('path'));
      await deleteArtifact(root, abs);
      return c.json({});
    })
    // Local storage has no multipart upload. The Python client (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD)
    // falls back to a plain PUT only on this exact message, as MLflow's server sends it.
    .post('/mpu/:op{create|complete|abort}/:path{.+}', () => {
      throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for the current artifact repository');
    });
}

/** A run's artifact root as a path under the proxy root; 404 for an unknown run. */
async function runArtifactRoot(deps: AppDeps, runId: string): Promise<{ uri: string; segments: string[] }> {
  const uri = await getRunArtifactUri(deps.store.db, runId);
  if (uri === undefined) throw MlflowError.notFound(`Run with id=${runId} not found`);
  const rel = proxiedArtifactPath(uri);
  if (rel === undefined) throw MlflowError.invalidParameter(`Run ${runId} stores artifacts at '${uri}', which this server does not serve`);
  return { uri, segments: normalizeArtifactPath(rel) };
}

/** UI helpers under /mlflow: /artifacts/list and /get-artifact, addressed by run id. */
export function artifactUiRoutes(deps: AppDeps) {
  const root = deps.config.artifactsDestination;
  return new Hono()
    .get('/artifacts/list', async (c) => {
      const q = readQuery(c, ListRunArtifactsRequest);
      const run = await runArtifactRoot(deps, (q.run_id || q.run_uuid)!);
      const inRun = normalizeArtifactPath(q.path ?? '');
      const abs = await resolveInside(root, [...run.segments, ...inRun]);
      // Paths here are relative to the run's root (unlike the proxy listing, which gives base names).
      const files = await listFolder(root, abs, inRun.join('/'));
      return c.json((files?.length ? { root_uri: run.uri, files } : { root_uri: run.uri }) satisfies ListRunArtifactsResponse);
    })
    .get('/get-artifact', async (c) => {
      const q = readQuery(c, GetRunArtifactRequest);
      const run = await runArtifactRoot(deps, (q.run_id || q.run_uuid)!);
      const inRun = normalizeArtifactPath(q.path);
      const abs = await resolveInside(root, [...run.segments, ...inRun]);
      return sendArtifact(c, await openArtifact(abs), inRun.join('/'));
    });
}
