// STIR (soliq toʻlovchining identifikatsiya raqami, INN): the 9-digit taxpayer number.
// Legal entities get numbers beginning 2 or 3 (3 for most registered since the late
// 2010s), individuals and individual entrepreneurs 4 to 6.
//
// Format only: the last digit is a control digit, but its algorithm is not published.
// The Tax Code's regulation says only that it is "formed by a certain algorithm" when
// the State Tax Committee assigns the number (lex.uz/acts/499945); python-stdnum
// (issue #354) and the Go library frk/valid (uz/country.go, which notes the control digit as still to do)
// found no algorithm either. So any 9 digits of the right prefix pass here. (frk/valid
// also lets individuals start with 7; we follow the ranges above.)
import { AppError } from '../../platform/index.js';

/** Who a STIR belongs to, by its first digit. */
export type StirHolder = 'legal-entity' | 'individual';

/** Why a STIR was refused. */
export type StirReason = 'format' | 'prefix' | 'holder';

const DETAIL: Record<StirReason, string> = {
  format: 'a STIR is exactly 9 digits',
  prefix: 'a STIR begins with 2 or 3 (legal entity) or 4 to 6 (individual)',
  holder: 'the STIR belongs to another kind of taxpayer',
};

/** A STIR that cannot be; an `AppError` with code `identity.stir-invalid` (400). */
export class StirError extends AppError {
  constructor(readonly reason: StirReason) {
    super('identity.stir-invalid', 400, { reason });
    this.name = 'StirError';
    this.message = `Invalid STIR (${reason}): ${DETAIL[reason]}`;
  }
}

/** The holder a first digit means, or undefined when no STIR starts so. */
function holderOf(first: string): StirHolder | undefined {
  if (first === '2' || first === '3') return 'legal-entity';
  if (first >= '4' && first <= '6') return 'individual';
  return undefined;
}

/**
 * Checks a STIR's format and tells whose it is; with `expect`, also that it is that kind's.
 * @example parseStir('305123458') // { stir: '305123458', holder: 'legal-entity' }
 */
export function parseStir(input: string, expect?: StirHolder): { stir: string; holder: StirHolder } {
  const stir = input.trim();
  if (!/^\d{9}$/.test(stir)) throw new StirError('format');
  const holder = holderOf(stir[0]);
  if (!holder) throw new StirError('prefix');
  if (expect && holder !== expect) throw new StirError('holder');
  return { stir, holder };
}

/** True when `parseStir` would accept the number. */
export function isValidStir(input: string, expect?: StirHolder): boolean {
  try {
    parseStir(input, expect);
    return true;
  } catch (error) {
    if (error instanceof StirError) return false;
    throw error;
  }
}

/**
 * Builds a STIR for demo data: the first digit, then `serial` in the other eight.
 * @example makeStir(3, 5123458) // '305123458'
 */
export function makeStir(first: 2 | 3 | 4 | 5 | 6, serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999) throw new StirError('format');
  return `${first}${String(serial).padStart(8, '0')}`;
}
