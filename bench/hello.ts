// The ceiling: a bare Fastify server. `/` is hello-world; `/bytes/:n` sends n bytes as a
// page would, to tell the cost of the payload from the cost of the platform.
import Fastify from 'fastify';

const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
const buffers = new Map<number, Buffer>();
app.get<{ Params: { n: string } }>('/bytes/:n', async (request, reply) => {
  const n = Math.min(1_000_000, Number(request.params.n) || 0);
  if (!buffers.has(n)) buffers.set(n, Buffer.alloc(n, 97));
  return reply.type('text/html; charset=utf-8').send(buffers.get(n));
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`running at ${address}`);
