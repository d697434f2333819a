import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { fromRoot } from '../platform/index.js';
import type { FastifyInstance } from 'fastify';

const DIR = fromRoot('src', 'web', 'assets');
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml', ico: 'image/x-icon' };

interface Asset { body: Buffer; br: Buffer; type: string; hash: string }

// Assets are few and small: read once, compressed once, served from memory with a
// content hash in the URL so browsers keep them for a year.
const assets = new Map<string, Asset>(readdirSync(DIR).map((name) => {
  const body = readFileSync(join(DIR, name));
  const ext = name.split('.').pop() ?? '';
  return [name, { body, br: brotliCompressSync(body), type: TYPES[ext] ?? 'application/octet-stream', hash: createHash('sha1').update(body).digest('hex').slice(0, 10) }];
}));

/** The URL of an asset, with its content hash. */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`No asset ${name}`);
  return `/assets/${name}?v=${asset.hash}`;
}

export function assetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.callNotFound();
    reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding');
    if (/\bbr\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'br').send(asset.br);
    return reply.send(asset.body);
  });
  app.get('/favicon.ico', { schema: { hide: true }, config: { access: 'public', rateLimit: false } }, async (_request, reply) => reply.redirect(assetUrl('favicon.svg'), 301));
}
