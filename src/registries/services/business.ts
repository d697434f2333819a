// The business registry (state registration of businesses, Public Services Agency):
// companies and entrepreneurs, their directors, representatives and founders.
import { Type } from 'typebox';
import { ACTIVITIES } from '../data/index.js';
import {
  address, AddressSchema, checkPinfl, checkStir, DaySchema, knownCompany, knownPerson, namesOf, PersonRefSchema, PinflSchema, StirSchema,
  TextSchema, Tiyin, type RegistryDef,
} from '../service.js';

const FORMS: Record<string, { uz: string; ru: string; en: string }> = {
  LLC: { uz: 'Masʼuliyati cheklangan jamiyat', ru: 'Общество с ограниченной ответственностью', en: 'Limited liability company' },
  JSC: { uz: 'Aksiyadorlik jamiyati', ru: 'Акционерное общество', en: 'Joint-stock company' },
  IE: { uz: 'Yakka tartibdagi tadbirkor', ru: 'Индивидуальный предприниматель', en: 'Individual entrepreneur' },
};

export const businessRegistryDef: RegistryDef = {
  member: { class: 'GOV', code: 'public-services', name: 'Public Services Agency under the Ministry of Justice' },
  subsystem: 'biznes',
  title: { uz: 'Tadbirkorlik subyektlari yagona reyestri', ru: 'Единый реестр субъектов предпринимательства', en: 'Business register' },
  services: [
    {
      code: 'company', method: 'GET', path: '/{stir}', personal: true,
      title: { uz: 'Tadbirkorlik subyekti haqida maʼlumot', ru: 'Сведения о субъекте предпринимательства', en: 'Business record' },
      description: 'A company or entrepreneur by STIR: legal form, name, registration, address, capital, activity, director, representatives and founders.',
      params: Type.Object({ stir: StirSchema }, { additionalProperties: false }),
      response: Type.Object({
        stir: StirSchema, legalForm: Type.Enum(Object.keys(FORMS)), legalFormName: TextSchema, name: TextSchema, registeredOn: DaySchema,
        status: Type.Enum(['active', 'liquidating', 'liquidated']), address: AddressSchema, charterCapitalTiyin: Tiyin(),
        activity: Type.Object({ code: Type.String({ pattern: '^\\d{2}\\.\\d{2}$', description: 'OKED' }), name: TextSchema }, { additionalProperties: false }),
        director: PersonRefSchema,
        representatives: Type.Array(Type.Object({ ...PersonRefSchema.properties, since: DaySchema }, { additionalProperties: false })),
        founders: Type.Array(Type.Object({ ...PersonRefSchema.properties, percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no business with this STIR', example: { path: '/305123458', query: '' },
      async handler({ db, params }) {
        const c = await knownCompany(db, checkStir(params.stir));
        const people = await db.selectFrom('registry_company_person').selectAll().where('stir', '=', c.stir).orderBy('since').orderBy('pinfl').execute();
        const names = await namesOf(db, [...people.map((p) => p.pinfl), ...c.founders.map((f) => f.pinfl)]);
        const director = people.find((p) => p.role === 'director')!;
        return {
          stir: c.stir, legalForm: c.legal_form, legalFormName: FORMS[c.legal_form], name: c.name, registeredOn: c.registered_on, status: c.status,
          address: address(c.district, c.address), charterCapitalTiyin: c.charter_capital_tiyin, activity: { code: c.activity, name: ACTIVITIES[c.activity] },
          director: { pinfl: director.pinfl, name: names.get(director.pinfl)! },
          representatives: people.filter((p) => p.role === 'representative').map((p) => ({ pinfl: p.pinfl, name: names.get(p.pinfl)!, since: p.since })),
          founders: c.founders.map((f) => ({ pinfl: f.pinfl, name: names.get(f.pinfl)!, percent: f.percent })),
        };
      },
    },
    {
      code: 'companies', method: 'GET', path: '', personal: true,
      title: { uz: 'Shaxs rahbar yoki vakil boʻlgan tashkilotlar', ru: 'Организации, где лицо руководитель или представитель', en: 'Businesses a person directs or represents' },
      description: 'The businesses in which a person is the director (of an entrepreneur: the entrepreneur) or a representative. An empty list when none.',
      query: Type.Object({ person: Type.String({ ...PinflSchema, description: 'the person' }) }, { additionalProperties: false }),
      response: Type.Object({
        person: PinflSchema,
        companies: Type.Array(Type.Object({
          stir: StirSchema, name: TextSchema, legalForm: Type.Enum(Object.keys(FORMS)), role: Type.Enum(['director', 'representative']), since: DaySchema,
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?person=40803843150013' },
      async handler({ db, query }) {
        const person = checkPinfl(query.person, 'person');
        await knownPerson(db, person);
        const rows = await db.selectFrom('registry_company_person').innerJoin('registry_company', 'registry_company.stir', 'registry_company_person.stir')
          .select(['registry_company.stir', 'registry_company.name', 'registry_company.legal_form', 'role', 'since'])
          .where('pinfl', '=', person).orderBy('since').orderBy('registry_company.stir').execute();
        return { person, companies: rows.map((r) => ({ stir: r.stir, name: r.name, legalForm: r.legal_form, role: r.role, since: r.since })) };
      },
    },
  ],
};
