import type { FastifyReply, FastifyRequest } from 'fastify';
import { translator, type AppError } from '../platform/index.js';
import { renderPage, sendPage } from './html.js';
import { Layout } from './layout.js';

/** The friendly page for an error, in the user's language, with a way onwards. */
export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const { locale } = request;
  const t = translator(locale);
  const path = request.url.replace(/^\/(uz|oz|kaa|ru|en)(?=\/|\?|$)/, '') || '/';
  const page = renderPage(
    <Layout locale={locale} t={t} title={t(`errors.${error.code}.title`, error.params)} path={path.startsWith('/') ? path : `/${path}`}>
      <h1>{t(`errors.${error.code}.title`, error.params)}</h1>
      <p class="lead">{t(`errors.${error.code}.detail`, error.params)}</p>
      {error.errors.length > 0 && <ul>{error.errors.map((e) => <li key={e.pointer}>{e.detail}</li>)}</ul>}
      <p><a href={`/${locale}/`}>{t('errors.go-home')}</a> · <a href={`/${locale}/search`}>{t('errors.search')}</a></p>
      <p class="count">{t('errors.request-id', { id: request.id })}</p>
    </Layout>,
  );
  return sendPage(request, reply, page);
}
