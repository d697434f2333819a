import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { LOCALES, isLocale, translator, type Config, type Locale } from '../platform/index.js';
import { Layout, renderPage, sendPage } from '../web/index.js';
import { audit } from './identity.store.js';
import { FIRST_PARTY, OIDC_ROUTES } from './oidc/provider.js';
import { SESSION_COOKIES, type Audience, type Sessions } from './sessions.js';
import type { Db } from '../platform/index.js';

/** Where each audience starts: the cabinet on the portal, the officer's home in the back office. */
export const HOME: Record<Audience, (l: Locale) => string> = { portal: (l) => `/${l}/cabinet`, office: (l) => `/${l}/office` };
export const SIGNIN: Record<Audience, (l: Locale) => string> = { portal: (l) => `/${l}/signin`, office: (l) => `/${l}/office/signin` };

/** Only our own paths may follow a sign-in: no open redirect. */
export const safeNext = (next: unknown, fallback: string) =>
  typeof next === 'string' && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) && next.length < 300 ? next : fallback;

/**
 * One first-party client of the provider (the portal or the back office): sign-in by the
 * authorization code flow with PKCE through real HTTP, the callback that opens our own
 * session, and sign-out that ends the provider's session too.
 */
export function clientRoutes(app: FastifyInstance, deps: { db: Db; config: Config; sessions: Sessions; secret: string; audience: Audience }): void {
  const { db, config, sessions, audience } = deps;
  const { clientId, callback, afterLogout } = FIRST_PARTY[audience];
  const txCookie = `oidc_tx_${audience}`;
  const issuer = config.publicUrl;
  const oidc = new client.Configuration({
    issuer,
    authorization_endpoint: `${issuer}${OIDC_ROUTES.authorization}`,
    token_endpoint: `${issuer}${OIDC_ROUTES.token}`,
    userinfo_endpoint: `${issuer}${OIDC_ROUTES.userinfo}`,
    jwks_uri: `${issuer}${OIDC_ROUTES.jwks}`,
    end_session_endpoint: `${issuer}${OIDC_ROUTES.end_session}`,
    id_token_signing_alg_values_supported: ['RS256'],
  }, clientId, deps.secret);
  if (issuer.startsWith('http:')) client.allowInsecureRequests(oidc);
  const redirectUri = `${issuer}${callback}`;

  for (const l of LOCALES) {
    app.get<{ Querystring: { next?: string } }>(SIGNIN[audience](l), { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const tx = JSON.stringify({ v: codeVerifier, s: state, n: nonce, next: safeNext(request.query.next, HOME[audience](l)), l });
      reply.setCookie(txCookie, tx, { path: callback, httpOnly: true, sameSite: 'lax', secure: config.production, signed: true, maxAge: 900 });
      const url = client.buildAuthorizationUrl(oidc, {
        redirect_uri: redirectUri, scope: 'openid profile pinfl', state, nonce, ui_locales: l,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
      });
      return reply.header('cache-control', 'no-store').redirect(url.href, 303);
    });

    app.post(`${audience === 'office' ? `/${l}/office` : `/${l}`}/signout`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const session = await sessions.current(request, audience);
      reply.clearCookie(SESSION_COOKIES[audience], { path: '/' });
      if (!session) return reply.redirect(audience === 'office' ? `/${l}/office` : `/${l}/`, 303);
      await sessions.revoke(session.person.id, session.ref);
      await audit(db, { actor: session.person.id, action: `${audience}.signout`, ip: request.ip });
      const url = client.buildEndSessionUrl(oidc, { post_logout_redirect_uri: `${issuer}${afterLogout}`, ...(session.idToken ? { id_token_hint: session.idToken } : {}), ui_locales: l });
      return reply.redirect(url.href, 303);
    });
  }

  app.get(callback, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const raw = request.cookies[txCookie];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    reply.clearCookie(txCookie, { path: callback });
    const tx = unsigned?.valid && unsigned.value ? JSON.parse(unsigned.value) as { v: string; s: string; n: string; next: string; l: string } : undefined;
    const locale: Locale = isLocale(tx?.l) ? tx.l : request.locale;
    const t = translator(locale);
    const failed = (status: number, title = 'signin.error-title', detail = 'signin.error-detail') => sendPage(request, reply.code(status).header('cache-control', 'no-store'), renderPage(
      <Layout locale={locale} t={t} title={t(title)} path="/">
        <h1>{t(title)}</h1><p class="lead">{t(detail)}</p>
        <p><a href={SIGNIN[audience](locale)}>{t('signin.again')}</a></p>
      </Layout>,
    ));
    if (!tx) return failed(400);
    try {
      const tokens = await client.authorizationCodeGrant(oidc, new URL(request.url, issuer), {
        pkceCodeVerifier: tx.v, expectedState: tx.s, expectedNonce: tx.n, idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) return failed(400);
      if (audience === 'office' && !await hasRole(db, claims.sub)) {
        await audit(db, { actor: claims.sub, action: 'office.signin-refused', ip: request.ip });
        return failed(403, 'office.no-role-title', 'office.no-role-detail');
      }
      await sessions.open(request, reply, claims.sub, tokens.id_token ?? null, audience);
      await audit(db, { actor: claims.sub, action: `${audience}.signin`, ip: request.ip });
      return reply.redirect(tx.next, 303);
    } catch (error) {
      request.log.info({ err: (error as Error).message }, 'sign-in callback refused');
      return failed(400);
    }
  });
}

async function hasRole(db: Db, personId: string): Promise<boolean> {
  return !!await db.selectFrom('identity_role').select('id').where('person_id', '=', personId).where('revoked_at', 'is', null).executeTakeFirst();
}
