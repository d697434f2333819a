import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidStir, makeStir, parseStir, StirError, type StirReason } from './stir.js';

const reason = (s: string, expect?: 'legal-entity' | 'individual'): StirReason | 'valid' => {
  try {
    parseStir(s, expect);
    return 'valid';
  } catch (error) {
    assert.ok(error instanceof StirError);
    return error.reason;
  }
};

test('legal entities begin with 2 or 3, individuals with 4 to 6', () => {
  assert.deepEqual(parseStir('205123458'), { stir: '205123458', holder: 'legal-entity' });
  assert.deepEqual(parseStir(' 305123458 '), { stir: '305123458', holder: 'legal-entity' });
  for (const d of '456') assert.equal(parseStir(`${d}01234567`).holder, 'individual');
});

test('format and prefix are refused with their reason', () => {
  for (const s of ['', '30512345', '3051234580', '30512345a', '305 12345']) assert.equal(reason(s), 'format', s);
  for (const d of '01789') assert.equal(reason(`${d}05123458`), 'prefix', d);
});

test('with an expected holder, the other kind is refused', () => {
  assert.equal(reason('305123458', 'legal-entity'), 'valid');
  assert.equal(reason('305123458', 'individual'), 'holder');
  assert.equal(reason('501234567', 'legal-entity'), 'holder');
  assert.equal(isValidStir('501234567', 'individual'), true);
  assert.equal(isValidStir('101234567'), false);
});

test('makeStir pads the serial behind the first digit', () => {
  assert.equal(makeStir(3, 5123458), '305123458');
  assert.equal(makeStir(4, 0), '400000000');
  assert.throws(() => makeStir(2, 100_000_000), StirError);
  assert.throws(() => makeStir(2, 1.5), StirError);
});
