// Terms as data with their legal basis (demo/appeals/terms.yaml), overridable per kind and
// per agency, and the deadlines they give on Uzbekistan's working-day calendar.
import { Type } from 'typebox';
import { fromRoot } from '../platform/index.js';
import { uzCalendar, type WorkCalendar } from '../workflow/index.js';
import { readDataFile } from './data-file.js';
import { APPEAL_KINDS, type AppealKind, type TermRule, type Terms } from './types.js';

export const TERMS_FILE = fromRoot('demo', 'appeals', 'terms.yaml');
const NAMES = ['answer', 'extension', 'forward', 'remindBefore', 'complainWithin'] as const;

const Rule = Type.Object({
  days: Type.Integer({ minimum: 0, maximum: 366 }),
  kind: Type.Union([Type.Literal('working'), Type.Literal('calendar')]),
  basis: Type.String({ minLength: 5, maxLength: 500 }),
}, { additionalProperties: false });
const Partial = Type.Object(Object.fromEntries(NAMES.map((n) => [n, Type.Optional(Rule)])), { additionalProperties: false });
const Full = Type.Object(Object.fromEntries(NAMES.map((n) => [n, Rule])), { additionalProperties: false });
const ByKind = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Optional(Partial)])), { additionalProperties: false });
const TermsSchema = Type.Object({
  law: Type.Object({ title: Type.String({ minLength: 1 }), url: Type.String({ pattern: '^https?://' }) }, { additionalProperties: false }),
  default: Full,
  kinds: Type.Optional(ByKind(APPEAL_KINDS)),
  agencies: Type.Optional(Type.Record(Type.String({ minLength: 1 }), ByKind([...APPEAL_KINDS, 'all']))),
}, { additionalProperties: false });

type PartialTerms = Partial<Terms>;
interface TermsData { law: { title: string; url: string }; default: Terms; kinds?: Partial<Record<AppealKind, PartialTerms>>; agencies?: Record<string, Partial<Record<AppealKind | 'all', PartialTerms>>> }

/** The terms in force, by kind and agency. */
export class TermsBook {
  private readonly cache = new Map<string, Terms>();
  constructor(readonly data: TermsData, readonly calendar: WorkCalendar = uzCalendar()) {}

  /** Agency and kind over agency over kind over the default, term by term. */
  terms(kind: AppealKind, agencyId: string): Terms {
    const key = `${kind}|${agencyId}`;
    let found = this.cache.get(key);
    if (!found) {
      const agency = this.data.agencies?.[agencyId];
      found = { ...this.data.default, ...this.data.kinds?.[kind], ...agency?.all, ...agency?.[kind] };
      this.cache.set(key, found);
    }
    return found;
  }

  /** When a term that starts at `start` ends (calendar or working days). */
  end(start: Date, rule: Pick<TermRule, 'days' | 'kind'>): Date { return this.calendar.termEnd(start, rule); }

  /** The start of the window of `rule` before `end` (for reminders): calendar days back, plainly. */
  before(end: Date, rule: Pick<TermRule, 'days'>): Date { return new Date(end.getTime() - rule.days * 86_400_000); }
}

/** Reads and checks the terms file (file, line and path of every problem); agencies named must be known when `agencies` is given. */
export function readTerms(path = TERMS_FILE, agencies?: string[]): TermsBook {
  const file = readDataFile<TermsData>(path, TermsSchema);
  const data = file.check();
  if (agencies) for (const id of Object.keys(data.agencies ?? {})) if (!agencies.includes(id)) file.problem(['agencies', id], `no agency "${id}" in the catalog`);
  for (const [where, rule] of [['default', data.default.extension], ...Object.entries(data.kinds ?? {}).map(([k, t]) => [`kinds.${k}`, t.extension])] as [string, TermRule | undefined][]) {
    if (rule && rule.days < 1) file.problem([...where.split('.'), 'extension', 'days'], 'an extension adds at least one day');
  }
  return new TermsBook(file.check());
}
