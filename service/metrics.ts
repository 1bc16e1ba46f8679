import client from 'prom-client';
import type { FastifyInstance } from 'fastify';

type Labels<T extends string> = Partial<Record<T, string>>;

const ENDPOINT_LABELS = { v1: { endpoint: 'v1' }, v2: { endpoint: 'v2' } } as const;

/**
 * Counts kept in a plain Map and added to a prom-client counter when it is read (its
 * `collect`): `Counter.inc(labels)` hashes and validates the label object on every call,
 * which the profile of the request path showed as a measurable share of a request.
 */
class PendingCounts<T extends string> {
  private readonly pending = new Map<string, { labels: Labels<T>; n: number }>();

  add(key: string, labels: Labels<T>, n = 1): void {
    const e = this.pending.get(key);
    if (e) e.n += n;
    else this.pending.set(key, { labels, n });
  }

  flushInto(counter: client.Counter<T>): void {
    for (const e of this.pending.values()) {
      if (e.n > 0) counter.inc(e.labels, e.n);
      e.n = 0;
    }
  }
}

/**
 * Prometheus metrics of one server instance, in its own registry (so tests can build
 * several apps in one process without clashing on the global one).
 */
export class ServiceMetrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'route' | 'method' | 'status'>;
  readonly latency: client.Histogram<'route' | 'method' | 'status'>;
  readonly predictions: client.Counter<'endpoint'>;
  readonly batchSize: client.Histogram;
  readonly modelLoadSeconds: client.Gauge;
  readonly modelInfo: client.Gauge<'name' | 'version'>;
  readonly cacheHits: client.Counter;
  readonly cacheMisses: client.Counter;
  readonly reloads: client.Counter<'outcome'>;
  private readonly pendingRequests = new PendingCounts<'route' | 'method' | 'status'>();
  private readonly pendingPredictions = new PendingCounts<'endpoint'>();

  constructor(opts: { collectProcess?: boolean } = {}) {
    const r = [this.registry];
    const pendingRequests = this.pendingRequests;
    const pendingPredictions = this.pendingPredictions;
    this.requests = new client.Counter({
      name: 'gitops_ml_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: r,
      collect() {
        pendingRequests.flushInto(this);
      },
    });
    this.latency = new client.Histogram({
      name: 'gitops_ml_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    });
    this.predictions = new client.Counter({
      name: 'gitops_ml_predictions_total',
      help: 'Texts scored',
      labelNames: ['endpoint'],
      registers: r,
      collect() {
        pendingPredictions.flushInto(this);
      },
    });
    this.batchSize = new client.Histogram({ name: 'gitops_ml_batch_size', help: 'Texts per model call (a request, or several requests grouped by the micro-batcher)', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: r });
    this.modelLoadSeconds = new client.Gauge({ name: 'gitops_ml_model_load_seconds', help: 'Time to verify and load the served artifact', registers: r });
    this.modelInfo = new client.Gauge({ name: 'gitops_ml_model_info', help: 'The served model (value 1)', labelNames: ['name', 'version'], registers: r });
    this.cacheHits = new client.Counter({ name: 'gitops_ml_cache_hits_total', help: 'Predictions answered from the LRU cache', registers: r });
    this.cacheMisses = new client.Counter({ name: 'gitops_ml_cache_misses_total', help: 'Predictions computed by the model', registers: r });
    this.reloads = new client.Counter({ name: 'gitops_ml_model_reloads_total', help: 'Hot reloads of the model by outcome (loaded, refused)', labelNames: ['outcome'], registers: r });
    // Process metrics include event-loop lag (nodejs_eventloop_lag_*), heap and RSS.
    if (opts.collectProcess !== false) {
      client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
      // /metrics is open to anyone who can reach the port: it does not tell them the Node.js version.
      this.registry.removeSingleMetric('nodejs_version_info');
    }
  }

  /** Counts `n` texts scored through `endpoint` ("v1", "v2"). */
  countPredictions(endpoint: 'v1' | 'v2', n: number): void {
    this.pendingPredictions.add(endpoint, ENDPOINT_LABELS[endpoint], n);
  }

  setModel(name: string, version: string, loadSeconds: number): void {
    this.modelInfo.reset();
    this.modelInfo.labels(name, version).set(1);
    this.modelLoadSeconds.set(loadSeconds);
  }

  /** Counts every request by its route template (not the raw URL: unbounded label values would explode the series). */
  countRequests(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const { method } = request;
      const status = reply.statusCode;
      const labels = { route, method, status: String(status) };
      this.pendingRequests.add(`${route} ${method} ${status}`, labels);
      this.latency.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }

  exposeRoute(app: FastifyInstance): void {
    app.get('/metrics', async (_request, reply) => reply.type(this.registry.contentType).send(await this.registry.metrics()));
  }
}
