// The cadastre agency (kadastr): real property and who owns it, in what share.
import { Type } from 'typebox';
import { DEMO_CITIZEN_IDS } from '../data/index.js';
import {
  address, AddressSchema, badRequest, DaySchema, knownCompany, knownPerson, namesOf, NameSchema, notFound, Nullable, oneOf, ownerQuery,
  PinflSchema, StirSchema, TextSchema, Tiyin, type RegistryDef,
} from '../service.js';

const KINDS: Record<string, { uz: string; ru: string; en: string }> = {
  apartment: { uz: 'Kvartira', ru: 'Квартира', en: 'Apartment' },
  house: { uz: 'Turar joy uyi', ru: 'Жилой дом', en: 'House' },
  land: { uz: 'Yer uchastkasi', ru: 'Земельный участок', en: 'Land plot' },
  'non-residential': { uz: 'Noturar joy', ru: 'Нежилое помещение', en: 'Non-residential premises' },
};
const CADASTRAL = '^\\d{2}(:\\d{2}){4}:\\d{4}(:\\d{4})?$';

const Object_ = {
  cadastralNumber: Type.String({ pattern: CADASTRAL }), kind: Type.Enum(Object.keys(KINDS)), kindName: TextSchema, address: AddressSchema,
  areaM2: Type.Number({ exclusiveMinimum: 0 }), valueTiyin: Tiyin('cadastral value, in tiyin'),
};

export const cadastreRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'cadastre', name: 'Cadastre Agency under the Ministry of Economy and Finance' },
  subsystem: 'kadastr',
  title: { uz: 'Koʻchmas mulk kadastri', ru: 'Кадастр недвижимости', en: 'Real property cadastre' },
  services: [
    {
      code: 'property', method: 'GET', path: '', personal: true,
      title: { uz: 'Mulk egasining koʻchmas mulki', ru: 'Недвижимость правообладателя', en: 'Property of an owner' },
      description: 'The real property a person or business owns, with the share and the date the right was registered. An empty list when none.',
      query: ownerQuery,
      response: Type.Object({
        owner: Type.String({ description: 'the PINFL or STIR asked' }),
        objects: Type.Array(Type.Object({
          ...Object_, share: Type.String({ pattern: '^\\d+/\\d+$', description: 'e.g. 1/2' }), since: DaySchema,
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person or business with this number', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['pinfl', 'stir'] as const);
        await (name === 'pinfl' ? knownPerson(db, value) : knownCompany(db, value));
        const rows = await db.selectFrom('registry_property_owner').innerJoin('registry_property', 'registry_property.cadastral_number', 'registry_property_owner.cadastral_number')
          .selectAll('registry_property').select(['share_num', 'share_den', 'since']).where('owner', '=', value).orderBy('since').orderBy('registry_property.cadastral_number').execute();
        return {
          owner: value,
          objects: rows.map((r) => ({
            cadastralNumber: r.cadastral_number, kind: r.kind, kindName: KINDS[r.kind], address: address(r.district, r.address), areaM2: r.area_m2,
            valueTiyin: r.value_tiyin, share: `${r.share_num}/${r.share_den}`, since: r.since,
          })),
        };
      },
    },
    {
      code: 'property-object', method: 'GET', path: '/{cadastralNumber}', personal: true,
      title: { uz: 'Koʻchmas mulk obyekti', ru: 'Объект недвижимости', en: 'Property object' },
      description: 'One object by its cadastral number, with all its owners.',
      params: Type.Object({ cadastralNumber: Type.String({ pattern: CADASTRAL, description: 'e.g. 01:12:07:15:03:0108:0012' }) }, { additionalProperties: false }),
      response: Type.Object({
        ...Object_, registeredOn: DaySchema,
        owners: Type.Array(Type.Object({
          kind: Type.Enum(['person', 'company']), pinfl: Nullable(PinflSchema), stir: Nullable(StirSchema), name: Type.Union([NameSchema, TextSchema]),
          share: Type.String({ pattern: '^\\d+/\\d+$' }), since: DaySchema,
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no object with this cadastral number', example: { path: `/${DEMO_CITIZEN_IDS.flat}`, query: '' },
      async handler({ db, params }) {
        const number = String(params.cadastralNumber);
        if (!new RegExp(CADASTRAL).test(number)) throw badRequest('cadastralNumber: e.g. 01:12:07:15:03:0108:0012');
        const object = await db.selectFrom('registry_property').selectAll().where('cadastral_number', '=', number).executeTakeFirst();
        if (!object) throw notFound(`no object with cadastral number ${number}`);
        const owners = await db.selectFrom('registry_property_owner').selectAll().where('cadastral_number', '=', number).orderBy('owner').execute();
        const people = await namesOf(db, owners.filter((o) => o.owner_kind === 'person').map((o) => o.owner));
        const companies = await db.selectFrom('registry_company').select(['stir', 'name']).where('stir', 'in', ['', ...owners.map((o) => o.owner)]).execute();
        return {
          cadastralNumber: object.cadastral_number, kind: object.kind, kindName: KINDS[object.kind], address: address(object.district, object.address),
          areaM2: object.area_m2, valueTiyin: object.value_tiyin, registeredOn: object.registered_on,
          owners: owners.map((o) => ({
            kind: o.owner_kind, pinfl: o.owner_kind === 'person' ? o.owner : null, stir: o.owner_kind === 'company' ? o.owner : null,
            name: o.owner_kind === 'person' ? people.get(o.owner)! : companies.find((c) => c.stir === o.owner)!.name,
            share: `${o.share_num}/${o.share_den}`, since: o.since,
          })),
        };
      },
    },
  ],
};
