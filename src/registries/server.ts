// The registries' information systems: one small HTTP server (its own Fastify instance,
// not the portal's) answering `{METHOD} /{memberCode}/{subsystem}/{serviceCode}{path}` with
// JSON, as an agency's system behind its exchange gateway would. Errors are
// `{ type, message }`. Faults (faults.ts) are applied before Fastify sees the request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';
import { REGISTRY_DEFS } from './catalog.js';
import { faultsFromEnv, registryFault, registryFaults, setRegistryFault, type RegistryFault } from './faults.js';
import { RegistryError } from './service.js';

export interface RegistryServerOptions {
  db: Db;
  log: Logger;
  /** 0 or none: a free port. */
  port?: number;
  /** 127.0.0.1 unless said. */
  host?: string;
  /** Whether `GET /_faults` and `PUT /_faults/{member}` are served; outside production by default. */
  faultControl?: boolean;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

/** Starts the registry server; `url` has no trailing slash. */
export async function startRegistryServer(deps: RegistryServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  faultsFromEnv(process.env.REGISTRY_FAULTS);
  const host = deps.host ?? '127.0.0.1';
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'registries' }),
    logController: new LogController({ disableRequestLogging: true }),
    // A slow registry's held requests must not keep close() waiting.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    serverFactory: (handler) => createServer((req: IncomingMessage, res: ServerResponse) => {
      const fault = registryFault(req.url?.split(/[/?]/)[1] ?? '');
      if (!fault) return handler(req, res);
      if (fault.mode === 'down') return req.socket.destroy();
      if (fault.mode === 'error') return send(res, 503, { type: 'unavailable', message: 'the registry is unavailable (simulated fault)' });
      const timer = setTimeout(() => handler(req, res), fault.delayMs);
      res.once('close', () => clearTimeout(timer));
    }),
  });

  app.setErrorHandler((error: FastifyError | RegistryError, request, reply) => {
    if (error instanceof RegistryError) return reply.code(error.status).send({ type: error.type, message: error.message });
    if ('validation' in error && error.validation) return reply.code(400).send({ type: 'invalid-parameter', message: error.message });
    if ('statusCode' in error && error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ type: 'bad-request', message: error.message });
    request.log.error({ err: error, url: request.url }, 'registry service failed');
    return reply.code(500).send({ type: 'internal', message: 'the registry could not answer' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ type: 'unknown-service', message: `no service answers ${request.method} ${request.url.split('?')[0]}` }));

  for (const r of REGISTRY_DEFS) {
    for (const s of r.services) {
      app.route({
        method: s.method,
        url: `/${r.member.code}/${r.subsystem}/${s.code}${s.path.replace(/\{(\w+)\}/g, ':$1')}`,
        schema: { ...(s.params ? { params: s.params } : {}), ...(s.query ? { querystring: s.query } : {}) },
        handler: async (request, reply) => {
          const userId = request.headers['x-road-userid'];
          const answer = await s.handler({
            db: deps.db, params: request.params as Record<string, string>, query: request.query as Record<string, string>,
            userId: typeof userId === 'string' ? userId : undefined,
          });
          return reply.header('cache-control', 'no-store').send(answer);
        },
      });
    }
  }
  app.get('/', async () => ({
    registries: REGISTRY_DEFS.map((r) => ({
      member: `${r.member.class}/${r.member.code}`, subsystem: r.subsystem, title: r.title.en,
      services: r.services.map((s) => `${s.method} /${r.member.code}/${r.subsystem}/${s.code}${s.path}`),
    })),
  }));
  if (deps.faultControl ?? process.env.NODE_ENV !== 'production') {
    app.get('/_faults', async () => registryFaults());
    app.put('/_faults/:member', {
      schema: {
        params: { type: 'object', properties: { member: { type: 'string', pattern: '^[a-z0-9-]{2,60}$' } }, required: ['member'] },
        body: {
          type: 'object', additionalProperties: false, required: ['mode'],
          properties: { mode: { enum: ['down', 'slow', 'error', null] }, delayMs: { type: 'integer', minimum: 0, maximum: 600_000 } },
        },
      },
    }, async (request) => {
      const { member } = request.params as { member: string };
      const { mode, delayMs } = request.body as { mode: RegistryFault | null; delayMs?: number };
      setRegistryFault(member, mode, { delayMs });
      return { member, fault: registryFault(member) ?? null };
    });
  }

  await app.listen({ port: deps.port ?? 0, host });
  const { port } = app.server.address() as { port: number };
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => app.close() };
}
