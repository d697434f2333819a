// The tax committee (soliq): taxpayer records, debts with penalties, income statements.
import { Type } from 'typebox';
import type { Db } from '../../platform/index.js';
import {
  checkPinfl, DaySchema, knownPerson, notFound, Nullable, oneOf, ownerQuery, PinflSchema, place, PlaceSchema, StirSchema, TextSchema, Tiyin,
  badRequest, type RegistryDef,
} from '../service.js';

const TAXES: Record<string, { uz: string; ru: string; en: string }> = {
  'property-individual': { uz: 'Jismoniy shaxslarning mol-mulk soligʻi', ru: 'Налог на имущество физических лиц', en: 'Property tax (individuals)' },
  'land-individual': { uz: 'Jismoniy shaxslarning yer soligʻi', ru: 'Земельный налог с физических лиц', en: 'Land tax (individuals)' },
  'property-legal': { uz: 'Yuridik shaxslarning mol-mulk soligʻi', ru: 'Налог на имущество юридических лиц', en: 'Property tax (legal entities)' },
  vat: { uz: 'Qoʻshilgan qiymat soligʻi', ru: 'Налог на добавленную стоимость', en: 'Value added tax' },
  profit: { uz: 'Foyda soligʻi', ru: 'Налог на прибыль', en: 'Profit tax' },
  turnover: { uz: 'Aylanmadan olinadigan soliq', ru: 'Налог с оборота', en: 'Turnover tax' },
  fixed: { uz: 'Qatʼiy belgilangan soliq', ru: 'Фиксированный налог', en: 'Fixed tax' },
};

const Taxpayer = Type.Object({
  tin: Type.String({ description: 'the taxpayer number: a PINFL for an individual, a STIR for a business' }),
  kind: Type.Enum(['individual', 'entrepreneur', 'legal-entity']),
  pinfl: Nullable(PinflSchema), stir: Nullable(StirSchema), name: Type.String(), registeredOn: DaySchema, taxOffice: PlaceSchema,
  regime: Type.Enum(['personal', 'general', 'turnover', 'fixed']), vatPayer: Type.Boolean(),
}, { additionalProperties: false });

/** The taxpayer a `?pinfl=` or `?stir=` names, or 404. */
async function taxpayerOf(db: Db, query: Record<string, unknown>) {
  const { name, value } = oneOf(query as Record<string, string>, ['pinfl', 'stir'] as const);
  const row = await db.selectFrom('registry_taxpayer').selectAll().where('tin', '=', value).executeTakeFirst();
  if (!row || (name === 'pinfl' && row.kind !== 'individual')) throw notFound(`no taxpayer with ${name.toUpperCase()} ${value}`);
  return row;
}

export const taxRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'tax-committee', name: 'Tax Committee under the Ministry of Economy and Finance' },
  subsystem: 'soliq',
  title: { uz: 'Soliq toʻlovchilar reyestri', ru: 'Реестр налогоплательщиков', en: 'Taxpayer register' },
  services: [
    {
      code: 'taxpayer', method: 'GET', path: '', personal: true,
      title: { uz: 'Soliq toʻlovchi maʼlumotlari', ru: 'Сведения о налогоплательщике', en: 'Taxpayer record' },
      description: 'A taxpayer: an adult citizen by PINFL, a business by STIR; the tax office, the tax regime and VAT registration.',
      query: ownerQuery, response: Taxpayer, notFound: 'not a registered taxpayer',
      example: { path: '', query: '?stir=305123458' },
      async handler({ db, query }) {
        const t = await taxpayerOf(db, query);
        return { tin: t.tin, kind: t.kind, pinfl: t.pinfl, stir: t.stir, name: t.name, registeredOn: t.registered_on, taxOffice: place(t.district), regime: t.regime, vatPayer: t.vat_payer };
      },
    },
    {
      code: 'taxpayer-debts', method: 'GET', path: '', personal: true,
      title: { uz: 'Soliq qarzdorligi', ru: 'Налоговая задолженность', en: 'Tax debts' },
      description: 'What a taxpayer owes: each tax and period with the principal, the penalty accrued (0.033% a day) and the due date. An empty list when nothing is owed.',
      query: ownerQuery,
      response: Type.Object({
        tin: Type.String(), totalTiyin: Tiyin('principal and penalties, in tiyin'),
        debts: Type.Array(Type.Object({
          tax: Type.String(), taxName: TextSchema, period: Type.String({ description: 'YYYY, YYYY-MM' }), principalTiyin: Tiyin(), penaltyTiyin: Tiyin(), dueOn: DaySchema,
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'not a registered taxpayer', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const t = await taxpayerOf(db, query);
        const rows = await db.selectFrom('registry_tax_debt').selectAll().where('tin', '=', t.tin).orderBy('due_on').orderBy('id').execute();
        return {
          tin: t.tin, totalTiyin: rows.reduce((sum, r) => sum + r.principal_tiyin + r.penalty_tiyin, 0),
          debts: rows.map((r) => ({ tax: r.tax, taxName: TAXES[r.tax], period: r.period, principalTiyin: r.principal_tiyin, penaltyTiyin: r.penalty_tiyin, dueOn: r.due_on })),
        };
      },
    },
    {
      code: 'income', method: 'GET', path: '', personal: true,
      title: { uz: 'Daromadlar toʻgʻrisida maʼlumot', ru: 'Сведения о доходах', en: 'Income statement' },
      description: 'A person\'s income in a year as employers reported it, with the personal income tax withheld (12%), by employer.',
      query: Type.Object({
        pinfl: Type.String({ ...PinflSchema, description: 'the person' }),
        year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'the calendar year' }),
      }, { additionalProperties: false }),
      response: Type.Object({
        pinfl: PinflSchema, year: Type.Integer(), incomeTiyin: Tiyin(), taxTiyin: Tiyin(),
        employers: Type.Array(Type.Object({
          stir: StirSchema, name: Type.String(), months: Type.Integer({ minimum: 1, maximum: 12 }), incomeTiyin: Tiyin(), taxTiyin: Tiyin(),
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?pinfl=31507901120014&year=2025' },
      async handler({ db, query }) {
        const pinfl = checkPinfl(query.pinfl);
        const year = Number(query.year);
        if (!Number.isInteger(year)) throw badRequest('year: a calendar year, e.g. 2025');
        await knownPerson(db, pinfl);
        const rows = await db.selectFrom('registry_tax_income').innerJoin('registry_taxpayer', 'registry_taxpayer.tin', 'registry_tax_income.employer_stir')
          .select(['employer_stir', 'registry_taxpayer.name', 'months', 'income_tiyin', 'tax_tiyin'])
          .where('registry_tax_income.pinfl', '=', pinfl).where('year', '=', year).orderBy('employer_stir').execute();
        return {
          pinfl, year, incomeTiyin: rows.reduce((s, r) => s + r.income_tiyin, 0), taxTiyin: rows.reduce((s, r) => s + r.tax_tiyin, 0),
          employers: rows.map((r) => ({ stir: r.employer_stir, name: r.name, months: r.months, incomeTiyin: r.income_tiyin, taxTiyin: r.tax_tiyin })),
        };
      },
    },
  ],
};
