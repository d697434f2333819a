// The compulsory enforcement bureau (MIB): enforcement cases against debtors, travel bans.
import { Type } from 'typebox';
import { DEMO_CITIZEN_IDS, type Row } from '../data/index.js';
import {
  checkPinfl, DaySchema, knownCompany, knownPerson, notFound, Nullable, oneOf, ownerQuery, PinflSchema, pinflPath, TextSchema, Tiyin,
  badRequest, type RegistryDef,
} from '../service.js';

const BASES: Record<string, { uz: string; ru: string; en: string }> = {
  'traffic-fine': { uz: 'Yoʻl harakati qoidalarini buzganlik uchun jarima', ru: 'Штраф за нарушение ПДД', en: 'Traffic fine' },
  utility: { uz: 'Kommunal xizmatlar uchun qarz', ru: 'Задолженность за коммунальные услуги', en: 'Utility debt' },
  tax: { uz: 'Soliq qarzi', ru: 'Налоговая задолженность', en: 'Tax debt' },
  alimony: { uz: 'Aliment', ru: 'Алименты', en: 'Alimony' },
  'bank-loan': { uz: 'Bank krediti boʻyicha qarz', ru: 'Задолженность по банковскому кредиту', en: 'Bank loan debt' },
};
const CREDITORS: Record<string, { uz: string; ru: string; en: string }> = {
  'road-safety': { uz: 'IIV Yoʻl harakati xavfsizligi departamenti', ru: 'Департамент безопасности дорожного движения МВД', en: 'Road Traffic Safety Department' },
  'tax-committee': { uz: 'Soliq qoʻmitasi', ru: 'Налоговый комитет', en: 'Tax Committee' },
  hududgaz: { uz: '«Hududgaztaʼminot» AJ', ru: 'АО «Худудгазтаъминот»', en: 'Hududgaztaminot JSC' },
  electricity: { uz: '«Hududiy elektr tarmoqlari» AJ', ru: 'АО «Региональные электрические сети»', en: 'Regional Electric Networks JSC' },
  'water-supply': { uz: '«Oʻzsuvtaʼminot» AJ', ru: 'АО «Узсувтаъминот»', en: 'Uzsuvtaminot JSC' },
  recipient: { uz: 'Aliment oluvchi', ru: 'Получатель алиментов', en: 'Alimony recipient' },
};
const CASE_NUMBER = '^IJ\\d{10}$';

const Case = Type.Object({
  number: Type.String({ pattern: CASE_NUMBER }), basis: Type.String(), basisName: TextSchema,
  creditor: Type.Object({ code: Nullable(Type.String({ description: 'the member code of a creditor agency' })), name: TextSchema }, { additionalProperties: false }),
  source: Nullable(Type.String({ description: 'the fine, account or tax debt the case was opened on' })),
  openedOn: DaySchema, amountTiyin: Tiyin(), collectedTiyin: Tiyin(), remainingTiyin: Tiyin(), status: Type.Enum(['open', 'closed']),
  closedOn: Nullable(DaySchema), travelBan: Type.Boolean(),
}, { additionalProperties: false });

const creditor = (code: string) => code.startsWith('bank:')
  ? { code: null, name: { uz: code.slice(5), ru: code.slice(5), en: code.slice(5) } }
  : { code: code === 'recipient' ? null : code, name: CREDITORS[code] };
const toCase = (r: Row<'registry_enforcement'>) => ({
  number: r.number, basis: r.basis, basisName: BASES[r.basis], creditor: creditor(r.creditor), source: r.source, openedOn: r.opened_on,
  amountTiyin: r.amount_tiyin, collectedTiyin: r.collected_tiyin, remainingTiyin: r.amount_tiyin - r.collected_tiyin, status: r.status,
  closedOn: r.closed_on, travelBan: r.travel_ban,
});

export const enforcementRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'enforcement-bureau', name: 'Compulsory Enforcement Bureau under the Prosecutor General\'s Office' },
  subsystem: 'mib',
  title: { uz: 'Ijro ishlari reyestri', ru: 'Реестр исполнительных производств', en: 'Enforcement cases' },
  services: [
    {
      code: 'enforcement-debts', method: 'GET', path: '', personal: true,
      title: { uz: 'Majburiy ijrodagi qarzlar', ru: 'Долги на принудительном исполнении', en: 'Debts under enforcement' },
      description: 'The enforcement cases of a debtor, newest first, with what remains to pay on the open ones. An empty list when none.',
      query: ownerQuery,
      response: Type.Object({ debtor: Type.String(), totalTiyin: Tiyin('remaining on open cases'), cases: Type.Array(Case) }, { additionalProperties: false }),
      notFound: 'no person or business with this number', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['pinfl', 'stir'] as const);
        await (name === 'pinfl' ? knownPerson(db, value) : knownCompany(db, value));
        const rows = await db.selectFrom('registry_enforcement').selectAll().where('debtor', '=', value).orderBy('opened_on', 'desc').execute();
        return {
          debtor: value, totalTiyin: rows.filter((r) => r.status === 'open').reduce((s, r) => s + r.amount_tiyin - r.collected_tiyin, 0),
          cases: rows.map(toCase),
        };
      },
    },
    {
      code: 'enforcement-case', method: 'GET', path: '/{number}', personal: true,
      title: { uz: 'Ijro ishi', ru: 'Исполнительное производство', en: 'Enforcement case' },
      description: 'One enforcement case by its number, with the debtor.',
      params: Type.Object({ number: Type.String({ pattern: CASE_NUMBER, description: 'e.g. IJ2025000417' }) }, { additionalProperties: false }),
      response: Type.Object({ ...Case.properties, debtor: Type.Object({ kind: Type.Enum(['person', 'company']), id: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
      notFound: 'no case with this number', example: { path: `/${DEMO_CITIZEN_IDS.enforcementCase}`, query: '' },
      async handler({ db, params }) {
        if (!new RegExp(CASE_NUMBER).test(String(params.number))) throw badRequest('number: IJ and 10 digits');
        const row = await db.selectFrom('registry_enforcement').selectAll().where('number', '=', params.number).executeTakeFirst();
        if (!row) throw notFound(`no enforcement case ${params.number}`);
        return { ...toCase(row), debtor: { kind: row.debtor_kind, id: row.debtor } };
      },
    },
    {
      code: 'travel-ban', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Chet elga chiqishni cheklash', ru: 'Ограничение на выезд за границу', en: 'Travel ban' },
      description: 'Whether a person may not leave the country because of an unpaid debt, and the cases that bar it.',
      params: pinflPath,
      response: Type.Object({ pinfl: PinflSchema, banned: Type.Boolean(), cases: Type.Array(Type.String({ pattern: CASE_NUMBER })) }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const pinfl = checkPinfl(params.pinfl);
        await knownPerson(db, pinfl);
        const rows = await db.selectFrom('registry_enforcement').select('number').where('debtor', '=', pinfl).where('travel_ban', '=', true).where('status', '=', 'open').orderBy('number').execute();
        return { pinfl, banned: rows.length > 0, cases: rows.map((r) => r.number) };
      },
    },
  ],
};
