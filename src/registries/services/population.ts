// The population register and residence registration (propiska), kept by the migration
// and citizenship department of the Ministry of Internal Affairs.
import { Type } from 'typebox';
import type { Row } from '../data/index.js';
import {
  address, AddressSchema, checkPinfl, DaySchema, knownPerson, NameSchema, Nullable, PinflSchema, pinflPath, place, PlaceSchema,
  type RegistryDef,
} from '../service.js';

const Residence = Type.Object({
  kind: Type.Enum(['permanent', 'temporary']), address: AddressSchema, registeredOn: DaySchema, deregisteredOn: Nullable(DaySchema),
}, { additionalProperties: false });

const residence = (r: Row<'registry_residence'>) => ({
  kind: r.kind, address: address(r.district, r.address), registeredOn: r.registered_on, deregisteredOn: r.deregistered_on,
});

export const populationRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'migration', name: 'Main Department of Migration and Citizenship, Ministry of Internal Affairs' },
  subsystem: 'aholi',
  title: { uz: 'Aholi roʻyxati va doimiy roʻyxatga olish', ru: 'Реестр населения и регистрация по месту жительства', en: 'Population register and residence registration' },
  services: [
    {
      code: 'population', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Shaxs maʼlumotlari va yashash manzili', ru: 'Сведения о лице и адрес', en: 'Person and address' },
      description: 'Who the person is (name in Latin and Cyrillic, sex, birth date and place, citizenship) and the address of the current permanent registration.',
      params: pinflPath,
      response: Type.Object({
        pinfl: PinflSchema, name: NameSchema, nameCyrillic: Nullable(NameSchema), sex: Type.Enum(['male', 'female']), birthDate: DaySchema,
        birthPlace: PlaceSchema, citizenship: Type.String({ description: 'ISO 3166-1 alpha-2' }), residence: Nullable(Residence),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const p = await knownPerson(db, checkPinfl(params.pinfl));
        const current = await db.selectFrom('registry_residence').selectAll().where('pinfl', '=', p.pinfl).where('deregistered_on', 'is', null)
          .orderBy('registered_on', 'desc').executeTakeFirst();
        return {
          pinfl: p.pinfl, name: p.name_latin, nameCyrillic: p.name_cyrillic, sex: p.sex, birthDate: p.birth_date, birthPlace: place(p.birth_district),
          citizenship: p.citizenship, residence: current ? residence(current) : null,
        };
      },
    },
    {
      code: 'residence', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Doimiy roʻyxatga olish tarixi', ru: 'История регистрации по месту жительства', en: 'Residence registration history' },
      description: 'The current registration and the earlier ones, newest first.',
      params: pinflPath,
      response: Type.Object({ pinfl: PinflSchema, current: Nullable(Residence), history: Type.Array(Residence) }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const p = await knownPerson(db, checkPinfl(params.pinfl));
        const rows = await db.selectFrom('registry_residence').selectAll().where('pinfl', '=', p.pinfl).orderBy('registered_on', 'desc').execute();
        const current = rows.find((r) => !r.deregistered_on);
        return { pinfl: p.pinfl, current: current ? residence(current) : null, history: rows.filter((r) => r !== current).map(residence) };
      },
    },
  ],
};
