import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { LOCALES, isLocale, translator, type Config, type Db, type Locale } from '../platform/index.js';
import { Layout, renderPage, sendPage, SummaryList, Table } from '../web/index.js';
import { audit } from './identity.store.js';
import { dataAccessesOf } from './data-access.js';
import { OIDC_ROUTES, PORTAL_CALLBACK, PORTAL_CLIENT_ID } from './oidc/provider.js';
import { currentSession, listSessions, openSession, revokeSession, SESSION_COOKIE, type Session } from './sessions.js';

const TX_COOKIE = 'oidc_tx';

/** Only our own paths may follow a sign-in: no open redirect. */
const safeNext = (next: unknown, locale: Locale) =>
  typeof next === 'string' && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) && next.length < 300 ? next : `/${locale}/cabinet`;

/**
 * The portal as a client of the provider (authorization code with PKCE, through real
 * HTTP), its session cookie, and the personal cabinet.
 */
export function portalRoutes(app: FastifyInstance, deps: { db: Db; config: Config; portalSecret: string }): void {
  const { db, config } = deps;
  const issuer = config.publicUrl;
  const oidc = new client.Configuration({
    issuer,
    authorization_endpoint: `${issuer}${OIDC_ROUTES.authorization}`,
    token_endpoint: `${issuer}${OIDC_ROUTES.token}`,
    userinfo_endpoint: `${issuer}${OIDC_ROUTES.userinfo}`,
    jwks_uri: `${issuer}${OIDC_ROUTES.jwks}`,
    end_session_endpoint: `${issuer}${OIDC_ROUTES.end_session}`,
    id_token_signing_alg_values_supported: ['RS256'],
  }, PORTAL_CLIENT_ID, deps.portalSecret);
  if (issuer.startsWith('http:')) client.allowInsecureRequests(oidc);
  const redirectUri = `${issuer}${PORTAL_CALLBACK}`;

  /** The session of a page that needs one; otherwise sends to sign-in and returns undefined. */
  async function requireSession(request: FastifyRequest, reply: FastifyReply, locale: Locale): Promise<Session | undefined> {
    const session = await currentSession(db, request);
    if (!session) reply.redirect(`/${locale}/signin?next=${encodeURIComponent(request.url)}`, 303);
    return session;
  }

  for (const l of LOCALES) {
    app.get<{ Querystring: { next?: string } }>(`/${l}/signin`, { schema: { hide: true } }, async (request, reply) => {
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const tx = JSON.stringify({ v: codeVerifier, s: state, n: nonce, next: safeNext(request.query.next, l), l });
      reply.setCookie(TX_COOKIE, tx, { path: PORTAL_CALLBACK, httpOnly: true, sameSite: 'lax', secure: config.production, signed: true, maxAge: 900 });
      const url = client.buildAuthorizationUrl(oidc, {
        redirect_uri: redirectUri, scope: 'openid profile pinfl', state, nonce, ui_locales: l,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      });
      return reply.header('cache-control', 'no-store').redirect(url.href, 303);
    });

    app.get(`/${l}/cabinet`, { schema: { hide: true } }, async (request, reply) => {
      const session = await requireSession(request, reply, l);
      if (!session) return reply;
      const t = translator(l);
      const { person } = session;
      const sessions = await listSessions(db, person.id);
      const accesses = await dataAccessesOf(db, person.id);
      const csrf = reply.generateCsrf();
      const name = [person.nameLatin.first, person.nameLatin.middle, person.nameLatin.last].filter(Boolean).join(' ');
      return sendPage(request, reply.header('cache-control', 'no-store'), renderPage(
        <Layout locale={l} t={t} title={t('cabinet.title')} path="/cabinet" breadcrumbs={[{ label: t('cabinet.title') }]}>
          <h1>{t('cabinet.title')}</h1>
          <p class="lead">{t('cabinet.welcome', { name })}</p>
          <section class="panel" aria-labelledby="my-data">
            <h2 id="my-data">{t('cabinet.my-data')}</h2>
            <SummaryList rows={[
              [t('cabinet.name'), name],
              ...(person.nameCyrillic ? [[t('cabinet.name-cyrillic'), [person.nameCyrillic.first, person.nameCyrillic.middle, person.nameCyrillic.last].filter(Boolean).join(' ')] as [string, string]] : []),
              ...(person.pinfl ? [[t('cabinet.pinfl'), person.pinfl] as [string, string]] : []),
              ...(person.documentNumber ? [[t('cabinet.document'), `${person.documentNumber} (${person.documentCountry ?? ''})`] as [string, string]] : []),
              [t('cabinet.birth-date'), person.birthDate],
              [t('cabinet.phone'), person.phone ?? '—'],
            ]} />
          </section>
          <section aria-labelledby="data-access">
            <h2 id="data-access">{t('cabinet.data-access')}</h2>
            {accesses.length === 0 ? <p>{t('cabinet.data-access-none')}</p> : (
              <Table caption={t('cabinet.data-access-caption')} head={[t('cabinet.access-when'), t('cabinet.access-who'), t('cabinet.access-why'), t('cabinet.access-what')]}
                rows={accesses.map((a) => [
                  new Date(a.at).toISOString().slice(0, 16).replace('T', ' '),
                  `${a.accessor}${a.agency_id ? ` (${a.agency_id})` : ''}`,
                  a.purpose,
                  (a.fields as string[]).join(', '),
                ])} />
            )}
          </section>
          <section aria-labelledby="my-sessions">
            <h2 id="my-sessions">{t('cabinet.sessions')}</h2>
            <Table caption={t('cabinet.sessions-caption')} head={[t('cabinet.session-started'), t('cabinet.session-device'), t('cabinet.session-action')]}
              rows={sessions.map((s) => [
                new Date(s.created_at).toISOString().slice(0, 16).replace('T', ' '),
                `${s.user_agent?.slice(0, 60) ?? ''} ${s.ip ?? ''}`,
                s.ref === session.ref ? t('cabinet.this-session') : (
                  <form method="post" action={`/${l}/cabinet/sessions/revoke`}>
                    <input type="hidden" name="_csrf" value={csrf} /><input type="hidden" name="ref" value={s.ref} />
                    <button class="button button--secondary" type="submit">{t('cabinet.revoke')}</button>
                  </form>
                ),
              ])} />
          </section>
          <form method="post" action={`/${l}/signout`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <button class="button button--secondary" type="submit">{t('cabinet.signout')}</button>
          </form>
        </Layout>,
      ));
    });

    app.post<{ Body: { ref?: string } }>(`/${l}/cabinet/sessions/revoke`, { schema: { hide: true } }, async (request, reply) => {
      const session = await requireSession(request, reply, l);
      if (!session) return reply;
      if (await revokeSession(db, session.person.id, String(request.body?.ref ?? ''))) {
        await audit(db, { actor: session.person.id, action: 'session.revoked', subject: String(request.body?.ref), ip: request.ip });
      }
      return reply.redirect(`/${l}/cabinet`, 303);
    });

    app.post(`/${l}/signout`, { schema: { hide: true } }, async (request, reply) => {
      const session = await currentSession(db, request);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      if (!session) return reply.redirect(`/${l}/`, 303);
      await revokeSession(db, session.person.id, session.ref);
      await audit(db, { actor: session.person.id, action: 'signout', ip: request.ip });
      const url = client.buildEndSessionUrl(oidc, { post_logout_redirect_uri: `${issuer}/`, ...(session.idToken ? { id_token_hint: session.idToken } : {}), ui_locales: l });
      return reply.redirect(url.href, 303);
    });
  }

  app.get(PORTAL_CALLBACK, { schema: { hide: true } }, async (request, reply) => {
    const raw = request.cookies[TX_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    reply.clearCookie(TX_COOKIE, { path: PORTAL_CALLBACK });
    const tx = unsigned?.valid && unsigned.value ? JSON.parse(unsigned.value) as { v: string; s: string; n: string; next: string; l: string } : undefined;
    const locale: Locale = isLocale(tx?.l) ? tx.l : request.locale;
    const t = translator(locale);
    const failed = (status: number) => sendPage(request, reply.code(status).header('cache-control', 'no-store'), renderPage(
      <Layout locale={locale} t={t} title={t('signin.error-title')} path="/">
        <h1>{t('signin.error-title')}</h1><p class="lead">{t('signin.error-detail')}</p>
        <p><a href={`/${locale}/signin`}>{t('signin.again')}</a></p>
      </Layout>,
    ));
    if (!tx) return failed(400);
    try {
      const tokens = await client.authorizationCodeGrant(oidc, new URL(request.url, issuer), {
        pkceCodeVerifier: tx.v, expectedState: tx.s, expectedNonce: tx.n, idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) return failed(400);
      await openSession(db, config, request, reply, claims.sub, tokens.id_token ?? null);
      return reply.redirect(tx.next, 303);
    } catch (error) {
      request.log.info({ err: (error as Error).message }, 'sign-in callback refused');
      return failed(400);
    }
  });
}
