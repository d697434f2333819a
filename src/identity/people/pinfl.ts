// PINFL (JShShIR, jismoniy shaxsning shaxsiy identifikatsiya raqami): the 14-digit
// personal number of a citizen of Uzbekistan, laid out as
//
//   C DDMMYY RRR NNN K
//   C      century and sex: 1/2 1800s, 3/4 1900s, 5/6 2000s; odd male, even female
//   DDMMYY the date of birth
//   RRR    the district code (see regions.ts: the real table is not public, ours is)
//   NNN    a serial number among people of that date and district
//   K      the check digit
//
// The check digit: weights 7, 3, 1 repeated over the first 13 digits, the sum modulo 10.
// Chosen because two independent implementations agree on it and one names its legal
// source: the Rust crate uz-types (pinfl.rs, citing Cabinet of Ministers resolution
// No. 177 of 12.04.2022, lex.uz/docs/-5955665) and the Python PinflUtilitiesParser
// (WEIGHT_FUNC = [7, 3, 1, …], % 10). One source disagrees: the README of the Dart
// package uz_document_validator shows 30101990123458 as an example, whose check digit
// by 7-3-1 would be 0, not 8; its code was not available to read, and an example in a
// README is weaker evidence than two implementations and a cited resolution.
// The serial is not checked: nothing published says which serials are never issued.
import { AppError } from '../../platform/index.js';
import { districtByCode, type District } from './regions.js';

export type Sex = 'male' | 'female';

/** Why a PINFL was refused; stable, for messages and tests. */
export type PinflReason = 'format' | 'century' | 'birth-date' | 'district' | 'check-digit';

const DETAIL: Record<PinflReason, string> = {
  format: 'a PINFL is exactly 14 digits',
  century: 'the first digit (century and sex) must be 1 to 6',
  'birth-date': 'digits 2-7 are not a real date of birth in the past',
  district: 'digits 8-10 are not a known district code',
  'check-digit': 'the last digit does not match the check digit',
};

/**
 * A PINFL that cannot be. An `AppError` with code `identity.pinfl-invalid` (400) and the
 * reason in its params, so the one error handler can show it in the user's language.
 */
export class PinflError extends AppError {
  constructor(readonly reason: PinflReason) {
    super('identity.pinfl-invalid', 400, { reason });
    this.name = 'PinflError';
    this.message = `Invalid PINFL (${reason}): ${DETAIL[reason]}`;
  }
}

export interface ParsedPinfl {
  pinfl: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: Sex;
  districtCode: string;
  /** The district of the code; absent when `anyDistrict` let an unknown code through. */
  district?: District;
  serial: string;
}

export interface PinflOptions {
  /** The day against which a birth date counts as future; today (UTC) by default. */
  today?: Date | string;
  /** Accept any code but 000 in digits 8-10, for numbers issued outside our demo table. */
  anyDistrict?: boolean;
}

const WEIGHTS = [7, 3, 1];
const CENTURY: Record<string, number> = { 1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000 };

/** The check digit of the first 13 digits of a PINFL (7-3-1 weights, modulo 10). */
export function pinflCheckDigit(first13: string): number {
  if (!/^\d{13}$/.test(first13)) throw new PinflError('format');
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(first13[i]) * WEIGHTS[i % 3];
  return sum % 10;
}

/** True when year-month-day is a date of the Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate() && year >= 1;
}

function isoDay(value: Date | string | undefined): string {
  if (typeof value === 'string') return value;
  return (value ?? new Date()).toISOString().slice(0, 10);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Checks a PINFL and reads what it carries; throws a `PinflError` naming the first part
 * that fails, in the order format, century, birth-date, district, check-digit.
 * @example parsePinfl('31507901120014') // { birthDate: '1990-07-15', sex: 'male', … }
 */
export function parsePinfl(input: string, options: PinflOptions = {}): ParsedPinfl {
  const pinfl = input.trim();
  if (!/^\d{14}$/.test(pinfl)) throw new PinflError('format');
  const century = CENTURY[pinfl[0]];
  if (century === undefined) throw new PinflError('century');
  const day = Number(pinfl.slice(1, 3)), month = Number(pinfl.slice(3, 5)), year = century + Number(pinfl.slice(5, 7));
  const birthDate = `${year}-${pad(month)}-${pad(day)}`;
  if (!isCalendarDate(year, month, day) || birthDate > isoDay(options.today)) throw new PinflError('birth-date');
  const districtCode = pinfl.slice(7, 10);
  const district = districtByCode(districtCode);
  if (districtCode === '000' || (!district && !options.anyDistrict)) throw new PinflError('district');
  if (pinflCheckDigit(pinfl.slice(0, 13)) !== Number(pinfl[13])) throw new PinflError('check-digit');
  const sex: Sex = Number(pinfl[0]) % 2 === 1 ? 'male' : 'female';
  return { pinfl, birthDate, sex, districtCode, ...(district ? { district } : {}), serial: pinfl.slice(10, 13) };
}

/** True when `parsePinfl` would accept the number. */
export function isValidPinfl(input: string, options: PinflOptions = {}): boolean {
  try {
    parsePinfl(input, options);
    return true;
  } catch (error) {
    if (error instanceof PinflError) return false;
    throw error;
  }
}

export interface PinflParts {
  /** `YYYY-MM-DD`, 1800-01-01 to 2099-12-31. */
  birthDate: string;
  sex: Sex;
  /** A code from regions.ts. */
  districtCode: string;
  /** 1 to 999. */
  serial: number;
}

/**
 * Builds a valid PINFL for demo data and tests; throws a `PinflError` when the parts
 * cannot make one (the reason says which).
 * @example makePinfl({ birthDate: '1990-07-15', sex: 'male', districtCode: '112', serial: 1 })
 */
export function makePinfl(parts: PinflParts): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(parts.birthDate);
  if (!m) throw new PinflError('birth-date');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1800 || year > 2099) throw new PinflError('century');
  if (!isCalendarDate(year, month, day)) throw new PinflError('birth-date');
  if (!districtByCode(parts.districtCode)) throw new PinflError('district');
  if (!Number.isInteger(parts.serial) || parts.serial < 1 || parts.serial > 999) throw new PinflError('format');
  const first = 2 * (Math.floor(year / 100) - 18) + (parts.sex === 'male' ? 1 : 2);
  const body = `${first}${pad(day)}${pad(month)}${pad(year % 100)}${parts.districtCode}${pad(parts.serial, 3)}`;
  return body + pinflCheckDigit(body);
}
