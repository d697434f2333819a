import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { metricsPlugin } from './metrics.js';

test('request durations are a Prometheus histogram by method, route and status', async () => {
  const app = Fastify();
  await app.register(metricsPlugin);
  app.get('/things/:id', async (request, reply) => ((request.params as { id: string }).id === 'gone' ? reply.code(404).send() : { ok: true }));
  for (const id of ['a', 'b', 'c', 'gone']) await app.inject({ url: `/things/${id}` });
  const text = (await app.inject({ url: '/metrics' })).body;
  const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
  const ok = 'method="GET",route="/things/:id",status="200"';
  assert.match(text, /# TYPE http_request_duration_seconds histogram/);
  assert.equal(value(`http_request_duration_seconds_count{${ok}}`), 3);
  assert.equal(value(`http_request_duration_seconds_bucket{${ok},le="+Inf"}`), 3);
  assert.equal(value('http_request_duration_seconds_count{method="GET",route="/things/:id",status="404"}'), 1);
  // Buckets are cumulative, and the sum is of seconds.
  const buckets = ['0.001', '0.005', '0.01', '0.05', '0.1', '0.5', '1', '5'].map((le) => value(`http_request_duration_seconds_bucket{${ok},le="${le}"}`));
  assert.ok(buckets.every((n, i) => Number.isInteger(n) && n >= (buckets[i - 1] ?? 0) && n <= 3), buckets.join(' '));
  const sum = value(`http_request_duration_seconds_sum{${ok}}`);
  assert.ok(sum > 0 && sum < 3, String(sum));
  await app.close();
});
