// Preschool education (Ministry of Preschool and School Education): kindergartens with
// their free places, and the queue for a place.
import { Type } from 'typebox';
import { districtById, regionById } from '../../identity/index.js';
import {
  address, AddressSchema, badRequest, checkPinfl, DaySchema, knownPerson, namesOf, NameSchema, Nullable, oneOf, PersonRefSchema, PinflSchema,
  TextSchema, type RegistryDef,
} from '../service.js';

const Kindergarten = Type.Object({
  id: Type.String(), name: TextSchema, kind: Type.Enum(['state', 'private']), address: AddressSchema, languages: Type.Array(Type.String()),
  capacity: Type.Integer({ minimum: 1 }), enrolled: Type.Integer({ minimum: 0 }), freePlaces: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

export const kindergartenRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'preschool-school', name: 'Ministry of Preschool and School Education' },
  subsystem: 'bogcha',
  title: { uz: 'Maktabgacha taʼlim tashkilotlari va navbat', ru: 'Дошкольные организации и очередь', en: 'Kindergartens and the queue' },
  services: [
    {
      code: 'kindergartens', method: 'GET', path: '', personal: false,
      title: { uz: 'Bogʻchalar va boʻsh oʻrinlar', ru: 'Детские сады и свободные места', en: 'Kindergartens and free places' },
      description: 'The kindergartens of a district (or a whole region) with their capacity and free places.',
      query: Type.Object({
        district: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,40}$', description: 'a district id, e.g. yunusobod (give this or region)' })),
        region: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,40}$', description: 'a region id, e.g. tashkent-city' })),
      }, { additionalProperties: false }),
      response: Type.Object({ kindergartens: Type.Array(Kindergarten) }, { additionalProperties: false }),
      example: { path: '', query: '?district=yunusobod' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['district', 'region'] as const);
        if (name === 'district' ? !districtById(value) : !regionById(value)) throw badRequest(`${name}: no ${name} ${value}`);
        const rows = await db.selectFrom('registry_kindergarten').selectAll().where(name, '=', value).orderBy('id').execute();
        return {
          kindergartens: rows.map((k) => ({
            id: k.id, name: k.name, kind: k.kind, address: address(k.district, k.address), languages: k.languages, capacity: k.capacity,
            enrolled: k.enrolled, freePlaces: k.capacity - k.enrolled,
          })),
        };
      },
    },
    {
      code: 'kindergarten-queue', method: 'GET', path: '', personal: true,
      title: { uz: 'Bogʻchaga navbat', ru: 'Очередь в детский сад', en: 'Kindergarten queue' },
      description: 'A child\'s place in the queue (or the kindergarten they attend), or every child a parent applied for. An empty list when none.',
      query: Type.Object({
        child: Type.Optional(Type.String({ ...PinflSchema, description: 'the child (give this or applicant)' })),
        applicant: Type.Optional(Type.String({ ...PinflSchema, description: 'the parent who applied' })),
      }, { additionalProperties: false }),
      response: Type.Object({
        entries: Type.Array(Type.Object({
          child: Type.Object({ pinfl: PinflSchema, name: NameSchema, birthDate: DaySchema }, { additionalProperties: false }),
          applicant: Nullable(PersonRefSchema),
          appliedOn: DaySchema, status: Type.Enum(['waiting', 'enrolled']),
          position: Nullable(Type.Integer({ minimum: 1, description: 'place in the district\'s queue while waiting' })),
          kindergarten: Type.Object({ id: Type.String(), name: TextSchema }, { additionalProperties: false, description: 'the one attended, or the one asked for' }),
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person with this PINFL', example: { path: '', query: '?applicant=31507901120014' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['child', 'applicant'] as const);
        await knownPerson(db, checkPinfl(value, name));
        const rows = await db.selectFrom('registry_kindergarten_queue').innerJoin('registry_kindergarten', 'registry_kindergarten.id', 'registry_kindergarten_queue.kindergarten_id')
          .innerJoin('registry_person', 'registry_person.pinfl', 'registry_kindergarten_queue.child_pinfl')
          .select(['child_pinfl', 'applicant_pinfl', 'applied_on', 'status', 'kindergarten_id', 'registry_kindergarten.name', 'registry_kindergarten_queue.district',
            'registry_person.name_latin', 'registry_person.birth_date'])
          .where(name === 'child' ? 'child_pinfl' : 'applicant_pinfl', '=', value).orderBy('applied_on').execute();
        const names = await namesOf(db, rows.map((r) => r.applicant_pinfl));
        const entries = [];
        for (const r of rows) {
          // Places are offered in the order of application, district by district.
          const ahead = r.status === 'waiting'
            ? await db.selectFrom('registry_kindergarten_queue').select((eb) => eb.fn.countAll<number>().as('n')).where('district', '=', r.district).where('status', '=', 'waiting')
              .where((eb) => eb.or([eb('applied_on', '<', r.applied_on), eb.and([eb('applied_on', '=', r.applied_on), eb('child_pinfl', '<', r.child_pinfl)])])).executeTakeFirst()
            : undefined;
          entries.push({
            child: { pinfl: r.child_pinfl, name: r.name_latin, birthDate: r.birth_date },
            applicant: r.applicant_pinfl ? { pinfl: r.applicant_pinfl, name: names.get(r.applicant_pinfl)! } : null,
            appliedOn: r.applied_on, status: r.status, position: ahead ? Number(ahead.n) + 1 : null,
            kindergarten: { id: r.kindergarten_id!, name: r.name },
          });
        }
        return { entries };
      },
    },
  ],
};
