import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Access } from '../platform/index.js';
import { csrfFor, signIn, startTestApp, type TestApp } from '../testing.js';
import { maySeeRecord, mayActIn } from './access.js';
import { DEMO_ACCOUNTS } from './demo.js';
import type { Session } from './sessions.js';

type DemoRole = (typeof DEMO_ACCOUNTS)[number]['role'];
const BARAKA = '00000000-0000-4000-9000-000000000001';

/**
 * Who may call a route of each access level, written out by hand: the test compares what
 * the server does for every route with this, not with the code that decides it.
 */
const EXPECTED: Record<Exclude<Access, 'public'>, DemoRole[]> = {
  person: ['citizen', 'foreigner', 'director', 'representative', 'officer', 'head', 'editor', 'admin'],
  business: ['director', 'representative'],
  staff: ['officer', 'head', 'editor', 'admin'],
  officer: ['officer', 'head'],
  head: ['head'],
  editor: ['editor'],
  admin: ['admin'],
};

let app: TestApp;
const cookies = new Map<DemoRole, { portal: string; office: string }>();
let csrf: { token: string; cookie: string };

before(async () => {
  app = await startTestApp();
  for (const account of DEMO_ACCOUNTS) {
    const actingFor = account.role === 'director' || account.role === 'representative' ? BARAKA : undefined;
    cookies.set(account.role, {
      portal: await signIn(app, account.id, { actingFor }),
      // Everyone gets an office session here, even those the back-office sign-in would refuse:
      // the routes must still turn away whoever lacks the role.
      office: await signIn(app, account.id, { audience: 'office' }),
    });
  }
  csrf = await csrfFor(app, '/en/cabinet', cookies.get('citizen')!.portal);
});
after(() => app.close());

test('every route declares who may call it', () => {
  const undeclared = app.server.routeTable.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(undeclared, []);
});

test('every protected route × every demo role and no one: allowed or refused as the table says', async () => {
  const routes = app.server.routeTable.filter((r) => r.access && r.access !== 'public' && !r.url.includes('*'));
  assert.ok(routes.length >= 10, `only ${routes.length} protected routes found`);
  const failures: string[] = [];
  for (const route of routes) {
    const access = route.access as Exclude<Access, 'public'>;
    const url = route.url.replace(/:\w+/g, 'x');
    for (const role of [undefined, ...DEMO_ACCOUNTS.map((a) => a.role)]) {
      const session = role ? cookies.get(role)![access === 'person' || access === 'business' ? 'portal' : 'office'] : undefined;
      const unsafe = route.method !== 'GET';
      const response = await app.server.inject({
        method: route.method as 'GET', url,
        headers: {
          cookie: [session, unsafe ? csrf.cookie : undefined].filter(Boolean).join('; '),
          ...(unsafe ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(unsafe ? { payload: `_csrf=${encodeURIComponent(csrf.token)}` } : {}),
      });
      const toSignIn = response.statusCode === 303 && /\/signin\?next=/.test(String(response.headers.location));
      const refused = response.statusCode === 401 || response.statusCode === 403 || toSignIn;
      const allowed = role !== undefined && EXPECTED[access].includes(role);
      if (allowed === refused || response.statusCode >= 500) {
        failures.push(`${route.method} ${route.url} as ${role ?? 'anonymous'}: ${response.statusCode}${allowed ? ' (should be allowed)' : ' (should be refused)'}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('a revoked role stops working at once', async () => {
  const head = DEMO_ACCOUNTS.find((a) => a.role === 'head')!;
  const cookie = await signIn(app, head.id, { audience: 'office' });
  assert.equal((await app.server.inject({ url: '/en/office', headers: { cookie } })).statusCode, 200);
  const sessions = app.modules.find((m) => m.name === 'identity') as unknown as { sessions?: { changed(id: string): Promise<void> } };
  await app.ctx.db.updateTable('identity_role').set({ revoked_at: new Date() }).where('person_id', '=', head.id).execute();
  // What the administrator's page does after revoking: announce the change to every process.
  await app.ctx.db.selectNoFrom((eb) => eb.fn('pg_notify', [eb.val('identity_person_changed'), eb.val(head.id)]).as('n')).execute();
  let status = 0;
  for (let i = 0; i < 50 && status !== 403; i++) {
    status = (await app.server.inject({ url: '/en/office', headers: { cookie } })).statusCode;
    if (status !== 403) await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(status, 403);
  assert.equal(sessions.sessions, undefined, 'the module keeps its sessions to itself');
});

const officer = (roles: Session['roles']): Session => ({ ref: 'r', audience: 'office', person: {} as Session['person'], roles, actingFor: null, idToken: null });

test('an officer sees records of their agency, unit and region only; a head sees the whole agency', () => {
  const clerk = officer([{ role: 'officer', agencyId: 'public-services', unit: 'applications', region: 'tashkent-city', district: null, position: null }]);
  const head = officer([{ role: 'head', agencyId: 'public-services', unit: null, region: null, district: null, position: null }]);
  const here = { agencyId: 'public-services', unit: 'applications', region: 'tashkent-city', district: 'yunusobod' };
  assert.equal(maySeeRecord(clerk, here), true);
  assert.equal(maySeeRecord(clerk, { ...here, region: 'samarkand' }), false);
  assert.equal(maySeeRecord(clerk, { ...here, unit: 'licences' }), false);
  assert.equal(maySeeRecord(clerk, { ...here, agencyId: 'tax-committee' }), false);
  assert.equal(maySeeRecord(head, { ...here, region: 'samarkand', unit: 'licences' }), true);
  assert.equal(maySeeRecord(head, { ...here, agencyId: 'tax-committee' }), false);
  const editor = officer([{ role: 'editor', agencyId: 'public-services', unit: null, region: null, district: null, position: null }]);
  assert.equal(maySeeRecord(editor, here), false, 'an editor is no officer');
});

test('a representative acts only within the scope of the power', () => {
  const base = officer([]);
  const scoped = { ...base, actingFor: { businessId: BARAKA, stir: '305123458', name: { uz: 'B', ru: 'B', en: 'B' }, director: false, scope: ['business-licence'] } };
  assert.equal(mayActIn(scoped, 'business-licence'), true);
  assert.equal(mayActIn(scoped, 'land-plot'), false);
  assert.equal(mayActIn({ ...scoped, actingFor: { ...scoped.actingFor, scope: ['*'] } }, 'land-plot'), true);
  assert.equal(mayActIn(base, 'business-licence'), false);
});
