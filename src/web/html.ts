import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A rendered page, kept ready to send: its bytes, their brotli form and an ETag. */
export interface RenderedPage {
  etag: string;
  html: Buffer;
  br: Buffer;
}

export function renderPage(vnode: VNode): RenderedPage {
  const html = Buffer.from(`<!doctype html>${renderToString(vnode)}`);
  return {
    etag: `"${createHash('sha1').update(html).digest('base64url')}"`,
    html,
    br: brotliCompressSync(html, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
  };
}

/**
 * Sends a page with its ETag (304 when the browser has it) and brotli when accepted.
 * Pages are revalidated on each view, so a catalog change shows at once.
 */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: RenderedPage): FastifyReply {
  // A page that set its own policy (a personal page: no-store) keeps it.
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache');
  reply.header('etag', page.etag).header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === page.etag && reply.statusCode === 200) return reply.code(304).send();
  reply.type('text/html; charset=utf-8');
  if (/\bbr\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'br').send(page.br);
  return reply.send(page.html);
}

/**
 * Rendered pages by key (locale and path), dropped all at once when the data behind
 * them changes. Bounded so that a crawler walking every filter cannot fill memory.
 */
export class PageCache {
  private readonly pages = new Map<string, RenderedPage>();
  constructor(private readonly limit = 5000) {}

  get(key: string, render: () => VNode): RenderedPage {
    let page = this.pages.get(key);
    if (!page) {
      page = renderPage(render());
      if (this.pages.size >= this.limit) this.pages.delete(this.pages.keys().next().value as string);
      this.pages.set(key, page);
    }
    return page;
  }

  clear(): void { this.pages.clear(); }
  get size(): number { return this.pages.size; }
}
