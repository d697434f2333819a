import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS } from '../index.js';

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const foreigner = DEMO_ACCOUNTS[1];
let cookie: string;

before(async () => {
  app = await startTestApp();
  cookie = await signIn(app, citizen.id);
});
after(() => app.close());

const stored = (id: string) => app.ctx.db.selectFrom('identity_person').select(['locale', 'channels', 'email', 'telegram_chat_id']).where('id', '=', id).executeTakeFirstOrThrow();
const audits = (id: string, action: string) => app.ctx.db.selectFrom('identity_audit').selectAll().where('subject', '=', id).where('action', '=', action).execute();

async function save(form: Record<string, string | string[]>, as = cookie, url = '/en/cabinet/settings') {
  const csrf = await csrfFor(app, '/en/cabinet/settings', as);
  const body = new URLSearchParams({ _csrf: csrf.token });
  for (const [name, value] of Object.entries(form)) for (const v of [value].flat()) body.append(name, v);
  return app.server.inject({
    method: 'POST', url, payload: body.toString(),
    headers: { cookie: `${as}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

test('every cabinet page needs a session, is never stored, and has the cabinet navigation', async () => {
  for (const path of ['', '/applications', '/appeals', '/documents', '/notifications', '/settings']) {
    const anonymous = await app.server.inject({ url: `/ru/cabinet${path}` });
    assert.equal(anonymous.statusCode, 303, path);
    assert.match(String(anonymous.headers.location), /^\/ru\/signin\?next=/);
    const page = await app.server.inject({ url: `/ru/cabinet${path}`, headers: { cookie } });
    assert.equal(page.statusCode, 200, path);
    assert.equal(page.headers['cache-control'], 'no-store', path);
    assert.ok(page.body.includes('aria-label="Разделы кабинета"'), path);
    assert.ok(page.body.includes(`href="/ru/cabinet${path}" aria-current="page"`), `${path} is marked as the current section`);
  }
});

test('the sections other modules will fill say what will appear there and lead to the catalog', async () => {
  const page = await app.server.inject({ url: '/en/cabinet/applications', headers: { cookie } });
  assert.ok(page.body.includes('Applications you submit appear here'));
  assert.ok(page.body.includes('href="/en/spheres"'));
  const uz = await app.server.inject({ url: '/uz/cabinet/documents', headers: { cookie } });
  assert.ok(uz.body.includes('Hozircha hujjatlaringiz yoʻq'));
});

test('valid settings are saved, audited and shown again', async () => {
  const response = await save({ locale: 'ru', channels: ['sms', 'email'], email: '  aziz@example.uz ' });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, '/en/cabinet/settings?saved=1');
  const row = await stored(citizen.id);
  assert.equal(row.locale, 'ru');
  assert.deepEqual(row.channels, ['sms', 'email']);
  assert.equal(row.email, 'aziz@example.uz');
  const [entry] = await audits(citizen.id, 'settings.changed');
  assert.equal(entry?.actor, citizen.id);
  assert.deepEqual((entry?.detail as { channels: string[] }).channels, ['sms', 'email']);

  const page = await app.server.inject({ url: '/en/cabinet/settings?saved=1', headers: { cookie } });
  assert.ok(page.body.includes('Your settings are saved.'));
  assert.match(page.body, /<option value="ru" selected/);
  assert.match(page.body, /id="channel-email" name="channels" value="email" checked/);
  assert.ok(page.body.includes('value="aziz@example.uz"'));

  // No channel at all is allowed: the cabinet still lists every notification.
  assert.equal((await save({ locale: 'uz', email: '' })).statusCode, 303);
  assert.deepEqual((await stored(citizen.id)).channels, []);
  assert.equal((await stored(citizen.id)).email, null);
});

test('a wrong email, an unknown language or an unknown channel: 400, messages by the fields, nothing saved', async () => {
  assert.equal((await save({ locale: 'kaa', channels: 'sms', email: '' })).statusCode, 303);
  const before = await stored(citizen.id);
  const auditsBefore = (await audits(citizen.id, 'settings.changed')).length;

  const email = await save({ locale: 'en', channels: 'sms', email: 'aziz@' });
  assert.equal(email.statusCode, 400);
  assert.equal(email.headers['cache-control'], 'no-store');
  assert.ok(email.body.includes('class="error-summary"'));
  assert.ok(email.body.includes('<a href="#email">Enter an email address in the right format'));
  assert.match(email.body, /id="email-error">Enter an email address in the right format/);
  assert.ok(email.body.includes('value="aziz@"'), 'what was typed is kept');

  const locale = await save({ locale: 'fr', channels: 'sms' }, cookie, '/ru/cabinet/settings');
  assert.equal(locale.statusCode, 400);
  assert.ok(locale.body.includes('Выберите один из пяти языков'), 'the message is in the page\'s language');

  const needsEmail = await save({ locale: 'en', channels: ['sms', 'email'], email: '' });
  assert.equal(needsEmail.statusCode, 400);
  assert.ok(needsEmail.body.includes('Enter your email address to get notifications by email'));

  const channel = await save({ locale: 'en', channels: ['sms', 'pigeon'] });
  assert.equal(channel.statusCode, 400);
  assert.ok(channel.body.includes('Choose from SMS, email and Telegram'));

  const telegram = await save({ locale: 'en', channels: ['telegram'] });
  assert.equal(telegram.statusCode, 400, 'Telegram only once linked');
  assert.ok(telegram.body.includes('Link Telegram first to get notifications there'));

  const long = await save({ locale: 'en', email: `${'a'.repeat(300)}@example.uz` });
  assert.equal(long.statusCode, 400);

  assert.deepEqual(await stored(citizen.id), before);
  assert.equal((await audits(citizen.id, 'settings.changed')).length, auditsBefore);
});

test('hostile input gets a clear 400, not a 500, and changes nothing', async () => {
  const before = await stored(citizen.id);
  const csrf = await csrfFor(app, '/en/cabinet/settings', cookie);
  const json = await app.server.inject({
    method: 'POST', url: '/en/cabinet/settings', headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/json', accept: 'text/html' },
    payload: JSON.stringify({ _csrf: csrf.token, locale: 'en', channels: [{ $ne: 1 }], email: ['a@b.uz'] }),
  });
  assert.equal(json.statusCode, 400);
  assert.match(json.headers['content-type'] as string, /text\/html/);
  const many = await save({ locale: 'en', channels: Array.from({ length: 50 }, () => 'sms') });
  assert.equal(many.statusCode, 400);
  assert.deepEqual(await stored(citizen.id), before);
});

test('without the CSRF token the settings are refused with 403 and not changed', async () => {
  const before = await stored(citizen.id);
  const response = await app.server.inject({
    method: 'POST', url: '/en/cabinet/settings', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'locale=en&channels=sms&email=evil%40example.uz',
  });
  assert.equal(response.statusCode, 403);
  assert.deepEqual(await stored(citizen.id), before);
});

test('each person changes only their own settings', async () => {
  const other = await signIn(app, foreigner.id);
  const theirs = await stored(foreigner.id);
  assert.equal((await save({ locale: 'en', channels: 'sms', email: 'emma@example.de' }, other)).statusCode, 303);
  assert.equal((await stored(foreigner.id)).email, 'emma@example.de');
  assert.notEqual((await stored(citizen.id)).email, 'emma@example.de');
  assert.notEqual(theirs.email, 'emma@example.de');
});
