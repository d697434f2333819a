import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LocalText } from '../../platform/index.js';
import { DEMO_CATALOG_DIR, readCatalog } from '../index.js';
import type { Agency, Service, Sphere } from '../catalog.types.js';
import { ServiceSearch } from './search-index.js';

const text = (uz: string, oz: string, ru: string, en: string, kaa = uz): LocalText => ({ uz, oz, kaa, ru, en });

function service(id: string, name: LocalText, popularity: number, extra: Partial<Service> = {}): Service {
  return {
    id, sphereId: 'civil', agencyId: 'registry', type: 'transactional', audience: ['G2C'], channels: ['portal'], feeBhm: 0,
    onlineDiscount: 10, term: { days: 1, kind: 'working' }, popularity, name, summary: text('', '', '', ''), keywords: null,
    documents: [], result: text('', '', '', ''), steps: [], legalBasis: [], ...extra,
  };
}

const spheres = new Map<string, Sphere>([['civil', { id: 'civil', position: 1, icon: 'family', name: text('Fuqarolik holati', 'Фуқаролик ҳолати', 'ЗАГС', 'Civil status') }]]);
const agencies = new Map<string, Agency>([['registry', { id: 'registry', name: text('FHDYo', 'ФҲДЁ', 'ЗАГС', 'Registry office') } as Agency]]);

// Each service is named in one script only, so that a match must cross scripts.
const services = [
  service('passport', text('', 'Биометрик паспорт олиш', '', ''), 1000),
  service('driving', text('Haydovchilik guvohnomasini almashtirish', '', '', ''), 500),
  service('kindergarten', text('', '', 'Постановка в очередь в детский сад', ''), 800),
  service('marriage', text('', '', '', 'Marriage registration'), 300),
  service('oshxona', text('Oʻzbek oshxonasi litsenziyasi', '', '', ''), 10),
  service('popular-passport-note', text('Pasport maʼlumotnomasi', '', '', ''), 100000, { type: 'informational', audience: ['G2F'] }),
];
const index = new ServiceSearch(services, spheres, agencies);
const ids = (query: string, filters = {}) => index.search(query, filters).map((h) => h.id);

test('a Latin query finds a service named only in Cyrillic, and back', () => {
  assert.ok(ids('biometrik pasport').includes('passport'));
  assert.ok(ids('ҳайдовчилик гувоҳномаси').includes('driving'));
});

test('Russian and English words find their services', () => {
  assert.equal(ids('детский сад')[0], 'kindergarten');
  assert.ok(ids('detskiy sad').includes('kindergarten'), 'Russian typed in Latin letters');
  assert.equal(ids('marriage')[0], 'marriage');
});

test('every apostrophe people type for oʻ finds the word', () => {
  for (const q of ["o'zbek oshxona", 'o‘zbek oshxona', 'ozbek oshxona', 'ўзбек ошхона']) assert.equal(ids(q)[0], 'oshxona', q);
});

test('typos of one or two letters and inflected forms still find', () => {
  assert.ok(ids('haydovchlik').includes('driving'), 'one letter missing');
  assert.ok(ids('haidovchilik guvohnoma').includes('driving'), 'one letter wrong');
  assert.ok(ids('biometrik pasprot').includes('passport'), 'letters swapped');
  assert.ok(ids('guvohnomasi').includes('driving'));
  assert.ok(ids('детского сада').includes('kindergarten'), 'Russian case ending');
});

test('relevance first, then popularity', () => {
  // Both match "pasport"; the far more popular one leads.
  const hits = ids('pasport');
  assert.deepEqual(hits.slice(0, 2), ['popular-passport-note', 'passport']);
  // A query matching only one service's name returns it first whatever the popularity.
  assert.equal(ids('biometrik')[0], 'passport');
});

test('filters narrow the results', () => {
  assert.deepEqual(ids('pasport', { type: 'informational' }), ['popular-passport-note']);
  assert.deepEqual(ids('pasport', { audience: 'G2C' }), ['passport']);
  assert.deepEqual(ids('nothing like this at all'), []);
});

let demo: ServiceSearch;
before(async () => {
  const catalog = await readCatalog(DEMO_CATALOG_DIR);
  demo = new ServiceSearch(catalog.services, new Map(catalog.spheres.map((s) => [s.id, s])), new Map(catalog.agencies.map((a) => [a.id, a])));
});

test('on the demo catalog, the everyday searches land on the right service', () => {
  const top = (q: string, n = 3) => demo.search(q).slice(0, n).map((h) => h.id);
  assert.ok(top('pasport').includes('passport-travel'));
  assert.deepEqual(top('pasport'), top('паспорт'));
  assert.ok(top('детский сад').includes('kindergarten-queue'));
  assert.ok(top('bogʻcha navbat').includes('kindergarten-queue'));
  assert.ok(top('haydovchilik guvohnomasi').includes('driver-licence-first'));
  assert.ok(top('jarima').includes('traffic-fines'));
  assert.ok(top('propiska').includes('residence-registration'));
  assert.ok(top('building permit').includes('building-permit'));
  assert.ok(top('soliq qarzi').includes('tax-debts'));
  assert.ok(top('tugʻilganlik', 2).includes('birth-registration'));
});
