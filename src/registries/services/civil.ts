// Civil status acts (FHDYo, Ministry of Justice): births with the parents, marriages.
import { Type } from 'typebox';
import type { Db } from '../../platform/index.js';
import {
  checkPinfl, DaySchema, knownPerson, NameSchema, Nullable, notFound, PersonRefSchema, PinflSchema, pinflPath, pinflQuery, place,
  PlaceSchema, type RegistryDef,
} from '../service.js';

const Birth = Type.Object({
  actNumber: Type.String(),
  registeredOn: DaySchema,
  office: PlaceSchema,
  child: Type.Object({
    pinfl: PinflSchema, name: NameSchema, sex: Type.Enum(['male', 'female']), birthDate: DaySchema, birthPlace: PlaceSchema,
  }, { additionalProperties: false }),
  father: PersonRefSchema,
  mother: PersonRefSchema,
}, { additionalProperties: false });

const Marriage = Type.Object({
  actNumber: Type.String(), registeredOn: DaySchema, office: PlaceSchema, husband: PersonRefSchema, wife: PersonRefSchema,
  dissolvedOn: Nullable(DaySchema),
}, { additionalProperties: false });

/** Birth acts of one child, or of the children of one parent, eldest first. */
async function births(db: Db, by: { child: string } | { parent: string }) {
  let q = db.selectFrom('registry_birth').innerJoin('registry_person', 'registry_person.pinfl', 'registry_birth.child_pinfl')
    .selectAll('registry_birth').select(['registry_person.name_latin', 'registry_person.sex', 'registry_person.birth_date', 'registry_person.birth_district']);
  q = 'child' in by ? q.where('registry_birth.child_pinfl', '=', by.child)
    : q.where((eb) => eb.or([eb('registry_birth.father_pinfl', '=', by.parent), eb('registry_birth.mother_pinfl', '=', by.parent)]));
  const rows = await q.orderBy('registry_person.birth_date').execute();
  return rows.map((r) => ({
    actNumber: r.act_number, registeredOn: r.registered_on, office: place(r.district),
    child: { pinfl: r.child_pinfl, name: r.name_latin, sex: r.sex, birthDate: r.birth_date, birthPlace: place(r.birth_district) },
    father: { pinfl: r.father_pinfl, name: r.father_name }, mother: { pinfl: r.mother_pinfl, name: r.mother_name },
  }));
}

export const civilRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'civil-registry', name: 'Civil Registry Offices (FHDYo) of the Ministry of Justice' },
  subsystem: 'fhdyo',
  title: { uz: 'Fuqarolik holati dalolatnomalari', ru: 'Акты гражданского состояния', en: 'Civil status acts' },
  services: [
    {
      code: 'birth-record', method: 'GET', path: '/{pinfl}', personal: true,
      title: { uz: 'Tugʻilganlik haqidagi dalolatnoma', ru: 'Запись акта о рождении', en: 'Birth record' },
      description: 'The birth act of a person: where and when registered, and the parents (a parent outside the register has no PINFL).',
      params: pinflPath, response: Birth, notFound: 'no birth act for this PINFL',
      example: { path: '/31507901120014', query: '' },
      async handler({ db, params }) {
        const pinfl = checkPinfl(params.pinfl);
        const [birth] = await births(db, { child: pinfl });
        if (!birth) throw notFound(`no birth act for PINFL ${pinfl}`);
        return birth;
      },
    },
    {
      code: 'births', method: 'GET', path: '', personal: true,
      title: { uz: 'Farzandlarning tugʻilganlik dalolatnomalari', ru: 'Записи о рождении детей', en: 'Births of children' },
      description: 'The birth acts in which a person is the father or the mother, eldest first.',
      query: Type.Object({ parent: Type.String({ ...PinflSchema, description: 'the parent' }) }, { additionalProperties: false }),
      response: Type.Object({ parent: PinflSchema, births: Type.Array(Birth) }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?parent=31507901120014' },
      async handler({ db, query }) {
        const parent = checkPinfl(query.parent, 'parent');
        await knownPerson(db, parent);
        return { parent, births: await births(db, { parent }) };
      },
    },
    {
      code: 'marriages', method: 'GET', path: '', personal: true,
      title: { uz: 'Nikoh qayd etilganligi haqidagi dalolatnomalar', ru: 'Записи о заключении брака', en: 'Marriage records' },
      description: 'The marriage acts of a person, with the date of divorce where the marriage was dissolved.',
      query: pinflQuery('the spouse'),
      response: Type.Object({ pinfl: PinflSchema, marriages: Type.Array(Marriage) }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const pinfl = checkPinfl(query.pinfl);
        await knownPerson(db, pinfl);
        const rows = await db.selectFrom('registry_marriage').selectAll()
          .where((eb) => eb.or([eb('husband_pinfl', '=', pinfl), eb('wife_pinfl', '=', pinfl)])).orderBy('registered_on').execute();
        return {
          pinfl,
          marriages: rows.map((r) => ({
            actNumber: r.act_number, registeredOn: r.registered_on, office: place(r.district),
            husband: { pinfl: r.husband_pinfl, name: r.husband_name }, wife: { pinfl: r.wife_pinfl, name: r.wife_name }, dissolvedOn: r.dissolved_on,
          })),
        };
      },
    },
  ],
};
