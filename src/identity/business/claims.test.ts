import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS, saveClient } from '../index.js';
import { revokePower } from './business.store.js';

// An agency's system asks the `business` scope: at sign-in the person says whom they act
// for, and the claims carry the business's STIR and name while the power holds, through
// real HTTP with openid-client as the agency would run it.

const BARAKA = '00000000-0000-4000-9000-000000000001';
const [citizen, , director, representative] = DEMO_ACCOUNTS;
const REDIRECT = 'http://127.0.0.1:9/tax/callback';
let app: TestApp;
let secret: string;

before(async () => {
  app = await startTestApp();
  secret = await saveClient(app.ctx.db, {
    client_id: 'tax-app', client_name: 'Tax office app', redirect_uris: [REDIRECT], scope: 'openid profile pinfl business offline_access',
  });
});
after(() => app.close());

/** Follows nothing by itself, keeps cookies: a browser in miniature. */
class Browser {
  /** The sign-in screens speak the language the person last chose on the portal. */
  private readonly jar = new Map<string, string>([['lang', 'en']]);
  async go(url: string, form?: Record<string, string>) {
    const res = await fetch(new URL(url, app.url), {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [name, ...value] = cookie.split(';')[0]!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.jar.delete(name!); else this.jar.set(name!, value.join('='));
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
}
const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
const postAction = (html: string) => /action="([^"]+)"/.exec(/<form[^>]*method="post"[^>]*>/i.exec(html)?.[0] ?? '')?.[1]?.replace(/&amp;/g, '&') ?? '';

const discover = () => client.discovery(new URL(app.url), 'tax-app', secret, undefined, { execute: [client.allowInsecureRequests] });

/** Starts a code flow asking `business` and signs the person in with password and SMS code; returns the browser at the screen after login. */
async function signInAsking(config: client.Configuration, person: (typeof DEMO_ACCOUNTS)[number], extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid business offline_access', prompt: 'consent', state: 's', nonce: 'n',
    claims: JSON.stringify({ id_token: { stir: null, business_name: null } }),
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  const browser = new Browser();
  let step = await browser.go((await browser.go(url.href)).location!);
  step = await browser.go(postAction(step.body), { _csrf: field(step.body, '_csrf'), login: person.login, password: person.password });
  assert.equal(step.status, 200, 'code form');
  step = await browser.go(postAction(step.body), { _csrf: field(step.body, '_csrf'), code: (await app.sms.lastCode(person.phone))! });
  assert.equal(step.status, 303);
  step = await browser.go(step.location!);
  assert.equal(step.status, 303, 'the provider asks for the next step');
  const interaction = step.location!;
  return { browser, verifier, interaction, screen: await browser.go(interaction) };
}

async function consent(browser: Browser, page: { body: string }, acting?: string) {
  const form: Record<string, string> = { _csrf: field(page.body, '_csrf') };
  if (acting !== undefined) form.acting_for = acting;
  return browser.go(postAction(page.body), form);
}

test('the representative picks Baraka Savdo: stir and business_name in the ID token and userinfo, until the power is revoked', async () => {
  const config = await discover();
  const { browser, verifier, interaction, screen } = await signInAsking(config, representative, { claims_locales: 'en' });
  assert.equal(screen.status, 200);
  assert.match(screen.body, /Whom do you act for\?/);
  assert.match(screen.body, /Tax office app/);
  assert.match(screen.body, /name="for" value="self"/);
  assert.match(screen.body, new RegExp(`name="for" value="${BARAKA}"`));

  const consentPage = await browser.go(`${interaction}?for=${BARAKA}`);
  assert.match(consentPage.body, /You act for Baraka Savdo LLC \(STIR 305123458\)/);
  assert.equal(field(consentPage.body, 'acting_for'), BARAKA);
  let step = await consent(browser, consentPage, BARAKA);
  step = await browser.go(step.location!);
  assert.ok(step.location?.startsWith(REDIRECT), String(step.location));

  const tokens = await client.authorizationCodeGrant(config, new URL(step.location!), { pkceCodeVerifier: verifier, expectedState: 's', expectedNonce: 'n' });
  const idToken = tokens.claims()!;
  assert.equal(idToken.sub, representative.id);
  assert.equal(idToken.stir, '305123458');
  assert.equal(idToken.business_name, 'Baraka Savdo LLC');
  const info = await client.fetchUserInfo(config, tokens.access_token, representative.id);
  assert.equal(info.stir, '305123458');
  assert.equal(info.business_name, 'Baraka Savdo LLC');
  const chosen = await app.ctx.db.selectFrom('identity_audit').select('detail').where('action', '=', 'acting.chosen').where('actor', '=', representative.id).executeTakeFirstOrThrow();
  assert.equal((chosen.detail as { business: string }).business, BARAKA);

  // The director revokes the power: the very next claims leave the business out.
  const power = await app.ctx.db.selectFrom('identity_power').select('id').where('person_id', '=', representative.id).where('business_id', '=', BARAKA).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  assert.ok(await revokePower(app.ctx.db, { businessId: BARAKA, powerId: power.id, by: director.id, reason: null, ip: '127.0.0.1' }));
  const after = await client.fetchUserInfo(config, tokens.access_token, representative.id);
  assert.equal(after.sub, representative.id);
  assert.equal(after.stir, undefined);
  assert.equal(after.business_name, undefined);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  assert.equal(refreshed.claims()?.sub, representative.id);
  assert.equal(refreshed.claims()?.stir, undefined);
  assert.equal((await client.fetchUserInfo(config, refreshed.access_token, representative.id)).stir, undefined);
});

test('the director acting for the business gets its name in the language the client asked, Uzbek by default', async () => {
  const config = await discover();
  for (const [extra, name] of [[{ claims_locales: 'ru-RU' }, 'ООО «Барака Савдо»'], [{}, '"Baraka Savdo" MChJ']] as const) {
    const { browser, verifier, interaction } = await signInAsking(config, director, extra);
    let step = await consent(browser, await browser.go(`${interaction}?for=${BARAKA}`), BARAKA);
    step = await browser.go(step.location!);
    const tokens = await client.authorizationCodeGrant(config, new URL(step.location!), { pkceCodeVerifier: verifier, expectedState: 's', expectedNonce: 'n' });
    assert.equal((await client.fetchUserInfo(config, tokens.access_token, director.id)).business_name, name);
  }
});

test('acting for oneself, or a business forged into the form, gives no business claims', async () => {
  const config = await discover();
  // The citizen acts for no business: no question, the consent says so.
  const { browser, verifier, screen } = await signInAsking(config, citizen);
  assert.match(screen.body, /You act for yourself/);
  assert.equal(field(screen.body, 'acting_for'), 'self');
  const forged = await consent(browser, screen, BARAKA);
  assert.equal(forged.status, 400, 'a business the person may not act for is refused');
  const missing = await consent(browser, screen);
  assert.equal(missing.status, 400, 'the choice must come with the consent');
  let step = await consent(browser, screen, 'self');
  step = await browser.go(step.location!);
  const tokens = await client.authorizationCodeGrant(config, new URL(step.location!), { pkceCodeVerifier: verifier, expectedState: 's', expectedNonce: 'n' });
  assert.equal(tokens.claims()?.stir, undefined);
  assert.equal((await client.fetchUserInfo(config, tokens.access_token, citizen.id)).stir, undefined);
  const row = await app.ctx.db.selectFrom('identity_grant_business').select('business_id').where('person_id', '=', citizen.id).executeTakeFirstOrThrow();
  assert.equal(row.business_id, null);
});
