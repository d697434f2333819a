// Utilities: gas (Hududgaztaʼminot), power (regional electric networks), water
// (Oʻzsuvtaʼminot). Each company keeps its own accounts, so each is a registry of its own
// with the same two services.
import { Type } from 'typebox';
import { DEMO_CITIZEN_IDS, PROVIDERS, type Provider, type Row } from '../data/index.js';
import {
  address, AddressSchema, badRequest, checkPinfl, DaySchema, knownPerson, MonthSchema, Nullable, notFound, PinflSchema, pinflQuery, Tiyin,
  type RegistryDef,
} from '../service.js';

const Account = {
  number: Type.String({ pattern: '^\\d{9,12}$' }), service: Type.Enum(['gas', 'power', 'water']), address: AddressSchema, openedOn: DaySchema,
  meter: Type.String(), debtTiyin: Tiyin('unpaid bills, in tiyin'), lastPaymentOn: Nullable(DaySchema), lastPaymentTiyin: Tiyin(),
};
const toAccount = (a: Row<'registry_utility_account'>) => ({
  number: a.number, service: a.provider, address: address(a.district, a.address), openedOn: a.opened_on, meter: a.meter,
  debtTiyin: a.debt_tiyin, lastPaymentOn: a.last_payment_on, lastPaymentTiyin: a.last_payment_tiyin,
});

const COMPANIES: Record<Provider, { name: string; subsystem: string; title: RegistryDef['title']; example: string }> = {
  gas: {
    name: 'Hududgaztaminot JSC (regional gas supply)', subsystem: 'gaz', example: DEMO_CITIZEN_IDS.gas,
    title: { uz: 'Tabiiy gaz isteʼmolchilari hisobi', ru: 'Учёт потребителей природного газа', en: 'Gas consumer accounts' },
  },
  power: {
    name: 'Regional Electric Networks JSC', subsystem: 'elektr', example: DEMO_CITIZEN_IDS.power,
    title: { uz: 'Elektr energiyasi isteʼmolchilari hisobi', ru: 'Учёт потребителей электроэнергии', en: 'Electricity consumer accounts' },
  },
  water: {
    name: 'Uzsuvtaminot JSC (water supply and sewerage)', subsystem: 'suv', example: DEMO_CITIZEN_IDS.water,
    title: { uz: 'Ichimlik suvi isteʼmolchilari hisobi', ru: 'Учёт потребителей питьевой воды', en: 'Water consumer accounts' },
  },
};
const WHAT: Record<Provider, { uz: string; ru: string; en: string }> = {
  gas: { uz: 'gaz', ru: 'газ', en: 'gas' }, power: { uz: 'elektr energiyasi', ru: 'электроэнергия', en: 'electricity' }, water: { uz: 'suv', ru: 'вода', en: 'water' },
};

function utilityRegistry(provider: Provider): RegistryDef {
  const company = COMPANIES[provider];
  const digits = PROVIDERS[provider].digits;
  return {
    member: { class: 'GOV', code: PROVIDERS[provider].member, name: company.name },
    subsystem: company.subsystem,
    title: company.title,
    services: [
      {
        code: 'accounts', method: 'GET', path: '', personal: true,
        title: { uz: `Hisob raqamlari va qarz (${WHAT[provider].uz})`, ru: `Лицевые счета и долг (${WHAT[provider].ru})`, en: `Accounts and debt (${WHAT[provider].en})` },
        description: `The ${WHAT[provider].en} accounts a person holds, by address, with what is unpaid. An empty list when none.`,
        query: pinflQuery('the account holder'),
        response: Type.Object({ holder: PinflSchema, totalDebtTiyin: Tiyin(), accounts: Type.Array(Type.Object(Account, { additionalProperties: false })) }, { additionalProperties: false }),
        notFound: 'no person with this PINFL', example: { path: '', query: '?pinfl=31507901120014' },
        async handler({ db, query }) {
          const holder = checkPinfl(query.pinfl);
          await knownPerson(db, holder);
          const rows = await db.selectFrom('registry_utility_account').selectAll().where('provider', '=', provider).where('holder_pinfl', '=', holder).orderBy('number').execute();
          return { holder, totalDebtTiyin: rows.reduce((s, r) => s + r.debt_tiyin, 0), accounts: rows.map(toAccount) };
        },
      },
      {
        code: 'account', method: 'GET', path: '/{number}', personal: true,
        title: { uz: `Hisob raqami boʻyicha hisob-kitob (${WHAT[provider].uz})`, ru: `Начисления по лицевому счёту (${WHAT[provider].ru})`, en: `Account statement (${WHAT[provider].en})` },
        description: `One ${WHAT[provider].en} account with its holder and the monthly bills of the last year.`,
        params: Type.Object({ number: Type.String({ pattern: `^\\d{${digits}}$`, description: `the account number, ${digits} digits` }) }, { additionalProperties: false }),
        response: Type.Object({
          ...Account, holder: PinflSchema,
          bills: Type.Array(Type.Object({
            month: MonthSchema, consumption: Type.Number({ minimum: 0 }), unit: Type.String(), chargedTiyin: Tiyin(), paidTiyin: Tiyin(),
          }, { additionalProperties: false })),
        }, { additionalProperties: false }),
        notFound: 'no account with this number', example: { path: `/${company.example}`, query: '' },
        async handler({ db, params }) {
          const number = String(params.number);
          if (!new RegExp(`^\\d{${digits}}$`).test(number)) throw badRequest(`number: ${digits} digits`);
          const account = await db.selectFrom('registry_utility_account').selectAll().where('number', '=', number).where('provider', '=', provider).executeTakeFirst();
          if (!account) throw notFound(`no ${WHAT[provider].en} account ${number}`);
          const bills = await db.selectFrom('registry_utility_bill').selectAll().where('account', '=', number).orderBy('month').execute();
          return {
            ...toAccount(account), holder: account.holder_pinfl,
            bills: bills.map((b) => ({ month: b.month, consumption: b.consumption, unit: PROVIDERS[provider].unit, chargedTiyin: b.charged_tiyin, paidTiyin: b.paid_tiyin })),
          };
        },
      },
    ],
  };
}

export const gasRegistry = utilityRegistry('gas');
export const powerRegistry = utilityRegistry('power');
export const waterRegistry = utilityRegistry('water');
