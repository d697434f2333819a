import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS, notify } from '../index.js';

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const other = DEMO_ACCOUNTS[1];
let mine: string;
let theirs: string;

before(async () => {
  app = await startTestApp();
  // Nobody is sent anything here: the cabinet is what is tested.
  await app.ctx.db.updateTable('identity_person').set({ channels: '[]' }).where('id', 'in', [citizen.id, other.id]).execute();
  mine = await signIn(app, citizen.id);
  theirs = await signIn(app, other.id);
});
after(() => app.close());

const page = (url: string, cookie = mine) => app.server.inject({ url, headers: { cookie } });
const unread = (body: string) => (body.match(/data-unread="true"/g) ?? []).length;

test('my notifications only, newest first, each in the language of the page I read', async () => {
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Aziz-first' }, link: '/cabinet/settings' });
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Aziz-second' } });
  await notify(app.ctx.db, { personId: other.id, messageKey: 'mycab.notice.welcome', params: { name: 'Emma-secret' } });

  const en = await page('/en/cabinet/notifications');
  assert.equal(en.statusCode, 200);
  assert.equal(en.headers['cache-control'], 'no-store');
  assert.ok(en.body.includes('Welcome to Darcha, Aziz-second.'));
  assert.ok(en.body.indexOf('Aziz-second') < en.body.indexOf('Aziz-first'), 'newest first');
  assert.ok(en.body.includes('href="/en/cabinet/settings"'), 'the link opens in the reader\'s language');
  assert.ok(!en.body.includes('Emma-secret'), 'another person\'s notification is never shown');
  assert.equal(unread(en.body), 2);
  const ru = await page('/ru/cabinet/notifications');
  assert.ok(ru.body.includes('Добро пожаловать в Darcha, Aziz-second.'));
  assert.ok(ru.body.includes('У вас 2 непрочитанных уведомления'));

  const overview = await page('/en/cabinet');
  assert.ok(overview.body.includes('You have 2 unread notifications'));

  const emma = await page('/en/cabinet/notifications', theirs);
  assert.ok(emma.body.includes('Emma-secret'));
  assert.ok(!emma.body.includes('Aziz'));
});

test('mark all as read: mine only, and only with the form\'s token', async () => {
  const noToken = await app.server.inject({ method: 'POST', url: '/en/cabinet/notifications/read', headers: { cookie: mine, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
  assert.equal(noToken.statusCode, 403);
  assert.equal(unread((await page('/en/cabinet/notifications')).body), 2);

  const csrf = await csrfFor(app, '/en/cabinet/notifications', mine);
  const response = await app.server.inject({
    method: 'POST', url: '/en/cabinet/notifications/read', headers: { cookie: `${mine}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(csrf.token)}`,
  });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, '/en/cabinet/notifications');
  const after = await page('/en/cabinet/notifications');
  assert.equal(unread(after.body), 0);
  assert.ok(after.body.includes('Aziz-second'), 'read notifications stay listed');
  assert.ok(after.body.includes('You have read all your notifications.'));
  assert.ok(!after.body.includes('Mark all as read'));
  assert.equal(unread((await page('/en/cabinet/notifications', theirs)).body), 1, 'the other person\'s stay unread');
});

test('a long list is paged; a nonsense page number shows the first page', async () => {
  for (let i = 1; i <= 23; i++) await notify(app.ctx.db, { personId: other.id, messageKey: 'mycab.notice.welcome', params: { name: `N${String(i).padStart(2, '0')}` } });
  const first = await page('/en/cabinet/notifications', theirs);
  assert.ok(first.body.includes('Page 1 of 2'));
  assert.ok(first.body.includes('N23.') && first.body.includes('N04.') && !first.body.includes('N03.'));
  const second = await page('/en/cabinet/notifications?page=2', theirs);
  assert.ok(second.body.includes('Page 2 of 2'));
  assert.ok(second.body.includes('N03.') && second.body.includes('Emma-secret') && !second.body.includes('N23.'));
  for (const q of ['0', '-4', 'abc', '1e9', '99999999999999999999']) {
    const odd = await page(`/en/cabinet/notifications?page=${q}`, theirs);
    assert.equal(odd.statusCode, 200, q);
    assert.ok(odd.body.includes('Page 1 of 2') && odd.body.includes('N23.'), q);
  }
  const beyond = await page('/en/cabinet/notifications?page=50', theirs);
  assert.ok(beyond.body.includes('Page 2 of 2') && beyond.body.includes('N03.'), 'past the end: the last page');
});
