import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS, saveClient } from '../index.js';

// The whole authorization code flow with PKCE, as an agency's system would run it with
// openid-client, through real HTTP: sign-in form posted, SMS code, consent, code
// exchanged, userinfo, refresh, logout.

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const REDIRECT = 'http://127.0.0.1:9/callback';
let secret: string;

before(async () => {
  app = await startTestApp();
  secret = await saveClient(app.ctx.db, {
    client_id: 'agency-app', client_name: 'Agency app', redirect_uris: [REDIRECT], post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
    scope: 'openid profile pinfl offline_access',
  });
});
after(() => app.close());

/** A browser in miniature: follows nothing by itself, keeps cookies. */
class Browser {
  private readonly jar = new Map<string, string>();
  constructor(private readonly base: string) {}
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const res = await fetch(new URL(url, this.base), {
      method: init.method ?? (init.form ? 'POST' : 'GET'), redirect: 'manual',
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html', ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.jar.delete(name!); else this.jar.set(name!, value.join('='));
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
const formAction = (html: string) => /action="([^"]+)"/.exec(/<form[^>]*method="post"[^>]*>/i.exec(html)?.[0] ?? '')?.[1]?.replace(/&amp;/g, '&') ?? '';

async function discover() {
  return client.discovery(new URL(app.url), 'agency-app', secret, undefined, { execute: [client.allowInsecureRequests] });
}

async function signIn(browser: Browser, authorizationUrl: URL): Promise<URL> {
  let step = await browser.go(authorizationUrl.href);
  assert.equal(step.status, 303);
  step = await browser.go(step.location!);
  assert.equal(step.status, 200);
  assert.match(step.body, /name="login"/);
  step = await browser.go(formAction(step.body), { form: { _csrf: field(step.body, '_csrf'), login: citizen.login, password: citizen.password } });
  assert.equal(step.status, 200, 'code form');
  const code = (await app.sms.lastCode(citizen.phone));
  assert.ok(code, 'an SMS with a code was sent');
  step = await browser.go(formAction(step.body), { form: { _csrf: field(step.body, '_csrf'), code: code! } });
  assert.equal(step.status, 303);
  // Back to the provider, which asks for consent: a third-party client.
  step = await browser.go(step.location!);
  assert.equal(step.status, 303);
  step = await browser.go(step.location!);
  assert.match(step.body, /Agency app/);
  step = await browser.go(formAction(step.body), { form: { _csrf: field(step.body, '_csrf') } });
  step = await browser.go(step.location!);
  assert.equal(step.status, 303);
  assert.ok(step.location!.startsWith(REDIRECT), step.location!);
  return new URL(step.location!);
}

test('discovery at the portal origin names every endpoint and PKCE', async () => {
  const config = await discover();
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, app.url);
  assert.ok(metadata.code_challenge_methods_supported?.includes('S256'));
  assert.equal(metadata.token_endpoint, `${app.url}/oidc/token`);
  const jwks = await (await fetch(metadata.jwks_uri!)).json();
  assert.equal(jwks.keys[0].kty, 'RSA');
  assert.equal(jwks.keys[0].d, undefined, 'no private part published');
});

test('code flow with PKCE: sign in with password and SMS code, exchange, userinfo, refresh, logout', async () => {
  const config = await discover();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    // OpenID Connect grants offline_access only with an explicit consent prompt.
    redirect_uri: REDIRECT, scope: 'openid profile pinfl offline_access', prompt: 'consent', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const browser = new Browser(app.url);
  const callback = await signIn(browser, url);

  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  const claims = tokens.claims()!;
  assert.equal(claims.sub, citizen.id);
  assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');

  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.pinfl, citizen.pinfl);
  assert.equal(info.given_name, citizen.first);
  assert.equal(info.birthdate, citizen.birth);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.equal((await client.fetchUserInfo(config, refreshed.access_token, claims.sub)).sub, citizen.id);

  // The code is single-use.
  await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }));

  // A tampered access token is refused.
  await assert.rejects(client.fetchUserInfo(config, `${refreshed.access_token.slice(0, -2)}xx`, claims.sub));

  const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye' });
  const confirm = await browser.go(logout.href);
  assert.equal(confirm.status, 200);
  const done = await browser.go(formAction(confirm.body), { form: { xsrf: field(confirm.body, 'xsrf'), logout: 'yes' } });
  assert.equal(done.status, 303);
  assert.equal(done.location, 'http://127.0.0.1:9/bye');
});

test('a wrong password, a wrong or replayed code and a foreign redirect URI are refused, and nothing is changed', async () => {
  const config = await discover();
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 's', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const browser = new Browser(app.url);
  let step = await browser.go((await browser.go(url.href)).location!);
  const sentBefore = await app.sms.count(citizen.phone);
  const wrong = await browser.go(formAction(step.body), { form: { _csrf: field(step.body, '_csrf'), login: citizen.login, password: 'not-the-password' } });
  assert.equal(wrong.status, 400);
  const unknown = await browser.go(formAction(wrong.body), { form: { _csrf: field(wrong.body, '_csrf'), login: '+998 99 000-00-00', password: 'not-the-password' } });
  assert.equal(unknown.status, 400);
  assert.equal(/<p class="field__error"[^>]*>([^<]+)/.exec(wrong.body)?.[1], /<p class="field__error"[^>]*>([^<]+)/.exec(unknown.body)?.[1], 'the same words whether the account exists or not');
  assert.equal(await app.sms.count(citizen.phone), sentBefore, 'no code sent');

  step = await browser.go(formAction(unknown.body), { form: { _csrf: field(unknown.body, '_csrf'), login: citizen.login, password: citizen.password } });
  const code = (await app.sms.lastCode(citizen.phone))!;
  const badCode = await browser.go(formAction(step.body), { form: { _csrf: field(step.body, '_csrf'), code: code === '000000' ? '111111' : '000000' } });
  assert.equal(badCode.status, 400);
  const good = await browser.go(formAction(badCode.body), { form: { _csrf: field(badCode.body, '_csrf'), code } });
  assert.equal(good.status, 303);
  const replay = await browser.go(formAction(badCode.body), { form: { _csrf: field(badCode.body, '_csrf'), code } });
  assert.notEqual(replay.status, 303, 'a used code does not sign in again');

  const foreign = client.buildAuthorizationUrl(config, { redirect_uri: 'https://evil.example/cb', scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const refused = await new Browser(app.url).go(foreign.href);
  assert.equal(refused.status, 400);
  assert.equal(refused.location, null, 'never redirected to the foreign address');

  const form = await new Browser(app.url).go(`${app.url}/oidc/interaction/nope`);
  assert.equal(form.status, 400);
});
