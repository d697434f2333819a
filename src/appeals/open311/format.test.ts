import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../../platform/index.js';
import type { Topic } from '../types.js';
import { escapeXml, parseW3cDate, renderErrors, renderList, renderObject, splitFormat, w3cDate } from './format.js';
import { fieldName, mediaUrlOf, readFiling, readForm } from './post.js';
import { parseXml, record } from './xml-reader.js';

test('XML escapes markup and replaces what XML cannot carry', () => {
  assert.equal(escapeXml(`<b onclick="x">Tom & 'Jerry'</b>`), '&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/b&gt;');
  assert.equal(escapeXml('a\u0000b\u001Fc\td\ne'), 'a\uFFFDb\uFFFDc\td\ne');
  assert.equal(escapeXml('\uD83D\uDE00 \uD83D'), '\uD83D\uDE00 \uFFFD', 'a pair stays, a lone surrogate goes');
  const xml = renderList('xml', 'service_requests', 'request', [{ description: '<script>alert(1)</script> & more' }]);
  assert.equal(parseXml(xml).children[0]!.children[0]!.text, '<script>alert(1)</script> & more', 'read back as the same text');
  assert.doesNotMatch(xml, /<script>/);
});

test('lists, objects, nested arrays, empty and missing values in both formats', () => {
  const items = [{ service_code: 'a', metadata: true, keywords: '', group: null, missing: undefined }];
  assert.equal(renderList('json', 'services', 'service', items), '[{"service_code":"a","metadata":true,"keywords":"","group":null}]');
  assert.equal(renderList('xml', 'services', 'service', items),
    '<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>a</service_code><metadata>true</metadata><keywords/><group/></service></services>\n');
  const discovery = parseXml(renderObject('xml', 'discovery', { changeset: 'x', endpoints: [{ url: 'u', formats: ['text/xml', 'application/json'] }] }));
  assert.equal(discovery.name, 'discovery');
  const endpoint = discovery.children[1]!.children[0]!;
  assert.equal(endpoint.name, 'endpoint');
  assert.deepEqual(endpoint.children[1]!.children.map((c) => [c.name, c.text]), [['format', 'text/xml'], ['format', 'application/json']]);
  const definition = parseXml(renderObject('xml', 'service_definition', { service_code: 'x', attributes: [{ code: 'kind', values: [{ key: 'a', name: 'A' }] }] }));
  assert.equal(definition.children[1]!.children[0]!.name, 'attribute');
  assert.deepEqual(record(definition.children[1]!.children[0]!.children[1]!.children[0]!), { key: 'a', name: 'A' });
});

test('errors in the spec format', () => {
  assert.deepEqual(JSON.parse(renderErrors('json', 403, ['no key'])), [{ code: 403, description: 'no key' }]);
  const errors = parseXml(renderErrors('xml', 400, ['one', 'two <b>']));
  assert.equal(errors.name, 'errors');
  assert.deepEqual(errors.children.map(record), [{ code: '400', description: 'one' }, { code: '400', description: 'two <b>' }]);
});

test('the reader refuses what is not well formed', () => {
  assert.throws(() => parseXml('<a></a>'), /declaration/);
  const head = '<?xml version="1.0" encoding="utf-8"?>\n';
  assert.throws(() => parseXml(`${head}<a><b></a></b>`));
  assert.throws(() => parseXml(`${head}<a>x & y</a>`));
  assert.throws(() => parseXml(`${head}<a>x</a><b/>`));
});

test('formats from file names', () => {
  assert.deepEqual(splitFormat('roads-potholes.json'), { name: 'roads-potholes', format: 'json' });
  assert.deepEqual(splitFormat('M-2026-0000001.XML'), { name: 'M-2026-0000001', format: 'xml' });
  assert.equal(splitFormat('x.csv'), undefined);
  assert.equal(splitFormat('.json'), undefined);
  assert.equal(splitFormat('noformat'), undefined);
});

test('w3c dates: written in Tashkent time with the offset, read with any offset', () => {
  assert.equal(w3cDate(new Date('2026-11-23T19:30:05Z')), '2026-11-24T00:30:05+05:00');
  assert.equal(parseW3cDate('2026-11-24T00:30:05+05:00')?.toISOString(), '2026-11-23T19:30:05.000Z');
  assert.equal(parseW3cDate('2026-11-23T19:30:05Z')?.toISOString(), '2026-11-23T19:30:05.000Z');
  assert.equal(parseW3cDate('2026-11-23T10:00-03:00')?.toISOString(), '2026-11-23T13:00:00.000Z');
  assert.equal(parseW3cDate('2026-11-24T00:30:05 05:00')?.toISOString(), '2026-11-23T19:30:05.000Z', 'a + that became a space');
  assert.equal(parseW3cDate('2026-11-23')?.toISOString(), '2026-11-22T19:00:00.000Z', 'a date is its start in Tashkent');
  assert.equal(parseW3cDate('2026-11-23', true)?.toISOString(), '2026-11-23T18:59:59.999Z', 'as an end, the end of that day');
  for (const bad of ['2026-02-30', '2026-13-01', '23.11.2026', '2026-11-23T25:00Z', '2026-11-23T10:00', 'yesterday', '']) {
    assert.equal(parseW3cDate(bad), undefined, bad);
  }
});

const topics: Topic[] = [{ id: 'roads-potholes', sphereId: 'transport', local: true, name: { uz: 'Yoʻl', oz: 'Йўл', kaa: 'Jol', ru: 'Дороги', en: 'Potholes' } }];
const lookup = {
  topic: (id: string) => topics.find((t) => t.id === id),
  district: (id: string) => (id === 'yunusobod' ? { id, region: 'tashkent-city' } : undefined),
};
const en = translator('en');

test('a full form becomes a filing', () => {
  const form = readForm(new URLSearchParams({
    api_key: 'k', service_code: 'roads-potholes', lat: '41.3111', long: '69.2797', address_string: 'Amir Temur 1',
    description: 'A deep pothole <b>at the crossing</b> & nobody fixes it', media_url: 'https://example.uz/p.jpg',
    email: 'a@example.uz', phone: '+998 90 123-45-67', first_name: 'Aziz', last_name: 'Karimov',
    'attribute[kind]': 'complaint', 'attribute[summary]': 'Pothole at the crossing',
  }).toString());
  const read = readFiling(form, en, lookup);
  assert.ok('filing' in read, JSON.stringify(read));
  assert.deepEqual(read.filing, {
    topicId: 'roads-potholes', kind: 'complaint', summary: 'Pothole at the crossing',
    body: 'A deep pothole <b>at the crossing</b> & nobody fixes it\n\nmedia_url: https://example.uz/p.jpg',
    place: { lat: 41.3111, lon: 69.2797, address: 'Amir Temur 1' }, name: 'Aziz Karimov',
    contact: { email: 'a@example.uz', phone: '+998 90 123-45-67' },
  });
  assert.deepEqual(mediaUrlOf(read.filing.body), { description: 'A deep pothole <b>at the crossing</b> & nobody fixes it', mediaUrl: 'https://example.uz/p.jpg' });
  assert.deepEqual(mediaUrlOf('no media here'), { description: 'no media here' });
});

test('address_id is a district; the kind defaults to a statement', () => {
  const read = readFiling(readForm('service_code=roads-potholes&address_id=yunusobod&description=x&attribute%5Bsummary%5D=s'), en, lookup);
  assert.ok('filing' in read);
  assert.deepEqual(read.filing.place, { region: 'tashkent-city', district: 'yunusobod' });
  assert.equal(read.filing.kind, 'statement');
  assert.deepEqual(read.filing.contact, {});
  assert.equal(read.filing.name, undefined);
});

test('every problem of a form is named at once, in the asked language', () => {
  const read = readFiling(readForm('lat=41&email=nope&phone=abc&media_url=javascript:alert(1)&attribute[colour]=red&attribute[kind]=threat&description=a&description=b'), en, lookup);
  assert.ok('errors' in read);
  assert.deepEqual(read.errors, [
    en('appeals.open311.error.service-code-missing'),
    en('appeals.open311.error.lat-long-pair'),
    en('appeals.open311.error.media-url-invalid'),
    en('appeals.open311.error.email-invalid'),
    en('appeals.open311.error.phone-invalid'),
    en('appeals.open311.error.attribute-unknown', { code: 'colour' }),
    en('appeals.open311.error.attribute-value', { code: 'kind', value: 'threat' }),
    en('appeals.open311.error.attribute-required', { code: 'summary' }),
    en('appeals.open311.error.field-twice', { name: 'description' }),
  ]);
  const ru = readFiling(readForm('service_code=nope'), translator('ru'), lookup);
  assert.ok('errors' in ru);
  assert.equal(ru.errors[0], 'Нет услуги с service_code «nope».');
  assert.ok(ru.errors.includes('Укажите место: lat и long, address_string или address_id.'));
  for (const [lat, long] of [['91', '0'], ['41', 'east'], ['0x10', '69']]) {
    const bad = readFiling(readForm(`service_code=roads-potholes&lat=${lat}&long=${long}&description=d&attribute[summary]=s`), en, lookup);
    assert.ok('errors' in bad && bad.errors.includes(en('appeals.open311.error.lat-long-invalid')), `${lat},${long}`);
  }
  const district = readFiling(readForm('service_code=roads-potholes&address_id=atlantis&description=d&attribute[summary]=s'), en, lookup);
  assert.ok('errors' in district && district.errors[0] === en('appeals.open311.error.address-id-unknown', { id: 'atlantis' }));
});

test("the service's field errors are named as the client sent them", () => {
  assert.equal(fieldName('#/body'), 'description');
  assert.equal(fieldName('/summary'), 'attribute[summary]');
  assert.equal(fieldName('#/place/lat'), 'lat/long');
  assert.equal(fieldName('place.district'), 'address_id');
  assert.equal(fieldName('#/somethingElse'), undefined);
});
