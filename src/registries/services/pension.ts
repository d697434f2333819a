// The pension fund (pensiya): salary records employers report, the work record, pensions.
import { Type } from 'typebox';
import type { Db } from '../../platform/index.js';
import { addMonths, type Row } from '../data/index.js';
import { badRequest, checkPinfl, DaySchema, knownPerson, MonthSchema, Nullable, PinflSchema, pinflPath, StirSchema, TextSchema, Tiyin, type RegistryDef } from '../service.js';

const KINDS: Record<string, { uz: string; ru: string; en: string }> = {
  age: { uz: 'Yoshga doir pensiya', ru: 'Пенсия по возрасту', en: 'Old-age pension' },
  disability: { uz: 'Nogironlik pensiyasi', ru: 'Пенсия по инвалидности', en: 'Disability pension' },
};

/** The newest month the fund has records for, read once per database: the default end of a statement. */
const latest = new WeakMap<Db, Promise<string>>();
function latestMonth(db: Db): Promise<string> {
  let month = latest.get(db);
  if (!month) {
    month = db.selectFrom('registry_salary').select((eb) => eb.fn.max('month').as('month')).executeTakeFirst().then((r) => {
      if (!r?.month) latest.delete(db); // nothing yet: ask again next time
      return r?.month ?? '2000-01';
    });
    latest.set(db, month);
  }
  return month;
}

export const pensionRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'pension-fund', name: 'Off-Budget Pension Fund under the Ministry of Economy and Finance' },
  subsystem: 'pensiya',
  title: { uz: 'Ish haqi va pensiya hisobi', ru: 'Учёт заработной платы и пенсий', en: 'Salary and pension records' },
  services: [
    {
      code: 'salary-records', method: 'GET', path: '', personal: true,
      title: { uz: 'Ish haqi toʻgʻrisida maʼlumot', ru: 'Сведения о заработной плате', en: 'Salary records' },
      description: 'Salary by month and employer as employers reported it, with the social tax paid on it; the last 12 months unless from/to say.',
      query: Type.Object({
        pinfl: Type.String({ ...PinflSchema, description: 'the employee' }),
        from: Type.Optional(Type.String({ ...MonthSchema, description: 'first month, YYYY-MM' })),
        to: Type.Optional(Type.String({ ...MonthSchema, description: 'last month, YYYY-MM' })),
      }, { additionalProperties: false }),
      response: Type.Object({
        pinfl: PinflSchema, from: MonthSchema, to: MonthSchema, totalSalaryTiyin: Tiyin(),
        records: Type.Array(Type.Object({
          month: MonthSchema, employer: Type.Object({ stir: StirSchema, name: TextSchema }, { additionalProperties: false }), salaryTiyin: Tiyin(), socialTaxTiyin: Tiyin(),
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const pinfl = checkPinfl(query.pinfl);
        await knownPerson(db, pinfl);
        const to = String(query.to ?? await latestMonth(db));
        const from = String(query.from ?? addMonths(to, -11));
        if (from > to) throw badRequest('from: must not come after to');
        if (Number(to.slice(0, 4)) * 12 + Number(to.slice(5)) - (Number(from.slice(0, 4)) * 12 + Number(from.slice(5))) >= 120) throw badRequest('from, to: at most 120 months at a time');
        const rows = await db.selectFrom('registry_salary').innerJoin('registry_company', 'registry_company.stir', 'registry_salary.employer_stir')
          .select(['month', 'employer_stir', 'registry_company.name', 'salary_tiyin', 'social_tax_tiyin'])
          .where('pinfl', '=', pinfl).where('month', '>=', from).where('month', '<=', to).orderBy('month').orderBy('employer_stir').execute();
        return {
          pinfl, from, to, totalSalaryTiyin: rows.reduce((s, r) => s + r.salary_tiyin, 0),
          records: rows.map((r) => ({ month: r.month, employer: { stir: r.employer_stir, name: r.name }, salaryTiyin: r.salary_tiyin, socialTaxTiyin: r.social_tax_tiyin })),
        };
      },
    },
    {
      code: 'work-record', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Mehnat staji', ru: 'Трудовой стаж', en: 'Work record' },
      description: 'Periods of insured work, by employer, from the salary records the fund holds; months counted once per month worked.',
      params: pinflPath,
      response: Type.Object({
        pinfl: PinflSchema, totalMonths: Type.Integer({ minimum: 0 }),
        periods: Type.Array(Type.Object({
          employer: Type.Object({ stir: StirSchema, name: TextSchema }, { additionalProperties: false }), from: MonthSchema, to: MonthSchema, months: Type.Integer({ minimum: 1 }),
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const pinfl = checkPinfl(params.pinfl);
        await knownPerson(db, pinfl);
        const rows = await db.selectFrom('registry_salary').innerJoin('registry_company', 'registry_company.stir', 'registry_salary.employer_stir')
          .select(['month', 'employer_stir', 'registry_company.name']).where('pinfl', '=', pinfl).orderBy('month').execute();
        // Consecutive months with one employer make one period.
        const periods: { employer: { stir: string; name: Row<'registry_company'>['name'] }; from: string; to: string; months: number }[] = [];
        for (const r of rows) {
          const last = periods[periods.length - 1];
          if (last && last.employer.stir === r.employer_stir && addMonths(last.to, 1) === r.month) { last.to = r.month; last.months++; }
          else periods.push({ employer: { stir: r.employer_stir, name: r.name }, from: r.month, to: r.month, months: 1 });
        }
        return { pinfl, totalMonths: new Set(rows.map((r) => r.month)).size, periods };
      },
    },
    {
      code: 'pension', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Tayinlangan pensiya', ru: 'Назначенная пенсия', en: 'Pension' },
      description: 'The pension a person receives, if any (pension is null when none is assigned).',
      params: pinflPath,
      response: Type.Object({
        pinfl: PinflSchema,
        pension: Nullable(Type.Object({ kind: Type.Enum(Object.keys(KINDS)), kindName: TextSchema, grantedOn: DaySchema, monthlyTiyin: Tiyin() }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const pinfl = checkPinfl(params.pinfl);
        await knownPerson(db, pinfl);
        const row = await db.selectFrom('registry_pension').selectAll().where('pinfl', '=', pinfl).executeTakeFirst();
        return { pinfl, pension: row ? { kind: row.kind, kindName: KINDS[row.kind], grantedOn: row.granted_on, monthlyTiyin: row.monthly_tiyin } : null };
      },
    },
  ],
};
