import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type Provider from 'oidc-provider';
import { translator, type Locale, type Translate } from '../../platform/index.js';
import { Layout, renderPage, sendPage } from '../../web/index.js';

/** What every sign-in screen shares: the page frame, the interaction, its end. */
export function screens(provider: Provider) {
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: (t: Translate, locale: Locale) => ComponentChildren, status = 200) => {
    const t = translator(request.locale);
    return sendPage(request, reply.code(status).header('cache-control', 'no-store'), renderPage(
      <Layout locale={request.locale} t={t} title={title} path="/signin" headerSearch={false}>{body(t, request.locale)}</Layout>,
    ));
  };

  async function details(request: FastifyRequest, reply: FastifyReply) {
    try {
      return await provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return undefined;
    }
  }

  const expired = (request: FastifyRequest, reply: FastifyReply) => {
    const t = translator(request.locale);
    return page(request, reply, t('signin.expired-title'), () => (
      <><h1>{t('signin.expired-title')}</h1><p class="lead">{t('signin.expired-detail')}</p><p><a href={`/${request.locale}/signin`}>{t('signin.again')}</a></p></>
    ), 400);
  };

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) => {
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value as string);
    await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
  };

  return { page, details, expired, finish };
}
