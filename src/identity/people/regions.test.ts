import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districtByCode, districtById, DISTRICTS, REGION_IDS, regionById, UZ_REGIONS } from './regions.js';

test('the fourteen regions of the catalog, without the republic level', () => {
  assert.deepEqual(REGION_IDS, [
    'tashkent-city', 'tashkent', 'sirdaryo', 'jizzakh', 'samarkand', 'fergana', 'namangan', 'andijan',
    'kashkadarya', 'surkhandarya', 'bukhara', 'navoi', 'khorezm', 'karakalpakstan',
  ]);
  assert.equal(regionById('karakalpakstan')?.name.ru, 'Республика Каракалпакстан');
  assert.equal(regionById('republic'), undefined);
});

test('every region has districts, and Tashkent city its twelve', () => {
  for (const r of UZ_REGIONS) assert.ok(r.districts.length >= 11, r.id);
  assert.equal(regionById('tashkent-city')?.districts.length, 12);
  assert.ok(DISTRICTS.length > 190, `${DISTRICTS.length} districts`);
});

test('district ids and codes are unique; codes are three digits inside their region block', () => {
  assert.equal(new Set(DISTRICTS.map((d) => d.id)).size, DISTRICTS.length);
  assert.equal(new Set(DISTRICTS.map((d) => d.code)).size, DISTRICTS.length);
  UZ_REGIONS.forEach((r, n) => {
    for (const d of r.districts) {
      assert.match(d.code, /^\d{3}$/);
      const code = Number(d.code);
      assert.ok(code > 100 + 50 * n && code < 150 + 50 * n, `${d.id} ${d.code}`);
      assert.equal(d.region, r.id);
    }
  });
});

test('names in three languages, districts and cities told apart', () => {
  const yunusobod = districtById('yunusobod');
  assert.deepEqual(yunusobod?.name, { uz: 'Yunusobod tumani', ru: 'Юнусабадский район', en: 'Yunusabad district' });
  assert.equal(districtByCode(yunusobod!.code), yunusobod);
  const nukus = districtById('nukus-city');
  assert.deepEqual([nukus?.kind, nukus?.name.uz, nukus?.name.ru], ['city', 'Nukus shahri', 'город Нукус']);
  assert.equal(districtById('nukus')?.kind, 'district');
  for (const d of DISTRICTS) {
    assert.match(d.name.ru, /[А-Яа-яЁё]/, d.id);
    assert.match(d.id, /^[a-z-]+$/, d.id);
  }
});
