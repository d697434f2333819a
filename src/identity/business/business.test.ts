import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS } from '../demo.js';
import type { Session } from '../sessions.js';
import { accountBar } from './account.js';
import { addYears, endOfDay, lastDay, today } from './dates.js';
import { parsePowerForm } from './power-form.js';
import { grantPower } from './business.store.js';
import { makePinfl } from '../people/index.js';

const BARAKA = '00000000-0000-4000-9000-000000000001';
const [citizen, , director, representative] = DEMO_ACCOUNTS;
/** A citizen of the demo population with no role and no power (people.yaml). */
const SANJAR = { id: '41ded5ad-a459-420e-8b8f-c8b4adecbea5', pinfl: '31201775023584' };
/** Another business's director and its power, to try across businesses. */
let otherPower: string;

let app: TestApp;
before(async () => {
  app = await startTestApp();
  const other = await app.ctx.db.selectFrom('identity_power').select('id').where('business_id', '!=', BARAKA).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  otherPower = other.id;
});
after(() => app.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Posts a form as a signed-in person, with the CSRF token read from `from`. */
async function post(cookie: string, url: string, fields: Record<string, string>, from = '/en/cabinet') {
  const csrf = await csrfFor(app, from, cookie);
  return app.server.inject({
    method: 'POST', url, headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrf.token, ...fields }),
  });
}
const get = (cookie: string, url: string) => app.server.inject({ url, headers: { cookie } });
const count = async (table: 'identity_power' | 'identity_audit', action?: string) => {
  let query = app.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (action) query = (query as any).where('action', '=', action);
  return Number((await query.executeTakeFirstOrThrow()).n);
};
const activePowersOf = (personId: string) => app.ctx.db.selectFrom('identity_power').selectAll()
  .where('person_id', '=', personId).where('business_id', '=', BARAKA).where('revoked_at', 'is', null).execute();

test('the director switches to the business in one click and the header says so', async () => {
  const cookie = await signIn(app, director.id);
  const page = await get(cookie, '/en/cabinet/act-for');
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.match(page.body, /name="business" value="self"/);
  assert.match(page.body, new RegExp(`name="business" value="${BARAKA}"`));
  assert.match(page.body, /Baraka Savdo LLC/);

  const switched = await post(cookie, '/en/cabinet/act-for', { business: BARAKA });
  assert.equal(switched.statusCode, 303);
  assert.equal(switched.headers.location, '/en/business');
  const cabinet = await get(cookie, '/en/business');
  assert.equal(cabinet.statusCode, 200);
  assert.match(cabinet.body, /class="account-bar"/);
  assert.match(cabinet.body, /acting for Baraka Savdo LLC \(STIR 305123458\)/);
  assert.match(cabinet.body, /Limited liability company/);
  assert.match(cabinet.body, /Samarkand/);
  const audited = await app.ctx.db.selectFrom('identity_audit').select(['subject']).where('action', '=', 'acting.switched').where('actor', '=', director.id).execute();
  assert.deepEqual(audited.map((a) => a.subject), [BARAKA]);

  // Back to acting for oneself: the business cabinet closes.
  assert.equal((await post(cookie, '/en/cabinet/act-for', { business: 'self' })).headers.location, '/en/cabinet');
  assert.equal((await get(cookie, '/en/business')).statusCode, 403);
});

test('a business without a power is refused: 403, the session unchanged, nothing audited', async () => {
  const cookie = await signIn(app, citizen.id);
  const before = await count('identity_audit', 'acting.switched');
  const refused = await post(cookie, '/en/cabinet/act-for', { business: BARAKA });
  assert.equal(refused.statusCode, 403);
  const session = await app.ctx.db.selectFrom('identity_session').select('acting_for').where('person_id', '=', citizen.id).executeTakeFirstOrThrow();
  assert.equal(session.acting_for, null);
  assert.equal(await count('identity_audit', 'acting.switched'), before);
  assert.equal((await get(cookie, '/en/business')).statusCode, 403);
  assert.equal((await post(cookie, '/en/cabinet/act-for', {})).statusCode, 400);
  const page = await get(cookie, '/en/cabinet/act-for');
  assert.doesNotMatch(page.body, new RegExp(BARAKA), 'only businesses the person may act for are offered');
  assert.match(page.body, /You direct no business/);
});

test('the grant form refuses what cannot be, next to each field, and writes nothing', async () => {
  const cookie = await signIn(app, director.id, { actingFor: BARAKA });
  const before = await count('identity_power');
  const until = addYears(today(), 1);
  const cases: [Record<string, string>, RegExp][] = [
    [{ pinfl: '', scope: 'all', until }, /Enter the representative&#39;s PINFL|Enter the representative's PINFL/],
    [{ pinfl: '1234', scope: 'all', until }, /A PINFL is exactly 14 digits/],
    [{ pinfl: '31201775023585', scope: 'all', until }, /This is not a valid PINFL/],
    [{ pinfl: makePinfl({ birthDate: '1990-07-15', sex: 'male', districtCode: '112', serial: 999 }), scope: 'all', until }, /Nobody with this PINFL/],
    [{ pinfl: director.pinfl, scope: 'all', until }, /The director acts for the business by law/],
    [{ pinfl: representative.pinfl, scope: 'all', until }, /already holds a power/],
    [{ pinfl: SANJAR.pinfl, scope: 'some', services: '', until }, /List at least one service/],
    [{ pinfl: SANJAR.pinfl, scope: 'some', services: 'charter-amendments, no-such-service', until }, /not in the catalog: no-such-service/],
    [{ pinfl: SANJAR.pinfl, scope: 'all', until: today() }, /must be after today/],
    [{ pinfl: SANJAR.pinfl, scope: 'all', until: addYears(today(), 4) }, /at most three years/],
    [{ pinfl: SANJAR.pinfl, scope: 'all', until: '2027-02-30' }, /Enter a real date/],
    [{ pinfl: 'x'.repeat(100_000), scope: 'all', until }, /A PINFL is exactly 14 digits/],
  ];
  for (const [fields, message] of cases) {
    const response = await post(cookie, '/en/business/powers', fields, '/en/business/powers');
    assert.equal(response.statusCode, 400, JSON.stringify(fields).slice(0, 80));
    assert.match(response.body, /class="error-summary"/);
    assert.match(response.body, message);
  }
  assert.equal(await count('identity_power'), before);
});

test('the director grants a power for some services; the person can act for the business at once', async () => {
  const director_ = await signIn(app, director.id, { actingFor: BARAKA });
  const grantee = await signIn(app, SANJAR.id, { actingFor: BARAKA });
  assert.equal((await get(grantee, '/en/business')).statusCode, 403, 'no power yet');
  const until = addYears(today(), 2);
  const granted = await post(director_, '/en/business/powers', { pinfl: SANJAR.pinfl, scope: 'some', services: 'charter-amendments, Business-Registry-Extract,charter-amendments', until }, '/en/business/powers');
  assert.equal(granted.statusCode, 303);
  const [power] = await activePowersOf(SANJAR.id);
  assert.ok(power);
  assert.deepEqual(power.scope, ['charter-amendments', 'business-registry-extract']);
  assert.equal(power.granted_by, director.id);
  assert.equal(lastDay(power.expires_at), until);
  assert.equal(new Date(power.expires_at).getTime(), endOfDay(until).getTime());
  const audit = await app.ctx.db.selectFrom('identity_audit').select(['actor', 'detail']).where('action', '=', 'power.granted').where('subject', '=', SANJAR.id).executeTakeFirstOrThrow();
  assert.equal(audit.actor, director.id);
  assert.equal((audit.detail as { power: string }).power, power.id);

  const page = await get(director_, granted.headers.location as string);
  assert.match(page.body, /The power was granted/);
  assert.match(page.body, /Sanjar Sherzodovich Rahimov/);
  assert.match(page.body, new RegExp(until));
  // The grantee, whose session was loaded without a power a moment ago, acts now.
  const cabinet = await get(grantee, '/en/business');
  assert.equal(cabinet.statusCode, 200);
  assert.match(cabinet.body, /by a power of representation/);

  const again = await post(director_, '/en/business/powers', { pinfl: SANJAR.pinfl, scope: 'all', until }, '/en/business/powers');
  assert.equal(again.statusCode, 400, 'no second power while one holds');
  assert.equal((await activePowersOf(SANJAR.id)).length, 1);
});

test('two grants for one person at once make one power', async () => {
  const person = await app.ctx.db.selectFrom('identity_person').select(['id', 'pinfl']).where('pinfl', '=', '41412761680374').executeTakeFirstOrThrow();
  const grant = () => grantPower(app.ctx.db, { businessId: BARAKA, pinfl: person.pinfl!, scope: ['*'], expiresAt: endOfDay(addYears(today(), 1)), by: director.id, ip: '127.0.0.1' });
  const results = await Promise.all([grant(), grant(), grant()]);
  assert.equal(results.filter((r) => 'id' in r).length, 1);
  assert.deepEqual(results.filter((r) => 'reason' in r).map((r) => 'reason' in r && r.reason), ['holds', 'holds']);
  assert.equal((await activePowersOf(person.id)).length, 1);
});

test('a representative sees only their own power, read-only, and cannot grant or revoke', async () => {
  const cookie = await signIn(app, representative.id, { actingFor: BARAKA });
  const page = await get(cookie, '/en/business/powers');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Timur/);
  assert.doesNotMatch(page.body, /Sanjar/, 'other representatives are not shown');
  assert.doesNotMatch(page.body, /name="pinfl"/, 'no grant form');
  assert.doesNotMatch(page.body, /\/revoke"/, 'no revoke form');
  const before = await count('identity_power');
  const granted = await post(cookie, '/en/business/powers', { pinfl: SANJAR.pinfl, scope: 'all', until: addYears(today(), 1) });
  assert.equal(granted.statusCode, 404);
  assert.equal(await count('identity_power'), before);
  const [own] = await activePowersOf(representative.id);
  const revoked = await post(cookie, `/en/business/powers/${own!.id}/revoke`, {});
  assert.equal(revoked.statusCode, 404);
  assert.equal((await activePowersOf(representative.id)).length, 1, 'still in force');
});

test('revoking a power stops the representative at once; another business\'s power cannot be revoked', async () => {
  const director_ = await signIn(app, director.id, { actingFor: BARAKA });
  const rep = await signIn(app, representative.id, { actingFor: BARAKA });
  assert.equal((await get(rep, '/en/business')).statusCode, 200, 'loaded and held in memory');

  const foreign = await post(director_, `/en/business/powers/${otherPower}/revoke`, {}, '/en/business/powers');
  assert.equal(foreign.statusCode, 404);
  const other = await app.ctx.db.selectFrom('identity_power').select('revoked_at').where('id', '=', otherPower).executeTakeFirstOrThrow();
  assert.equal(other.revoked_at, null);

  const [power] = await activePowersOf(representative.id);
  const tooLong = await post(director_, `/en/business/powers/${power!.id}/revoke`, { reason: 'x'.repeat(501) }, '/en/business/powers');
  assert.equal(tooLong.statusCode, 400);
  assert.equal((await activePowersOf(representative.id)).length, 1);

  const revoked = await post(director_, `/en/business/powers/${power!.id}/revoke`, { reason: 'Left the company' }, '/en/business/powers');
  assert.equal(revoked.statusCode, 303);
  assert.equal((await get(rep, '/en/business')).statusCode, 403, 'refused right after the revoke');
  const row = await app.ctx.db.selectFrom('identity_power').select(['revoked_at', 'revoked_by']).where('id', '=', power!.id).executeTakeFirstOrThrow();
  assert.ok(row.revoked_at);
  assert.equal(row.revoked_by, director.id);
  const audit = await app.ctx.db.selectFrom('identity_audit').select(['actor', 'detail']).where('action', '=', 'power.revoked').where('subject', '=', representative.id).executeTakeFirstOrThrow();
  assert.deepEqual(audit.detail, { power: power!.id, business: BARAKA, reason: 'Left the company' });
  // Revoking twice finds nothing in force.
  assert.equal((await post(director_, `/en/business/powers/${power!.id}/revoke`, {}, '/en/business/powers')).statusCode, 404);
  const page = await get(rep, '/en/cabinet/act-for');
  assert.doesNotMatch(page.body, new RegExp(BARAKA), 'no longer offered');
});

test('the business pages speak every language', async () => {
  const cookie = await signIn(app, director.id, { actingFor: BARAKA });
  const ru = await get(cookie, '/ru/business');
  assert.match(ru.body, /от имени ООО «Барака Савдо» \(ИНН 305123458\)/);
  assert.match(ru.body, /Общество с ограниченной ответственностью/);
  const oz = await get(cookie, '/oz/business/powers');
  assert.match(oz.body, /Ишончномалар/);
  const uz = await get(cookie, '/uz/cabinet/act-for');
  assert.match(uz.body, /Kim nomidan ish yuritasiz\?/);
});

test('the account bar names the person and the business they act for', () => {
  const session = {
    person: { nameLatin: { first: 'Dilnoza', last: 'Ergasheva', middle: 'X' }, nameCyrillic: { first: 'Дилноза', last: 'Эргашева' } },
    actingFor: { businessId: BARAKA, stir: '305123458', name: { uz: '"Baraka Savdo" MChJ', ru: 'ООО «Барака Савдо»', en: 'Baraka Savdo LLC' }, director: true, scope: ['*'] },
  } as unknown as Session;
  assert.deepEqual(accountBar(session, 'uz'), { name: 'Dilnoza Ergasheva', actingFor: '"Baraka Savdo" MChJ nomidan (STIR 305123458)', switchUrl: '/uz/cabinet/act-for', switchLabel: 'Almashtirish' });
  assert.equal(accountBar(session, 'oz').name, 'Дилноза Эргашева');
  assert.equal(accountBar({ ...session, actingFor: null }, 'en').actingFor, undefined);
});

test('the power form: dates in Tashkent, at most three years, services known to the catalog', () => {
  const now = new Date('2026-11-01T20:00:00Z'); // already 2 November in Tashkent
  assert.equal(today(now), '2026-11-02');
  const known = new Set(['charter-amendments']);
  const ok = parsePowerForm({ pinfl: ' 3120 1775 0235 84 ', scope: 'all', until: '2029-11-02' }, known, now);
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(ok.power, { pinfl: SANJAR.pinfl, scope: ['*'], expiresAt: new Date('2029-11-02T19:00:00Z') });
  assert.equal(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'all', until: '2029-11-03' }, known, now).errors.until?.key, 'until-too-far');
  assert.equal(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'all', until: '2026-11-02' }, known, now).errors.until?.key, 'until-past');
  assert.equal(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'any', until: '2027-01-01' }, known, now).errors.scope?.key, 'scope-missing');
  assert.equal(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'some', services: Array.from({ length: 51 }, (_, i) => `s${i}`).join(','), until: '2027-01-01' }, null, now).errors.services?.key, 'services-too-many');
  assert.deepEqual(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'some', services: 'a-b; c', until: '2027-01-01' }, null, now).power?.scope, ['a-b', 'c']);
  assert.equal(parsePowerForm({ pinfl: SANJAR.pinfl, scope: 'some', services: '<script>', until: '2027-01-01' }, null, now).errors.services?.key, 'services-unknown');
  assert.equal(addYears('2028-02-29', 1), '2029-02-28');
  assert.equal(lastDay(endOfDay('2027-12-31')), '2027-12-31');
});
