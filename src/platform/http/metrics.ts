import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's metrics registry; modules add their own metrics to it. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

// One histogram: its _count series is the request count by route and status.
const duration = new Histogram({
  name: 'http_request_duration_seconds', help: 'HTTP request duration by route and status', labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [metrics],
});

/** Counts and times every request; serves `/metrics` in Prometheus text format. */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  // One labelled child per method, route and status, found by a string key: cheaper than
  // prom-client hashing the label object on every request.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
});
