import { loadArtifact, newestArtifactDir } from '../model/artifact/artifact.js';
import { GitopsMlError } from '../model/errors.js';
import { buildApp } from './app.js';
import type { ModelHolder } from './app.js';
import { loadConfig } from './config.js';
import { ServiceMetrics } from './metrics.js';

/** `npm start`: validate the config, listen at once (readyz says 503 until the model is in), load the model, stop cleanly on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const holder: ModelHolder = {};
  const metrics = new ServiceMetrics();
  const app = buildApp(config, holder, metrics);
  const dir = config.modelDir ?? newestArtifactDir(config.artifactsRoot);
  if (!dir) throw new GitopsMlError('E_NO_MODEL', `no model to serve: set MODEL_DIR or train one into ${config.artifactsRoot} (npm run pipeline)`);
  await app.listen({ port: config.port, host: config.host });
  const started = performance.now();
  holder.model = await loadArtifact(dir);
  metrics.setModel(holder.model.name, holder.model.version, (performance.now() - started) / 1000);
  app.log.info({ model: holder.model.name, version: holder.model.version, dir, load_ms: Math.round(performance.now() - started) }, 'model loaded');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`gitops-ml service: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
