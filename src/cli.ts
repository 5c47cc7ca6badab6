#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from './config.js';
import { startServer } from './main.js';

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
  .option('--max-artifact-mb <mb>', 'largest artifact upload [GLASSBOX_MAX_ARTIFACT_MB, default 2048]')
  .option('--no-serve-ui', 'do not serve the web UI [GLASSBOX_SERVE_UI=false]')
  .helpOption('--help', 'show help')
  .action(async (opts) => {
    const config = loadConfig({
      host: opts.host,
      port: opts.port,
      backendStoreUri: opts.backendStoreUri,
      artifactsDestination: opts.artifactsDestination,
      maxBodyMb: opts.maxBodyMb,
      maxArtifactMb: opts.maxArtifactMb,
      serveUi: opts.serveUi === false ? false : undefined,
    });
    const server = await startServer(config);
    console.log(`Glassbox listening on ${server.url} (store: ${server.store.dialect}, artifacts: ${config.artifactsDestination})`);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`glassbox: ${err.message}`);
  process.exit(1);
});
