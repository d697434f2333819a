import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { translator } from '../../platform/index.js';
import type { Topic } from '../types.js';
import { checkAppealForm, formErrors } from './form.js';
import { project, unproject } from './map.js';
import { parseNumber } from './queries.js';

const t = translator('en');
const TOPICS: Topic[] = [
  { id: 'roads-potholes', sphereId: 'transport', local: true, name: { uz: 'Yoʻl', oz: 'Йўл', kaa: 'Jol', ru: 'Дороги', en: 'Roads' } },
  { id: 'passport-delay', sphereId: 'citizenship', local: false, agencyId: 'migration', name: { uz: 'P', oz: 'П', kaa: 'P', ru: 'П', en: 'P' } },
];
const topic = (id: string) => TOPICS.find((x) => x.id === id);
const good = (over: Record<string, string> = {}) => ({
  idempotency: randomUUID(), kind: 'statement', topic: 'roads-potholes', summary: 'Broken road', body: 'The road to the school is broken for a month now.',
  region: 'tashkent-city', district: 'yunusobod', lat: '', lon: '', address: '', ...over,
});

test('a complete form becomes the service\'s input: the district names its region, a comma is a decimal point', () => {
  const { input, errors } = checkAppealForm(good({ region: '', lat: '41,365', lon: '69.285' }), topic, t);
  assert.equal(errors, undefined);
  assert.deepEqual(input!.place, { district: 'yunusobod', region: 'tashkent-city', lat: 41.365, lon: 69.285 });
  assert.equal(input!.kind, 'statement');
});

test('each field says what is wrong with it', () => {
  const { errors } = checkAppealForm({ idempotency: 'nope', kind: 'petition', topic: 'none', summary: 'a', body: 'short', lat: '41.3', lon: 'east' }, topic, t);
  assert.deepEqual(Object.keys(errors!).sort(), ['body', 'idempotency', 'kind', 'lon', 'summary', 'topic']);
  assert.equal(errors!.lon, 'Write a number of degrees, for example 41.31');
  assert.match(checkAppealForm(good({ district: 'chilonzor', region: 'samarkand' }), topic, t).errors!.district!, /district of the chosen region/);
  assert.match(checkAppealForm(good({ region: '', district: '' }), topic, t).errors!.region!, /mark the place on the map/, 'a local topic needs a place');
  assert.equal(checkAppealForm(good({ topic: 'passport-delay', region: '', district: '' }), topic, t).errors, undefined, 'an agency topic does not');
  assert.match(checkAppealForm(good({ lat: '41.3' }), topic, t).errors!.lon!, /both the latitude and the longitude/);
  assert.match(checkAppealForm(good({ lat: '48.85', lon: '2.35' }), topic, t).errors!.lat!, /outside Uzbekistan/, 'Paris is not in Uzbekistan');
});

test('the officer\'s form needs the author\'s name and a way to reach them', () => {
  const office = (over: Record<string, string>) => checkAppealForm(good({ channel: 'post', 'author-name': 'Olim Qodirov', ...over }), topic, t, true);
  assert.deepEqual(office({ 'author-address': 'Chilonzor 5' }).input!.external, { channel: 'post', name: 'Olim Qodirov', address: 'Chilonzor 5' });
  assert.ok(office({}).errors!['author-phone']);
  assert.ok(office({ 'author-phone': 'call me' }).errors!['author-phone']);
  assert.ok(office({ channel: 'portal', 'author-phone': '+998901234567' }).errors!.channel, 'an officer enters only phone, post or in-person appeals');
});

test('the service\'s field errors land under the form\'s names', () => {
  assert.deepEqual(formErrors([
    { pointer: '/place/lat', detail: 'outside' }, { pointer: '/topicId', detail: 'topic' }, { pointer: '/attachments/2', detail: 'type' },
    { pointer: '/author/name', detail: 'name' }, { pointer: '/place', detail: 'where' },
  ], 'summary'), { lat: 'outside', topic: 'topic', attachments: 'type', 'author-name': 'name', region: 'where' });
});

test('appeal numbers are read however they are typed', () => {
  assert.equal(parseNumber('M-2026-0000123'), 'M-2026-0000123');
  assert.equal(parseNumber('m 2026 123'), 'M-2026-0000123');
  assert.equal(parseNumber('2026-123'), 'M-2026-0000123');
  assert.equal(parseNumber('M-2026-12345678'), undefined);
  assert.equal(parseNumber('Tashkent'), undefined);
});

test('the map\'s projection goes there and back', () => {
  const [x, y] = project(69.285, 41.365);
  const [lon, lat] = unproject(x, y);
  assert.ok(Math.abs(lon - 69.285) < 0.01 && Math.abs(lat - 41.365) < 0.01);
  assert.ok(x > 0 && y > 0);
});
