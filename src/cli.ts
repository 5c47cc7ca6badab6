#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from './config.js';
import { evaluateCommand } from './cli/evaluate.js';
import { promptsCommand } from './cli/prompts.js';
import { retentionCommand } from './cli/retention.js';
import { usersCommand } from './cli/users.js';

const program = new Command()
  .name('glassbox')
  .description('Glassbox: self-hosted tracing and evaluation server for LLM apps (speaks MLflow REST and OTLP).');

program
  .command('server')
  .description("Run the tracking server (flags follow `mlflow server`; each also has a GLASSBOX_* env var)")
  .option('-h, --host <host>', 'interface to bind [GLASSBOX_HOST, default 127.0.0.1]')
  .option('-p, --port <port>', 'port to listen on [GLASSBOX_PORT, default 5000]')
  .option('--backend-store-uri <uri>', 'sqlite:///path.db or postgresql://user@host/db [GLASSBOX_BACKEND_STORE_URI, default sqlite:///glassbox-data/glassbox.db]')
  .option('--artifacts-destination <dir>', 'folder for proxied artifacts [GLASSBOX_ARTIFACTS_DESTINATION, default glassbox-data/artifacts]')
  .option('--max-body-mb <mb>', 'largest request body, after decompression [GLASSBOX_MAX_BODY_MB, default 64]')
  .option('--max-concurrent-requests <n>', 'API requests processed at once; others wait [GLASSBOX_MAX_CONCURRENT_REQUESTS, default 2 on SQLite, 16 on PostgreSQL]')
  .option('--max-queued-requests <n>', 'API requests allowed to wait; beyond, 503 + Retry-After [GLASSBOX_MAX_QUEUED_REQUESTS, default 1024]')
  .option('--max-artifact-mb <mb>', 'largest artifact upload [GLASSBOX_MAX_ARTIFACT_MB, default 2048]')
  .option('--no-serve-ui', 'do not serve the web UI [GLASSBOX_SERVE_UI=false]')
  .option('--auth', 'require Basic/Bearer credentials and per-experiment permissions [GLASSBOX_AUTH=true]; admin from GLASSBOX_ADMIN_USERNAME/PASSWORD')
  .option('--default-permission <perm>', 'permission where a user has no grant: READ, EDIT, MANAGE, NO_PERMISSIONS [GLASSBOX_DEFAULT_PERMISSION, default READ]')
  .option('--allowed-hosts <hosts>', 'comma-separated Host header values accepted, `*` for any [GLASSBOX_ALLOWED_HOSTS, default loopback + bound host]')
  .option('--cors-origins <origins>', 'comma-separated browser origins allowed to call the API [GLASSBOX_CORS_ORIGINS, default none]')
  .option('--metrics-access <who>', '/metrics with auth on: admin, authenticated or public [GLASSBOX_METRICS_ACCESS, default admin]')
  .option('--retention-max-age-days <days>', 'delete traces older than this [GLASSBOX_RETENTION_MAX_AGE_DAYS]')
  .option('--retention-max-traces <n>', 'keep at most this many traces per experiment [GLASSBOX_RETENTION_MAX_TRACES]')
  .option('--retention-interval-seconds <s>', 'retention sweep interval, 0 = off [GLASSBOX_RETENTION_INTERVAL_SECONDS, default 3600]')
  .option('--otlp-decode-threads <n>', 'threads decoding large OTLP requests, 0 = main thread [GLASSBOX_OTLP_DECODE_THREADS, default CPU cores - 1, at most 4]')
  .helpOption('--help', 'show help')
  .action(async (opts) => {
    const config = loadConfig({
      host: opts.host,
      port: opts.port,
      backendStoreUri: opts.backendStoreUri,
      artifactsDestination: opts.artifactsDestination,
      maxBodyMb: opts.maxBodyMb,
      maxArtifactMb: opts.maxArtifactMb,
      maxConcurrentRequests: opts.maxConcurrentRequests,
      maxQueuedRequests: opts.maxQueuedRequests,
      serveUi: opts.serveUi === false ? false : undefined,
      auth: opts.auth,
      defaultPermission: opts.defaultPermission,
      allowedHosts: opts.allowedHosts,
      corsOrigins: opts.corsOrigins,
      metricsAccess: opts.metricsAccess,
      retentionMaxAgeDays: opts.retentionMaxAgeDays,
      retentionMaxTraces: opts.retentionMaxTraces,
      retentionIntervalSeconds: opts.retentionIntervalSeconds,
      otlpDecodeThreads: opts.otlpDecodeThreads,
    });
    // Loaded here so that `glassbox users|prompts|…` start without pulling in the whole server.
    const { startServer } = await import('./main.js');
    const server = await startServer(config);
    console.log(`Glassbox listening on ${server.url} (store: ${server.store.dialect}, artifacts: ${config.artifactsDestination})`);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.addCommand(promptsCommand());
program.addCommand(usersCommand());
program.addCommand(retentionCommand());
program.addCommand(evaluateCommand());

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`glassbox: ${err.message}`);
  process.exit(1);
});
