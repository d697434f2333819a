import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** The process's metrics registry; modules add their own metrics to it. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

// Request durations by method, route and status, counted here and shown to the registry as a
// histogram when scraped: prom-client's observe() hashes the labels on every call, which cost
// as much as the rest of a cached page's hooks. Its _count series is the request count.
const NAME = 'http_request_duration_seconds';
const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
interface Series { labels: Record<string, string>; counts: number[]; sum: number; count: number }
const series = new Map<string, Series>();
metrics.registerMetric({
  name: NAME, help: 'HTTP request duration by route and status', type: 'histogram', aggregator: 'sum',
  get: async () => ({
    name: NAME, help: 'HTTP request duration by route and status', type: 'histogram', aggregator: 'sum',
    values: [...series.values()].flatMap(({ labels, counts, sum, count }) => {
      let below = 0;
      return [
        ...BUCKETS.map((le, i) => ({ metricName: `${NAME}_bucket`, labels: { ...labels, le }, value: below += counts[i]! })),
        { metricName: `${NAME}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
        { metricName: `${NAME}_sum`, labels, value: sum },
        { metricName: `${NAME}_count`, labels, value: count },
      ];
    }),
  }),
  reset: () => series.clear(),
} as unknown as Metric);

/** Counts and times every request; serves `/metrics` in Prometheus text format. */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let s = series.get(key);
    if (!s) series.set(key, s = { labels: { method: request.method, route, status: String(reply.statusCode) }, counts: BUCKETS.map(() => 0), sum: 0, count: 0 });
    const seconds = reply.elapsedTime / 1000;
    const bucket = BUCKETS.findIndex((le) => seconds <= le);
    if (bucket >= 0) s.counts[bucket]!++;
    s.sum += seconds;
    s.count++;
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
});
