import { buildApp } from './app.js';
import type { ModelHolder } from './app.js';
import { loadConfig } from './config.js';
import { InferencePool } from './inference-pool.js';
import { ServiceMetrics } from './metrics.js';
import { ModelLoader, ReloadError, resolveModelDir } from './reload.js';

/**
 * `npm start`: validate the config, listen at once (readyz says 503 until the model is
 * in), load the model; SIGHUP hot-reloads it, SIGTERM/SIGINT stop cleanly (no new
 * connections, in-flight requests finish, then exit 0).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const holder: ModelHolder = {};
  const metrics = new ServiceMetrics();
  // Fail before listening when there is nothing to serve at all.
  resolveModelDir(config);
  // The pool starts before the app exists; its events reach the app's logger once there is one.
  const events: { log?: (event: string, detail: Record<string, unknown>) => void } = {};
  const pool = config.inferenceThreads > 0 ? new InferencePool(config.inferenceThreads, undefined, (event, detail) => events.log?.(event, detail)) : undefined;
  const loader = new ModelLoader(holder, metrics, () => resolveModelDir(config), undefined, pool);
  const app = buildApp(config, holder, metrics, { loader, ...(pool ? { pool } : {}) });
  events.log = (event, detail) => app.log.warn(detail, event);
  app.addHook('onClose', async () => pool?.close());
  await app.listen({ port: config.port, host: config.host });
  const first = await loader.reload();
  app.log.info({ model: first.current.name, version: first.current.version, dir: first.dir, load_ms: Math.round(first.loadSeconds * 1000), inference_threads: config.inferenceThreads }, 'model loaded');

  process.on('SIGHUP', () => {
    app.log.info('SIGHUP: reloading the model');
    loader.reload().then(
      (out) => app.log.info({ model: out.current, previous: out.previous, dir: out.dir }, 'model reloaded'),
      (err: unknown) => app.log.error({ code: err instanceof ReloadError ? err.code : 'E_RELOAD', reason: err instanceof Error ? err.message : String(err) }, 'model reload refused; still serving the previous model'),
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal, grace_ms: config.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
      // Below Kubernetes' default 30 s termination grace, so we exit before being killed.
      setTimeout(() => {
        app.log.warn('shutdown grace period over: closing the remaining connections');
        app.server.closeAllConnections();
      }, config.shutdownGraceMs).unref();
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
