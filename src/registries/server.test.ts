import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import ajvModule from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { createLogger, fromRoot, migrateToLatest, type Database } from '../platform/index.js';
import { readDemoPopulation } from '../identity/index.js';
import { testDatabase } from '../testing.js';
import { DEMO_BUSINESS, DEMO_CITIZEN, DEMO_CITIZEN_IDS, generateRegistryData } from './data/index.js';
import { faultsFromEnv } from './faults.js';
import { clearRegistryFaults, PORTAL_CLIENT, registriesModule, REGISTRIES, registryFault, setRegistryFault, startRegistryServer, type Registry, type RegistryService } from './index.js';

// Both are CommonJS whose module object is also their `default`: JSON Schema 2020-12, as OpenAPI 3.1 uses.
const ajv = new ajvModule.default({ strict: true, allErrors: true });
formatsModule.default(ajv);

const pop = await readDemoPopulation();
const data = generateRegistryData(pop);
let database: Database;
let server: { url: string; close(): Promise<void> };

before(async () => {
  database = await testDatabase();
  const module = registriesModule();
  await migrateToLatest(database.db, module.migrations!);
  const ctx = { db: database.db } as Parameters<NonNullable<typeof module.seed>>[0];
  assert.equal(await module.seed!(ctx), true, 'an empty database is seeded');
  assert.equal(await module.seed!(ctx), false, 'a seeded one is left alone');
  server = await startRegistryServer({ db: database.db, log: createLogger('silent') });
});

after(async () => {
  clearRegistryFaults();
  await server?.close();
  await database?.close();
});

/** The one service with this code (the utilities' codes, shared by three registries, give the gas one). */
const find = (code: string): [Registry, RegistryService] => {
  for (const r of REGISTRIES) for (const s of r.services) if (s.code === code) return [r, s];
  throw new Error(`no service ${code}`);
};
const urlOf = (code: string | [Registry, RegistryService], rest: string) => {
  const [r, s] = typeof code === 'string' ? find(code) : code;
  return `${server.url}/${r.member.code}/${r.subsystem}/${s.code}${rest}`;
};
type Operation = { parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, { content: { 'application/json': { schema: object } } }> };
const operation = (s: RegistryService) => {
  const paths = s.openapi.paths as Record<string, Record<string, Operation>>;
  return paths[s.path || '/'][s.method.toLowerCase()];
};
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
/** Asserts that a body matches the service's OpenAPI schema for the status. */
function assertSchema(s: RegistryService, status: number, body: unknown) {
  const key = `${s.code}/${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const response = operation(s).responses[String(status)];
    assert.ok(response, `${s.code}: the OpenAPI description has no ${status} answer`);
    validate = ajv.compile(response.content['application/json'].schema);
    validators.set(key, validate);
  }
  assert.ok(validate(body), `${s.code} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`);
}
async function call(code: string | [Registry, RegistryService], rest: string, status = 200): Promise<any> {
  const url = urlOf(code, rest);
  const res = await fetch(url, { headers: { 'x-road-client': PORTAL_CLIENT, 'x-road-userid': `UZ${DEMO_CITIZEN}` } });
  const body = await res.json();
  assert.equal(res.status, status, `${url}: ${res.status} ${JSON.stringify(body)}`);
  assertSchema(typeof code === 'string' ? find(code)[1] : code[1], status, body);
  return body;
}

/** A PINFL with a valid check digit that nobody in the demo has. */
function unknownPinfl(): string {
  const body = '3150790112999';
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(body[i]) * [7, 3, 1][i % 3];
  const pinfl = body + (sum % 10);
  assert.ok(!data.registry_person.some((p) => p.pinfl === pinfl));
  return pinfl;
}

test('twelve registries of members in the demo catalog, 2–4 services each, about 25 in all, with the access the demo grants', async () => {
  const agencies = new Set((parse(await readFile(fromRoot('demo', 'catalog', 'agencies.yaml'), 'utf8')) as { id: string }[]).map((a) => a.id));
  assert.equal(REGISTRIES.length, 12);
  const total = REGISTRIES.reduce((n, r) => n + r.services.length, 0);
  assert.ok(total >= 25 && total <= 32, `${total} services`);
  const subsystems = new Set([...REGISTRIES.map((r) => `GOV/${r.member.code}/${r.subsystem}`), PORTAL_CLIENT]);
  assert.ok(agencies.has(PORTAL_CLIENT.split('/')[1]));
  for (const r of REGISTRIES) {
    assert.ok(agencies.has(r.member.code), `${r.member.code} is not an agency of the demo catalog`);
    assert.ok(r.services.length >= 2 && r.services.length <= 4, `${r.member.code}: ${r.services.length} services`);
    assert.equal(new Set(r.services.map((s) => s.code)).size, r.services.length, 'service codes are unique in a subsystem');
    for (const s of r.services) assert.match(s.code, /^[a-z]+(-[a-z]+)*$/);
    assert.deepEqual(r.access.find((a) => a.client === PORTAL_CLIENT)?.services, r.services.map((s) => s.code), 'the portal may call every service');
    for (const a of r.access) {
      assert.ok(subsystems.has(a.client), `${r.member.code}: client ${a.client} is no subsystem of the demo`);
      for (const code of a.services) assert.ok(r.services.some((s) => s.code === code), `${r.member.code}: grant of unknown ${code}`);
    }
  }
});

test('each service has an OpenAPI 3.1 description of its own, whose schemas compile and whose parameters are the route\'s', () => {
  for (const r of REGISTRIES) {
    for (const s of r.services) {
      assert.equal(s.openapi.openapi, '3.1.0');
      assert.deepEqual(Object.keys(s.openapi.paths as object), [s.path || '/']);
      const op = operation(s);
      const inPath = [...s.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), inPath, s.code);
      const query = new URLSearchParams(s.example!.query);
      for (const name of query.keys()) assert.ok(op.parameters.some((p) => p.in === 'query' && p.name === name), `${s.code}: example uses undeclared ${name}`);
      for (const status of Object.keys(op.responses)) ajv.compile(op.responses[status].content['application/json'].schema);
    }
  }
});

test('every service answers its example call through HTTP with JSON its OpenAPI schema allows', async () => {
  for (const r of REGISTRIES) for (const s of r.services) await call([r, s], `${s.example!.path}${s.example!.query}`);
});

test('answers carry the demo data: the citizen\'s fine, debts, salary, property; families, pensions, queues, businesses', async () => {
  const fines = await call('fines', `?pinfl=${DEMO_CITIZEN}&status=unpaid`);
  assert.deepEqual(fines.fines.map((f: { number: string }) => f.number), [DEMO_CITIZEN_IDS.unpaidFine]);
  assert.equal(fines.unpaidTiyin, 412_000_00, 'one BHM of 2026');
  assert.equal((await call('fines', `?plate=${DEMO_CITIZEN_IDS.plate}`)).fines.length, 3);
  const collected = await call('fine', `/${(await call('enforcement-case', `/${DEMO_CITIZEN_IDS.enforcementCase}`)).source}`);
  assert.deepEqual([collected.paid, collected.enforcementCase], [true, DEMO_CITIZEN_IDS.enforcementCase]);
  const tax = await call('taxpayer-debts', `?pinfl=${DEMO_CITIZEN}`);
  assert.ok(tax.totalTiyin > 0 && tax.debts[0].tax === 'property-individual');
  assert.ok((await call('taxpayer-debts', `?stir=${DEMO_BUSINESS}`)).debts.some((d: { tax: string }) => d.tax === 'vat'));
  assert.equal((await call('taxpayer', `?pinfl=${DEMO_CITIZEN}`)).kind, 'individual');
  assert.ok((await call('accounts', `?pinfl=${DEMO_CITIZEN}`)).totalDebtTiyin > 0);
  const year = await call('salary-records', `?pinfl=${DEMO_CITIZEN}&from=2024-01&to=2024-12`);
  assert.equal(year.records.length, 12);
  assert.equal(year.totalSalaryTiyin, (await call('income', `?pinfl=${DEMO_CITIZEN}&year=2024`)).incomeTiyin, 'the tax committee and the fund agree');
  const home = await call('population', `/${DEMO_CITIZEN}`);
  assert.equal(home.residence.address.line, 'Amir Temur koʻchasi, 108-uy, 12-xonadon');
  assert.match(home.residence.address.text.uz, /^Toshkent shahri, Yunusobod tumani, Amir Temur/);
  const property = await call('property', `?pinfl=${DEMO_CITIZEN}`);
  assert.ok(property.objects.some((o: { cadastralNumber: string; share: string }) => o.cadastralNumber === DEMO_CITIZEN_IDS.flat && o.share === '1/1'));
  assert.ok((await call('property', `?stir=${DEMO_BUSINESS}`)).objects.length >= 1);

  const birth = data.registry_birth.find((b) => b.mother_pinfl)!;
  const children = await call('births', `?parent=${birth.mother_pinfl}`);
  assert.ok(children.births.some((b: { child: { pinfl: string } }) => b.child.pinfl === birth.child_pinfl));
  assert.equal((await call('birth-record', `/${birth.child_pinfl}`)).mother.pinfl, birth.mother_pinfl);
  const moved = data.registry_residence.find((r) => r.deregistered_on)!;
  assert.ok((await call('residence', `/${moved.pinfl}`)).history.length >= 1);
  const pensioner = data.registry_pension.find((p) => p.kind === 'age')!;
  assert.equal((await call('pension', `/${pensioner.pinfl}`)).pension.monthlyTiyin, pensioner.monthly_tiyin);
  const waiting = data.registry_kindergarten_queue.find((q) => q.status === 'waiting')!;
  assert.ok((await call('kindergarten-queue', `?child=${waiting.child_pinfl}`)).entries[0].position >= 1);
  assert.ok((await call('kindergartens', '?region=tashkent-city')).kindergartens.length >= 2);
  const banned = data.registry_enforcement.find((e) => e.travel_ban && e.debtor_kind === 'person')!;
  assert.equal((await call('travel-ban', `/${banned.debtor}`)).banned, true);
  assert.ok((await call('enforcement-debts', `?pinfl=${banned.debtor}`)).totalTiyin > 0);
  const company = await call('company', `/${DEMO_BUSINESS}`);
  assert.deepEqual([company.director.pinfl, company.representatives.map((p: { pinfl: string }) => p.pinfl)], [pop.businesses[0].director, pop.businesses[0].representatives]);
  assert.deepEqual((await call('companies', `?person=${pop.businesses[0].representatives[0]}`)).companies.map((c: { role: string }) => c.role), ['representative']);
  const vehicleOfCompany = data.registry_vehicle.find((v) => v.owner_kind === 'company')!;
  assert.ok((await call('vehicles', `?stir=${vehicleOfCompany.owner}`)).vehicles.length >= 1);
  // A person the register knows with nothing to show gets an empty list, not 404.
  assert.deepEqual((await call('births', `?parent=${DEMO_CITIZEN}`)).births, []);
});

/** A call per service that must be refused as bad input. */
const BAD: Record<string, string> = {
  'birth-record': '/31507901120015', births: '?parent=3150790112001', marriages: '?pinfl=31507901120015', population: '/31507901120015',
  residence: '/abc', taxpayer: `?pinfl=${DEMO_CITIZEN}&stir=${DEMO_BUSINESS}`, 'taxpayer-debts': '?stir=705123458',
  income: `?pinfl=${DEMO_CITIZEN}&year=nineteen`, property: '', 'property-object': '/not-a-number', vehicles: '?pinfl=31507901120015',
  fines: `?pinfl=${DEMO_CITIZEN}&status=late`, fine: '/XX12345678', 'enforcement-debts': '?stir=30512345x', 'enforcement-case': '/IJ123',
  'travel-ban': '/31507901120015', 'salary-records': `?pinfl=${DEMO_CITIZEN}&from=2024-13`, 'work-record': '/31507901120015',
  pension: '/00000000000000', accounts: '?pinfl=31507901120015', account: '/12', kindergartens: '?district=atlantis',
  'kindergarten-queue': '?child=31507901120015', company: '/12345', companies: '?person=31507901120015',
};

test('bad input is refused with 400 and { type, message }, for every service', async () => {
  for (const r of REGISTRIES) {
    for (const s of r.services) {
      assert.ok(s.code in BAD, `no bad call for ${s.code}`);
      const body = await call([r, s], BAD[s.code], 400);
      assert.equal(typeof body.message, 'string');
    }
  }
  const checkDigit = await call('population', '/31507901120015', 400);
  assert.match(checkDigit.message, /check digit/);
});

test('someone the registers do not know is 404 where that is the honest answer; an unknown service is 404 too', async () => {
  const nobody = unknownPinfl();
  const missing: Record<string, string> = {
    'birth-record': `/${nobody}`, births: `?parent=${nobody}`, marriages: `?pinfl=${nobody}`, population: `/${nobody}`, residence: `/${nobody}`,
    taxpayer: '?stir=399999999', 'taxpayer-debts': `?pinfl=${nobody}`, income: `?pinfl=${nobody}&year=2025`, property: `?pinfl=${nobody}`,
    'property-object': '/99:99:99:99:99:9999', vehicles: '?stir=399999999', fines: `?pinfl=${nobody}`, fine: '/RR00000000',
    'enforcement-debts': `?pinfl=${nobody}`, 'enforcement-case': '/IJ0000000000', 'travel-ban': `/${nobody}`,
    'salary-records': `?pinfl=${nobody}`, 'work-record': `/${nobody}`, pension: `/${nobody}`, accounts: `?pinfl=${nobody}`,
    'kindergarten-queue': `?applicant=${nobody}`, company: '/399999999', companies: `?person=${nobody}`,
  };
  for (const r of REGISTRIES) {
    for (const s of r.services) {
      // An account number of the right length that no one has.
      if (s.code === 'account') missing.account = `/${'0'.repeat(s.example!.path.length - 1)}`;
      if (!(s.code in missing)) { assert.equal(operation(s).responses['404'], undefined, `${s.code} says it may answer 404`); continue; }
      const body = await call([r, s], missing[s.code], 404);
      assert.equal(body.type, 'not-found');
    }
  }
  const res = await fetch(`${server.url}/tax-committee/soliq/no-such-service`);
  assert.equal(res.status, 404);
  assert.equal((await res.json() as { type: string }).type, 'unknown-service');
});

test('with serve, the module runs the registry server while the app runs', async () => {
  const module = registriesModule({ serve: {} });
  await module.start!({ db: database.db, log: createLogger('silent') } as Parameters<NonNullable<typeof module.start>>[0]);
  try {
    assert.match(module.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${module.url}/public-services/biznes/company/${DEMO_BUSINESS}`)).status, 200);
  } finally {
    await module.stop!();
  }
  await assert.rejects(fetch(`${module.url}/public-services/biznes/company/${DEMO_BUSINESS}`), 'stopped with the app');
});

test('the fault switch: a registry that is down drops the connection, one that errs answers 503, a slow one answers late; others are unaffected', async () => {
  const debts = urlOf('taxpayer-debts', `?pinfl=${DEMO_CITIZEN}`);
  const population = urlOf('population', `/${DEMO_CITIZEN}`);
  try {
    setRegistryFault('tax-committee', 'down');
    await assert.rejects(fetch(debts), /fetch failed/);
    assert.equal((await fetch(population)).status, 200, 'another registry still answers');

    setRegistryFault('tax-committee', 'error');
    const unavailable = await fetch(debts);
    assert.equal(unavailable.status, 503);
    assertSchema(find('taxpayer-debts')[1], 503, await unavailable.json());

    setRegistryFault('tax-committee', 'slow', { delayMs: 400 });
    const started = performance.now();
    assert.equal((await fetch(debts)).status, 200);
    assert.ok(performance.now() - started >= 390, 'the answer came late');
    // A client that gives up does not leave the server stuck.
    await assert.rejects(fetch(debts, { signal: AbortSignal.timeout(100) }));

    setRegistryFault('tax-committee', null);
    assert.equal((await fetch(debts)).status, 200);

    // Over HTTP, for a registry server in another process.
    const put = (member: string, body: object) => fetch(`${server.url}/_faults/${member}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put('cadastre', { mode: 'error' })).status, 200);
    assert.equal((await fetch(urlOf('property', `?pinfl=${DEMO_CITIZEN}`))).status, 503);
    assert.deepEqual(await (await fetch(`${server.url}/_faults`)).json(), { cadastre: { mode: 'error', delayMs: 10_000 } });
    assert.equal((await put('cadastre', { mode: null })).status, 200);
    assert.equal((await fetch(urlOf('property', `?pinfl=${DEMO_CITIZEN}`))).status, 200);
    assert.equal((await put('cadastre', { mode: 'broken' })).status, 400);

    // From the environment, as a separately started server reads it.
    faultsFromEnv('road-safety=slow:50, migration=down');
    assert.deepEqual([registryFault('road-safety'), registryFault('migration')?.mode], [{ mode: 'slow', delayMs: 50 }, 'down']);
    assert.throws(() => faultsFromEnv('cadastre=sideways'), /REGISTRY_FAULTS/);
  } finally {
    clearRegistryFaults();
  }
});
