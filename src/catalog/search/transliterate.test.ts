import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cyrillicToLatin, fold, latinToCyrillic, normaliseApostrophes } from './transliterate.js';

test('Latin to Cyrillic follows the Uzbek alphabet rules', () => {
  assert.equal(latinToCyrillic('Oʻzbekiston Respublikasi'), 'Ўзбекистон Республикаси');
  assert.equal(latinToCyrillic('Tugʻilganlikni qayd etish'), 'Туғилганликни қайд этиш');
  assert.equal(latinToCyrillic('maʼlumotnoma'), 'маълумотнома');
  assert.equal(latinToCyrillic('Haydovchilik guvohnomasi'), 'Ҳайдовчилик гувоҳномаси');
  assert.equal(latinToCyrillic('yer uchastkasi'), 'ер участкаси');
  assert.equal(latinToCyrillic('poeziya'), 'поэзия');
  assert.equal(latinToCyrillic('yoʻl harakati, Yoʻq'), 'йўл ҳаракати, Йўқ');
  assert.equal(latinToCyrillic('SHAHAR'), 'ШАҲАР');
  assert.equal(latinToCyrillic('bojxona deklaratsiyasi'), 'божхона декларацияси');
  assert.equal(latinToCyrillic('tibbiyot markazi tutsa'), 'тиббиёт маркази тутса');
});

test('Latin to Cyrillic keeps placeholders, URLs and e-mail addresses', () => {
  assert.equal(latinToCyrillic('{count} ta xizmat: https://lex.uz/docs/123 info@gov.uz'), '{count} та хизмат: https://lex.uz/docs/123 info@gov.uz');
});

test('Latin to Cyrillic keeps brand names and acronyms written in Latin', () => {
  assert.equal(latinToCyrillic('Portalga OneID orqali kiring'), 'Порталга OneID орқали киринг');
  assert.equal(latinToCyrillic('ID-kartasi'), 'ID-картаси');
  assert.equal(latinToCyrillic('VMQ-1003'), 'ВМҚ-1003');
});

test('apostrophe variants typed on any keyboard become the proper letters', () => {
  for (const typed of ["o'zbek", 'o`zbek', 'o‘zbek', 'o’zbek', 'oʼzbek']) assert.equal(normaliseApostrophes(typed), 'oʻzbek');
  assert.equal(latinToCyrillic("g'alla"), 'ғалла');
});

test('Cyrillic to Latin reads Uzbek and Russian letters', () => {
  assert.equal(cyrillicToLatin('Ўзбекистон'), 'Oʻzbekiston');
  assert.equal(cyrillicToLatin('паспорт'), 'pasport');
  assert.equal(cyrillicToLatin('ер'), 'yer');
  assert.equal(cyrillicToLatin('ҳайдовчилик'), 'haydovchilik');
  assert.equal(cyrillicToLatin('маъмурий'), 'maʼmuriy');
});

test('round trip Latin → Cyrillic → Latin keeps the text', () => {
  for (const text of ['Gʻalla', 'choʻl', 'shahar', 'yangi', 'ekin', 'Toshkent', 'qishloq xoʻjaligi', 'maʼlumot']) {
    assert.equal(cyrillicToLatin(latinToCyrillic(text)), text);
  }
});

test('fold makes every spelling of a word one', () => {
  const forms = ['Oʻzbek', "O'zbek", 'Ozbek', 'Ўзбек', 'Ózbek', 'OʻZBEK'];
  assert.deepEqual(new Set(forms.map(fold)), new Set(['ozbek']));
  assert.equal(fold('Tuwılıw'), 'tuwiliw');
  assert.equal(fold('Паспорт'), 'pasport');
});
