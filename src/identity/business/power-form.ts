import { parsePinfl, PinflError } from '../people/index.js';
import { addYears, endOfDay, isDay, MAX_POWER_YEARS, today } from './dates.js';

export const MAX_SERVICES = 50;

/** What the director typed, kept to show the form again. */
export interface PowerFormValues { pinfl: string; scope: string; services: string; until: string }
/** A field's problem: the message key under `business.powers.error` and its parameters. */
export type FieldProblem = { key: string; params?: Record<string, string | number> };
export type PowerFormErrors = Partial<Record<keyof PowerFormValues, FieldProblem>>;

export type ParsedPower = { pinfl: string; scope: string[]; expiresAt: Date };

const text = (value: unknown, max: number) => String(Array.isArray(value) ? value[0] ?? '' : value ?? '').trim().slice(0, max);

/**
 * Reads the grant form: a valid PINFL, all services or a list of known service ids, a last
 * day after today and at most three years ahead. `services` is the catalog's ids, or null
 * when no catalog is at hand (then ids need only look like ids).
 */
export function parsePowerForm(body: Record<string, unknown>, services: Set<string> | null, now = new Date()):
  { values: PowerFormValues; errors: PowerFormErrors; power?: ParsedPower } {
  const values: PowerFormValues = {
    pinfl: text(body.pinfl, 40).replace(/\s/g, ''),
    scope: text(body.scope, 10),
    services: text(body.services, 4000),
    until: text(body.until, 20),
  };
  const errors: PowerFormErrors = {};

  if (!values.pinfl) errors.pinfl = { key: 'pinfl-missing' };
  else {
    try {
      parsePinfl(values.pinfl, { today: now, anyDistrict: true });
    } catch (error) {
      if (!(error instanceof PinflError)) throw error;
      errors.pinfl = { key: error.reason === 'format' ? 'pinfl-format' : 'pinfl-invalid' };
    }
  }

  let scope: string[] = ['*'];
  if (values.scope === 'some') {
    const ids = [...new Set(values.services.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
    if (ids.length === 0) errors.services = { key: 'services-missing' };
    else if (ids.length > MAX_SERVICES) errors.services = { key: 'services-too-many', params: { max: MAX_SERVICES } };
    else {
      const unknown = ids.filter((id) => (services ? !services.has(id) : !/^[a-z0-9][a-z0-9-]{0,79}$/.test(id)));
      if (unknown.length > 0) errors.services = { key: 'services-unknown', params: { ids: unknown.slice(0, 5).join(', ').slice(0, 200) } };
    }
    scope = ids;
  } else if (values.scope !== 'all') errors.scope = { key: 'scope-missing' };

  const first = today(now);
  const last = addYears(first, MAX_POWER_YEARS);
  if (!values.until) errors.until = { key: 'until-missing' };
  else if (!isDay(values.until)) errors.until = { key: 'until-format' };
  else if (values.until <= first) errors.until = { key: 'until-past' };
  else if (values.until > last) errors.until = { key: 'until-too-far', params: { max: last } };

  if (Object.keys(errors).length > 0) return { values, errors };
  return { values, errors, power: { pinfl: values.pinfl, scope, expiresAt: endOfDay(values.until) } };
}
