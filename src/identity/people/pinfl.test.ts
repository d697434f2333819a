import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidPinfl, makePinfl, parsePinfl, PinflError, pinflCheckDigit, type PinflReason } from './pinfl.js';

const TODAY = '2026-11-23';
const reason = (s: string, options = {}): PinflReason | 'valid' => {
  try {
    parsePinfl(s, { today: TODAY, ...options });
    return 'valid';
  } catch (error) {
    assert.ok(error instanceof PinflError, `${s}: ${error}`);
    return error.reason;
  }
};
/** A number with its check digit fixed, to reach the checks after it. */
const withCheck = (first13: string) => first13 + pinflCheckDigit(first13);

test('the check digit weighs the first 13 digits 7, 3, 1, … and keeps the sum modulo 10', () => {
  // 3·7 + 1·3 + 5·1 + 0·7 + 7·3 + 9·1 + 0·7 + 1·3 + 1·1 + 2·7 + 0·3 + 0·1 + 1·7 = 84 → 4
  assert.equal(pinflCheckDigit('3150790112001'), 4);
  // 6·7 + 2·3 + 9·1 + 0·7 + 2·3 + 0·1 + 0·7 + 1·3 + 1·1 + 2·7 + 0·3 + 0·1 + 1·7 = 88 → 8
  assert.equal(pinflCheckDigit('6290200112001'), 8);
  assert.throws(() => pinflCheckDigit('123'), PinflError);
});

test('a valid PINFL gives its birth date, sex and district', () => {
  const parsed = parsePinfl('31507901120014', { today: TODAY });
  assert.equal(parsed.birthDate, '1990-07-15');
  assert.equal(parsed.sex, 'male');
  assert.equal(parsed.districtCode, '112');
  assert.equal(parsed.district?.id, 'yunusobod');
  assert.equal(parsed.serial, '001');
  assert.equal(parsePinfl(' 62902001120018 ', { today: TODAY }).birthDate, '2000-02-29', 'leap day, surrounding blanks');
  assert.equal(parsePinfl('62902001120018', { today: TODAY }).sex, 'female');
});

test('the first digit gives century and sex', () => {
  const cases: [string, string, 'male' | 'female'][] = [
    ['1', '1850', 'male'], ['2', '1850', 'female'], ['3', '1950', 'male'],
    ['4', '1950', 'female'], ['5', '2050', 'male'], ['6', '2050', 'female'],
  ];
  for (const [digit, year, sex] of cases) {
    const yy = year.slice(2);
    const parsed = parsePinfl(withCheck(`${digit}0101${yy}112001`), { today: '2060-01-01' });
    assert.equal(parsed.birthDate, `${year}-01-01`);
    assert.equal(parsed.sex, sex);
  }
});

test('format: anything but exactly 14 ASCII digits', () => {
  for (const s of ['', '3150790112001', '315079011200145', '3150790112001a', '3150 790112001', '３１５０７９０１１２００１４']) {
    assert.equal(reason(s), 'format', s);
  }
});

test('century: a first digit of 0, 7, 8 or 9', () => {
  for (const d of ['0', '7', '8', '9']) assert.equal(reason(withCheck(`${d}150790112001`)), 'century');
});

test('birth-date: no such day, or a day still to come', () => {
  assert.equal(reason(withCheck('3310290112001')), 'birth-date', '31 February 1990');
  assert.equal(reason(withCheck('3290200112001')), 'birth-date', '29 February 1900 (not a leap year)');
  assert.equal(reason(withCheck('3001390112001')), 'birth-date', 'month 13');
  assert.equal(reason(withCheck('3000190112001')), 'birth-date', 'day 0');
  assert.equal(reason(withCheck('5241126112001')), 'birth-date', '24 Nov 2026, the day after today');
  assert.equal(reason(withCheck('5231126112001')), 'valid', 'born today');
});

test('district: 000, or a code that names no district unless any district is allowed', () => {
  assert.equal(reason(withCheck('3150790000001')), 'district');
  assert.equal(reason(withCheck('3150790999001')), 'district');
  assert.equal(reason(withCheck('3150790999001'), { anyDistrict: true }), 'valid');
  assert.equal(reason(withCheck('3150790000001'), { anyDistrict: true }), 'district');
  assert.equal(parsePinfl(withCheck('3150790999001'), { anyDistrict: true }).district, undefined);
});

test('check-digit: every other last digit is refused', () => {
  for (let d = 0; d <= 9; d++) assert.equal(reason(`3150790112001${d}`), d === 4 ? 'valid' : 'check-digit');
  assert.equal(reason('31507901120104'), 'check-digit', 'the last two serial digits swapped');
});

test('the error is an AppError with a stable code and the reason', () => {
  const error = (() => { try { parsePinfl('1'); } catch (e) { return e; } })();
  assert.ok(error instanceof PinflError);
  assert.equal(error.code, 'identity.pinfl-invalid');
  assert.equal(error.status, 400);
  assert.deepEqual(error.params, { reason: 'format' });
  assert.equal(isValidPinfl('31507901120014'), true);
  assert.equal(isValidPinfl('31507901120015'), false);
});

test('makePinfl builds numbers that parse back to what went in', () => {
  for (const [birthDate, sex] of [['1899-12-31', 'female'], ['1900-01-01', 'male'], ['2000-02-29', 'female'], ['2024-06-01', 'male']] as const) {
    const pinfl = makePinfl({ birthDate, sex, districtCode: '751', serial: 42 });
    const parsed = parsePinfl(pinfl, { today: TODAY });
    assert.deepEqual([parsed.birthDate, parsed.sex, parsed.districtCode, parsed.serial], [birthDate, sex, '751', '042']);
  }
  const refuse = (parts: Parameters<typeof makePinfl>[0], why: PinflReason) =>
    assert.throws(() => makePinfl(parts), (e: unknown) => e instanceof PinflError && e.reason === why);
  refuse({ birthDate: '1799-12-31', sex: 'male', districtCode: '112', serial: 1 }, 'century');
  refuse({ birthDate: '1990-02-30', sex: 'male', districtCode: '112', serial: 1 }, 'birth-date');
  refuse({ birthDate: '15.07.1990', sex: 'male', districtCode: '112', serial: 1 }, 'birth-date');
  refuse({ birthDate: '1990-07-15', sex: 'male', districtCode: '999', serial: 1 }, 'district');
  refuse({ birthDate: '1990-07-15', sex: 'male', districtCode: '112', serial: 1000 }, 'format');
});
