import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config, Db } from '../../platform/index.js';
import { findPerson, personClaims } from '../identity.store.js';
import { kyselyAdapter } from './adapter.js';
import { grantBusinessClaims } from '../business/business.store.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.js';

/** The portal and the back office are clients: they sign people in through the provider like any other. */
export const FIRST_PARTY = {
  portal: { clientId: 'darcha-portal', name: 'Darcha', callback: '/auth/callback', afterLogout: '/' },
  office: { clientId: 'darcha-office', name: 'Darcha back office', callback: '/office/auth/callback', afterLogout: '/office' },
} as const;

/** Where the provider's endpoints live; discovery stays at /.well-known/openid-configuration. */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  jwks: '/oidc/jwks',
  end_session: '/oidc/session/end',
  revocation: '/oidc/token/revocation',
  pushed_authorization_request: '/oidc/request',
  code_verification: '/oidc/device',
  device_authorization: '/oidc/device/auth',
  backchannel_authentication: '/oidc/backchannel',
  introspection: '/oidc/token/introspection',
  registration: '/oidc/reg',
  challenge: '/oidc/challenge',
} as const;

async function signingKey(db: Db) {
  const existing = await db.selectFrom('oidc_key').select('jwk').orderBy('created_at', 'desc').executeTakeFirst();
  if (existing) return existing.jwk;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  await db.insertInto('oidc_key').values({ kid: jwk.kid, jwk: JSON.stringify(jwk) }).onConflict((oc) => oc.doNothing()).execute();
  return (await db.selectFrom('oidc_key').select('jwk').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).jwk;
}

/**
 * Registers (or updates) a client in the provider's store. Returns its secret: a new
 * one for a new client, the kept one otherwise.
 */
export async function saveClient(db: Db, metadata: { client_id: string; redirect_uris: string[]; post_logout_redirect_uris?: string[]; scope?: string; first_party?: boolean; client_name?: string; grant_types?: string[] }): Promise<string> {
  const existing = await db.selectFrom('oidc_payload').select('payload').where('kind', '=', 'Client').where('id', '=', metadata.client_id).executeTakeFirst();
  const secret = (existing?.payload.client_secret as string | undefined) ?? randomBytes(32).toString('base64url');
  const payload = {
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid profile pinfl business offline_access', ...metadata, client_secret: secret,
  };
  await db.insertInto('oidc_payload').values({ kind: 'Client', id: metadata.client_id, payload: JSON.stringify(payload), grant_id: null, user_code: null, uid: null, expires_at: null, consumed_at: null })
    .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet({ payload: JSON.stringify(payload) })).execute();
  return secret;
}

/**
 * The OpenID Connect provider (OneID role) at the portal's origin, with its storage in our
 * database. Sign-in and consent screens are ours (`interactions.tsx`).
 */
export async function createProvider(db: Db, config: Config): Promise<{ provider: Provider; secrets: Record<keyof typeof FIRST_PARTY, string> }> {
  const secrets = {} as Record<keyof typeof FIRST_PARTY, string>;
  for (const [audience, client] of Object.entries(FIRST_PARTY) as [keyof typeof FIRST_PARTY, (typeof FIRST_PARTY)[keyof typeof FIRST_PARTY]][]) {
    secrets[audience] = await saveClient(db, {
      client_id: client.clientId, client_name: client.name, first_party: true,
      redirect_uris: [`${config.publicUrl}${client.callback}`], post_logout_redirect_uris: [`${config.publicUrl}${client.afterLogout}`],
      scope: 'openid profile pinfl business',
    });
  }
  const configuration: Configuration = {
    adapter: kyselyAdapter(db),
    async findAccount(_ctx, sub, token) {
      const person = await findPerson(db, sub);
      if (!person) return undefined;
      // The business chosen at sign-in for this grant, while the power still holds when the claims are issued.
      const grantId = token && 'grantId' in token ? token.grantId : undefined;
      return {
        accountId: sub,
        claims: async (_use, scope) => ({
          ...personClaims(person, scope),
          ...(grantId && scope.split(' ').includes('business') ? await grantBusinessClaims(db, grantId, sub) : {}),
        }),
      };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'middle_name', 'birthdate', 'locale'],
      pinfl: ['pinfl'],
      business: ['stir', 'business_name'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'pinfl', 'business'],
    extraClientMetadata: { properties: ['first_party'] },
    features: {
      devInteractions: { enabled: false },
      // Lets a client ask for claims in the ID token too (`claims={"id_token":{"stir":null}}`).
      claimsParameter: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
    cookies: {
      keys: [config.cookieSecret],
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure: config.production },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure: config.production },
    },
    jwks: { keys: [await signingKey(db) as never] },
    routes: OIDC_ROUTES,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 900, Session: 8 * 3600, Grant: 30 * 24 * 3600, RefreshToken: 30 * 24 * 3600 },
    // Refresh tokens for clients allowed them and asking offline_access, without a forced consent prompt.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // First-party clients (the portal, the back office) need no consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if ((ctx.oidc.client as unknown as { first_party?: boolean }).first_party) {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope(ctx.oidc.client!.scope ?? 'openid');
        grant.addOIDCClaims(['pinfl', 'name', 'given_name', 'family_name', 'birthdate', 'locale', 'stir', 'business_name']);
        await grant.save();
        return grant;
      }
      return undefined;
    },
    renderError,
  };
  const provider = new Provider(config.publicUrl, configuration);
  provider.proxy = config.TRUST_PROXY;
  return { provider, secrets };
}
