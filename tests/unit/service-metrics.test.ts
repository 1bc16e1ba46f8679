import { ServiceMetrics } from '../../service/metrics.js';

/** Value of one series of a metric, read the way a scrape reads it (its collect runs first). */
async function value(metrics: ServiceMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const series = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return series?.value;
}

describe('ServiceMetrics counters kept off the request path', () => {
  it('reports every prediction counted between scrapes, cumulatively, per endpoint', async () => {
    const m = new ServiceMetrics({ collectProcess: false });
    m.countPredictions('v1', 3);
    m.countPredictions('v1', 2);
    m.countPredictions('v2', 7);
    expect(await value(m, 'gitops_ml_predictions_total', { endpoint: 'v1' })).toBe(5);
    expect(await value(m, 'gitops_ml_predictions_total', { endpoint: 'v2' })).toBe(7);
    // A second scrape with nothing new reports the same totals (flushed once, not twice).
    expect(await value(m, 'gitops_ml_predictions_total', { endpoint: 'v1' })).toBe(5);
    m.countPredictions('v1', 1);
    expect(await value(m, 'gitops_ml_predictions_total', { endpoint: 'v1' })).toBe(6);
    const text = await m.registry.metrics();
    expect(text).toContain('gitops_ml_predictions_total{endpoint="v1"} 6');
    expect(text).toContain('gitops_ml_predictions_total{endpoint="v2"} 7');
  });

  it('reads the same through Counter.get() as through the registry', async () => {
    const m = new ServiceMetrics({ collectProcess: false });
    m.countPredictions('v2', 4);
    const { values } = await m.predictions.get();
    expect(values.map((v) => [v.labels.endpoint, v.value])).toEqual([['v2', 4]]);
  });
});
