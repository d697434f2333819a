import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../../testing.js';
import { sha256 } from '../identity.store.js';
import { DEMO_ACCOUNTS, logDataAccess } from '../index.js';

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const other = DEMO_ACCOUNTS[2];

before(async () => { app = await startTestApp(); });
after(() => app.close());

async function sessionFor(personId: string, value: string) {
  await app.ctx.db.insertInto('identity_session').values({
    id_hash: sha256(value), ref: `ref-${value}`, person_id: personId, acting_for: null,
    expires_at: new Date(Date.now() + 3600_000), revoked_at: null, user_agent: 'test', ip: '127.0.0.1', id_token: null,
  }).execute();
  return `sid=${value}`;
}

const cabinet = (cookie?: string) => app.server.inject({ url: '/en/cabinet', headers: cookie ? { cookie } : {} });

test('the cabinet needs a session and shows only its owner\'s data', async () => {
  const anonymous = await cabinet();
  assert.equal(anonymous.statusCode, 303);
  assert.match(anonymous.headers.location as string, /^\/en\/signin\?next=%2Fen%2Fcabinet/);

  const page = await cabinet(await sessionFor(citizen.id, 'citizen-session-value-1'));
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(citizen.pinfl!));
  assert.ok(!page.body.includes(other.pinfl!));
  assert.equal(page.headers['cache-control'], 'no-store');
});

test('who looked at my data: each read is listed to the person it concerns, and to no one else', async () => {
  await logDataAccess(app.ctx.db, { personId: citizen.id, accessorKind: 'officer', accessor: 'G. Saidova, chief specialist', agencyId: 'public-services', purpose: 'Application 2026-000123', fields: ['address', 'birth date'] });
  await logDataAccess(app.ctx.db, { personId: other.id, accessorKind: 'system', accessor: 'tax-committee/soliq-portal', agencyId: 'tax-committee', purpose: 'Tax debt check', fields: ['pinfl'] });
  const mine = (await cabinet(await sessionFor(citizen.id, 'citizen-session-value-2'))).body;
  assert.ok(mine.includes('G. Saidova, chief specialist'));
  assert.ok(mine.includes('Application 2026-000123'));
  assert.ok(!mine.includes('soliq-portal'), 'another person\'s reads are not shown');
  const theirs = (await cabinet(await sessionFor(other.id, 'director-session-value-1'))).body;
  assert.ok(theirs.includes('soliq-portal'));
  assert.ok(!theirs.includes('G. Saidova'));
});

test('a revoked session stops working at once; one cannot revoke another person\'s session', async () => {
  const mineCookie = await sessionFor(citizen.id, 'citizen-session-value-3');
  const otherCookie = await sessionFor(other.id, 'director-session-value-2');
  const form = await cabinet(mineCookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const csrfCookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const post = (cookie: string, ref: string) => app.server.inject({
    method: 'POST', url: '/en/cabinet/sessions/revoke', headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(csrf)}&ref=${encodeURIComponent(ref)}`,
  });
  await post(mineCookie, 'ref-director-session-value-2');
  assert.equal((await cabinet(otherCookie)).statusCode, 200, 'someone else\'s session is untouched');
  await post(mineCookie, 'ref-citizen-session-value-2');
  assert.equal((await cabinet('sid=citizen-session-value-2')).statusCode, 303, 'revoked at once');
  const noToken = await app.server.inject({ method: 'POST', url: '/en/cabinet/sessions/revoke', headers: { cookie: mineCookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'ref=ref-citizen-session-value-3' });
  assert.equal(noToken.statusCode, 403, 'no CSRF token, nothing changed');
  assert.equal((await cabinet(mineCookie)).statusCode, 200);
});
