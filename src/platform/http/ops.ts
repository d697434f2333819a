import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../index.js';

/**
 * `/healthz`: the process answers. `/readyz`: it can serve, i.e. the database answers and
 * every module has what it needs loaded (a load balancer sends traffic only then).
 */
export function opsRoutes(app: FastifyInstance, db: Db, checks: Record<string, () => boolean>): void {
  app.get('/healthz', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async (_request, reply) => {
    const result: Record<string, boolean> = {};
    try {
      await sql`select 1`.execute(db);
      result.database = true;
    } catch {
      result.database = false;
    }
    for (const [name, check] of Object.entries(checks)) result[name] = check();
    const ready = Object.values(result).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: result });
  });
}

/** The shared schema every API error answers with (RFC 9457). */
export const ProblemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    instance: { type: 'string' }, code: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } } },
  },
  required: ['type', 'title', 'status', 'code'],
};
