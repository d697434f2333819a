import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCALES, loadCatalogues, localeFromAcceptLanguage, t } from './i18n.js';

const catalogues = loadCatalogues();
const placeholders = (message: string | Record<string, string>) =>
  [...new Set(Object.values(typeof message === 'string' ? { m: message } : message).join(' ').match(/\{\w+\}/g) ?? [])].sort();

test('there is a catalogue for each of the five locales and no other', () => {
  assert.deepEqual(Object.keys(catalogues).sort(), [...LOCALES].sort());
});

test('every catalogue has every key that any other has', () => {
  const all = new Set(Object.values(catalogues).flatMap((c) => [...c.keys()]));
  for (const locale of LOCALES) {
    const missing = [...all].filter((key) => !catalogues[locale]!.has(key));
    assert.deepEqual(missing, [], `${locale}.json lacks ${missing.length} key(s)`);
  }
});

test('every translation keeps the placeholders of the English text', () => {
  for (const [key, english] of catalogues.en!) {
    for (const locale of LOCALES) {
      assert.deepEqual(placeholders(catalogues[locale]!.get(key)!), placeholders(english), `${locale}: ${key}`);
    }
  }
});

test('no translation is empty', () => {
  for (const locale of LOCALES) {
    for (const [key, message] of catalogues[locale]!) {
      for (const text of typeof message === 'string' ? [message] : Object.values(message)) assert.ok(text.trim().length > 0, `${locale}: ${key}`);
    }
  }
});

test('plural forms follow the language', () => {
  assert.equal(t('en', 'common.services-count', { count: 1 }), '1 service');
  assert.equal(t('en', 'common.services-count', { count: 5 }), '5 services');
  assert.match(t('ru', 'common.services-count', { count: 2 }), /^2 /);
  assert.notEqual(t('ru', 'common.services-count', { count: 2 }).split(' ')[1], t('ru', 'common.services-count', { count: 5 }).split(' ')[1]);
});

test('numbers are written the local way', () => {
  assert.equal(t('en', 'money.sum', { amount: 412000 }), '412,000 soʻm');
});

test('Accept-Language picks the best locale we have, by q-value', () => {
  assert.equal(localeFromAcceptLanguage('ru-RU,ru;q=0.9,en;q=0.8'), 'ru');
  assert.equal(localeFromAcceptLanguage('uz-Cyrl-UZ'), 'oz');
  assert.equal(localeFromAcceptLanguage('uz-UZ'), 'uz');
  assert.equal(localeFromAcceptLanguage('de;q=1, en;q=0.5, ru;q=0.7'), 'ru');
  assert.equal(localeFromAcceptLanguage('kaa'), 'kaa');
  assert.equal(localeFromAcceptLanguage('fr, de'), undefined);
  assert.equal(localeFromAcceptLanguage(undefined), undefined);
});
