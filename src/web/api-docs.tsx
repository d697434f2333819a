import type { FastifyInstance } from 'fastify';
import { translator } from '../platform/index.js';
import { renderPage, sendPage, type RenderedPage } from './html.js';
import { Layout } from './layout.js';

interface Operation { summary?: string; parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: string[]; maximum?: number; maxLength?: number } }[]; responses?: Record<string, unknown> }

/** A readable page of the API, made from the same OpenAPI document that `/api/openapi.json` serves. */
export function apiDocsRoutes(app: FastifyInstance): void {
  const pages = new Map<string, RenderedPage>();
  app.get('/api/docs', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const { locale } = request;
    const t = translator(locale);
    let page = pages.get(locale);
    if (!page) {
      const spec = app.swagger() as { paths?: Record<string, Record<string, Operation>> };
      page = renderPage(
        <Layout locale={locale} t={t} title={t('api.title')} path="/" breadcrumbs={[{ label: t('api.title') }]}>
          <div class="docs">
            <h1>{t('api.title')}</h1>
            <p class="lead">{t('api.lead')}</p>
            <p><a href="/api/openapi.json">{t('api.openapi')}</a></p>
            {Object.entries(spec.paths ?? {}).map(([path, methods]) => Object.entries(methods).map(([method, op]) => (
              <section class="panel" key={`${method} ${path}`}>
                <h2><code>{method.toUpperCase()} {path}</code></h2>
                {op.summary && <p>{op.summary}</p>}
                {(op.parameters ?? []).length > 0 && (
                  <div class="table-wrap" tabIndex={0} role="region" aria-label={`${method.toUpperCase()} ${path}: ${t('api.parameters')}`}>
                    <table class="table">
                      <caption>{t('api.parameters')}</caption>
                      <thead><tr><th scope="col">{t('api.name')}</th><th scope="col">{t('api.in')}</th><th scope="col">{t('api.schema')}</th></tr></thead>
                      <tbody>{op.parameters!.map((p) => (
                        <tr key={p.name}>
                          <th scope="row"><code>{p.name}</code>{p.required ? ` (${t('api.required')})` : ''}</th>
                          <td>{p.in}</td>
                          <td>{p.schema?.enum ? p.schema.enum.join(' | ') : p.schema?.type ?? ''}{p.schema?.maximum !== undefined ? ` ≤ ${p.schema.maximum}` : ''}{p.schema?.maxLength !== undefined ? ` (≤ ${p.schema.maxLength})` : ''}</td>
                        </tr>
                      ))}</tbody>
                    </table>
                  </div>
                )}
                <p class="count">{t('api.responses')}: {Object.keys(op.responses ?? {}).join(', ')}</p>
              </section>
            )))}
          </div>
        </Layout>,
      );
      pages.set(locale, page);
    }
    return sendPage(request, reply, page);
  });
}
