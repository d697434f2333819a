import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkPopulation } from './demo-check.js';
import { demoFilesAreCurrent, readDemoPopulation, renderBusinessesYaml, renderPeopleYaml, writeDemoFiles } from './demo-files.js';
import { birthday, DEMO_AS_OF, generatePopulation } from './demo-population.js';
import type { DemoPopulation } from './people.types.js';
import { parsePinfl } from './pinfl.js';
import { Prng } from './prng.js';

const demo = generatePopulation();

test('the same seed gives the same population, byte for byte; another seed another one', () => {
  const again = generatePopulation();
  assert.deepEqual(again, demo);
  assert.equal(renderPeopleYaml(again), renderPeopleYaml(demo));
  const other = generatePopulation({ seed: 'another' });
  assert.notDeepEqual(other.people.slice(8), demo.people.slice(8));
  assert.deepEqual(other.people.slice(0, 8), demo.people.slice(0, 8), 'the fixed people do not depend on the seed');
});

test('the generator draws from its seed, not from Math.random', () => {
  const random = Math.random;
  Math.random = () => { throw new Error('Math.random was called'); };
  try {
    assert.equal(generatePopulation({ citizens: 40, foreigners: 3, businesses: 5 }).people.length, 43);
  } finally {
    Math.random = random;
  }
  const a = new Prng('x'), b = new Prng('x'), c = new Prng('y');
  const draw = (p: Prng) => Array.from({ length: 5 }, () => p.int(0, 1e6));
  assert.deepEqual(draw(a), draw(b));
  assert.notDeepEqual(draw(new Prng('x')), draw(c));
});

test('300 citizens, 10 foreigners, 60 businesses; the fixed ones first, in README order', () => {
  assert.equal(demo.people.filter((p) => p.kind === 'citizen').length, 300);
  assert.equal(demo.people.filter((p) => p.kind === 'foreigner').length, 10);
  assert.equal(demo.businesses.length, 60);
  assert.deepEqual(demo.people.slice(0, 8).map((p) => p.demo?.role),
    ['citizen', 'foreigner', 'director', 'representative', 'officer', 'head', 'editor', 'admin']);
  assert.equal(demo.people.slice(8).filter((p) => p.demo).length, 0);
  const aziz = demo.people[0];
  assert.deepEqual([aziz.id, aziz.pinfl, aziz.phone], ['00000000-0000-4000-8000-000000000001', '31507901120014', '+998901234567']);
  const baraka = demo.businesses[0];
  assert.equal(baraka.director, demo.people[2].pinfl);
  assert.deepEqual(baraka.representatives, [demo.people[3].pinfl]);
});

test('consistent: valid PINFLs matching birth date and sex, directors and representatives who exist', () => {
  assert.deepEqual(checkPopulation(demo), []);
  for (const p of demo.people.filter((x) => x.kind === 'citizen')) {
    const parsed = parsePinfl(p.pinfl!, { today: DEMO_AS_OF });
    assert.deepEqual([parsed.birthDate, parsed.sex], [p.birthDate, p.sex], p.id);
  }
  const pinfls = new Set(demo.people.map((p) => p.pinfl));
  for (const b of demo.businesses) {
    assert.ok(pinfls.has(b.director), b.id);
    assert.ok(b.representatives.length <= 2 && b.representatives.every((r) => pinfls.has(r) && r !== b.director), b.id);
  }
  // Other seeds keep the rules too, not just the one committed.
  for (const seed of ['a', 'b', 'c']) assert.deepEqual(checkPopulation(generatePopulation({ seed })), [], seed);
});

test('a believable mix: both sexes, children, all regions, every language, all three legal forms', () => {
  const citizens = demo.people.filter((p) => p.kind === 'citizen');
  const count = (values: string[]) => new Set(values).size;
  assert.equal(count(citizens.map((p) => p.sex)), 2);
  assert.equal(count(demo.people.map((p) => p.region)), 14);
  assert.equal(count(demo.people.map((p) => p.locale)), 5);
  assert.equal(count(demo.businesses.map((b) => b.legalForm)), 3);
  const children = citizens.filter((p) => birthday(p.birthDate, 18) > DEMO_AS_OF);
  assert.ok(children.length > 20 && children.length < 80, `${children.length} children`);
  assert.ok(children.filter((p) => birthday(p.birthDate, 16) > DEMO_AS_OF).every((p) => p.phone === undefined), 'no phone under 16');
  assert.ok(citizens.some((p) => /[ҚқҒғҲҳЎў]/.test(p.nameCyrillic!.last + p.nameCyrillic!.first)), 'Uzbek Cyrillic letters');
  assert.ok(citizens.some((p) => /[ӘәӨөҮүҢң]/.test(Object.values(p.nameCyrillic!).join(''))), 'Karakalpak letters');
});

test('checkPopulation finds what breaks the rules', () => {
  const broken: DemoPopulation = structuredClone(demo);
  broken.people[0].birthDate = '1990-07-16';
  broken.people[2].sex = 'male';
  broken.people[4].pinfl = '31507901120015';
  broken.businesses[0].representatives.push('31111111111111', broken.businesses[0].director);
  broken.businesses[1].stir = '512345678';
  const problems = checkPopulation(broken);
  for (const part of ['born 1990-07-15, record 1990-07-16', 'says female, record male', 'invalid (check-digit)',
    "representative 31111111111111 is nobody's PINFL", 'also listed as a representative', 'more than two', 'does not fit']) {
    assert.ok(problems.some((p) => p.includes(part)), `expected a problem with "${part}" in ${problems.join('\n')}`);
  }
});

test('the committed files are what the generator makes, and read back to the same population', async () => {
  assert.equal(await demoFilesAreCurrent(), true, 'demo/identity is stale: node --import tsx scripts/demo-identity.ts');
  assert.deepEqual(await readDemoPopulation(), demo);
  const dir = await mkdtemp(join(tmpdir(), 'darcha-people-'));
  try {
    const small = generatePopulation({ seed: 'small', citizens: 20, foreigners: 2, businesses: 4 });
    await writeDemoFiles(small, dir);
    assert.deepEqual(await readDemoPopulation(dir), small);
    assert.match(renderBusinessesYaml(small), /^ {4}director: "\d{14}"$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
