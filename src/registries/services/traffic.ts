// Road traffic safety (YHXX, Ministry of Internal Affairs): vehicles and fines.
import { Type } from 'typebox';
import type { Db } from '../../platform/index.js';
import { COLORS, DEMO_CITIZEN_IDS, OFFENCES, type Row } from '../data/index.js';
import {
  badRequest, DaySchema, knownCompany, knownPerson, notFound, Nullable, oneOf, ownerQuery, PinflSchema, place, PlaceSchema, StirSchema,
  TextSchema, Tiyin, type RegistryDef,
} from '../service.js';

const PLATE = '^\\d{2}([A-Z]\\d{3}[A-Z]{2}|\\d{3}[A-Z]{3})$';
const FINE_NUMBER = '^(RR|IN)\\d{8}$';

const Fine = Type.Object({
  number: Type.String({ pattern: FINE_NUMBER }), offence: Type.String(), offenceName: TextSchema,
  issuedAt: Type.String({ format: 'date-time' }), place: PlaceSchema, plate: Type.String({ pattern: PLATE }),
  amountTiyin: Tiyin(), paid: Type.Boolean(), paidOn: Nullable(DaySchema), paidTiyin: Tiyin(),
  enforcementCase: Nullable(Type.String({ description: 'the enforcement bureau case the unpaid fine was passed to' })),
}, { additionalProperties: false });

async function fines(db: Db, rows: Row<'registry_fine'>[]) {
  const cases = rows.length
    ? await db.selectFrom('registry_enforcement').select(['number', 'source']).where('basis', '=', 'traffic-fine').where('source', 'in', rows.map((r) => r.number)).execute()
    : [];
  return rows.map((r) => ({
    number: r.number, offence: r.offence, offenceName: OFFENCES[r.offence].name, issuedAt: new Date(r.issued_at).toISOString(),
    place: place(r.district), plate: r.plate, amountTiyin: r.amount_tiyin, paid: r.paid_on !== null, paidOn: r.paid_on, paidTiyin: r.paid_tiyin,
    enforcementCase: cases.find((c) => c.source === r.number)?.number ?? null,
  }));
}

export const trafficRegistry: RegistryDef = {
  member: { class: 'GOV', code: 'road-safety', name: 'Road Traffic Safety Department, Ministry of Internal Affairs' },
  subsystem: 'yhxx',
  title: { uz: 'Transport vositalari va jarimalar', ru: 'Транспортные средства и штрафы', en: 'Vehicles and traffic fines' },
  services: [
    {
      code: 'vehicles', method: 'GET', path: '', personal: true,
      title: { uz: 'Roʻyxatdagi transport vositalari', ru: 'Зарегистрированные транспортные средства', en: 'Registered vehicles' },
      description: 'The vehicles registered to a person or business. An empty list when none.',
      query: ownerQuery,
      response: Type.Object({
        owner: Type.String(),
        vehicles: Type.Array(Type.Object({
          plate: Type.String({ pattern: PLATE }), make: Type.String(), model: Type.String(), year: Type.Integer(), color: Type.String(), colorName: TextSchema,
          registeredOn: DaySchema,
        }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      notFound: 'no person or business with this number', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['pinfl', 'stir'] as const);
        await (name === 'pinfl' ? knownPerson(db, value) : knownCompany(db, value));
        const rows = await db.selectFrom('registry_vehicle').selectAll().where('owner', '=', value).orderBy('registered_on').execute();
        return {
          owner: value,
          vehicles: rows.map((v) => ({ plate: v.plate, make: v.make, model: v.model, year: v.year, color: v.color, colorName: COLORS[v.color], registeredOn: v.registered_on })),
        };
      },
    },
    {
      code: 'fines', method: 'GET', path: '', personal: true,
      title: { uz: 'Yoʻl harakati qoidalarini buzganlik uchun jarimalar', ru: 'Штрафы за нарушение ПДД', en: 'Traffic fines' },
      description: 'Fines of a person or business (or on one plate), newest first; `status` keeps the unpaid or paid ones. An empty list when none.',
      query: Type.Object({
        pinfl: Type.Optional(Type.String({ ...PinflSchema, description: 'a person (give one of pinfl, stir, plate)' })),
        stir: Type.Optional(Type.String({ ...StirSchema, description: 'a business' })),
        plate: Type.Optional(Type.String({ pattern: PLATE, description: 'a licence plate without spaces, e.g. 01A123BC' })),
        status: Type.Optional(Type.Enum(['all', 'unpaid', 'paid'], { default: 'all' })),
      }, { additionalProperties: false }),
      response: Type.Object({ unpaidTiyin: Tiyin('what is still to pay, in tiyin'), fines: Type.Array(Fine) }, { additionalProperties: false }),
      notFound: 'no person or business with this number', example: { path: '', query: '?pinfl=31507901120014' },
      async handler({ db, query }) {
        const { name, value } = oneOf(query, ['pinfl', 'stir', 'plate'] as const);
        if (name === 'pinfl') await knownPerson(db, value);
        if (name === 'stir') await knownCompany(db, value);
        let q = db.selectFrom('registry_fine').selectAll().where(name === 'plate' ? 'plate' : 'offender', '=', value);
        if (query.status === 'unpaid') q = q.where('paid_on', 'is', null);
        if (query.status === 'paid') q = q.where('paid_on', 'is not', null);
        const rows = await q.orderBy('issued_at', 'desc').execute();
        return { unpaidTiyin: rows.filter((r) => !r.paid_on).reduce((s, r) => s + r.amount_tiyin, 0), fines: await fines(db, rows) };
      },
    },
    {
      code: 'fine', method: 'GET', path: '/{number}', personal: true,
      title: { uz: 'Jarima haqidagi qaror', ru: 'Постановление о штрафе', en: 'Fine decision' },
      description: 'One fine by its decision number, with the offender.',
      params: Type.Object({ number: Type.String({ pattern: FINE_NUMBER, description: 'e.g. RR26101807' }) }, { additionalProperties: false }),
      response: Type.Object({
        ...Fine.properties, offender: Type.Object({ kind: Type.Enum(['person', 'company']), pinfl: Nullable(PinflSchema), stir: Nullable(StirSchema) }, { additionalProperties: false }),
      }, { additionalProperties: false }),
      notFound: 'no fine with this number', example: { path: `/${DEMO_CITIZEN_IDS.unpaidFine}`, query: '' },
      async handler({ db, params }) {
        if (!new RegExp(FINE_NUMBER).test(String(params.number))) throw badRequest('number: RR or IN and 8 digits');
        const row = await db.selectFrom('registry_fine').selectAll().where('number', '=', params.number).executeTakeFirst();
        if (!row) throw notFound(`no fine ${params.number}`);
        const [fine] = await fines(db, [row]);
        return { ...fine, offender: { kind: row.offender_kind, pinfl: row.offender_kind === 'person' ? row.offender : null, stir: row.offender_kind === 'company' ? row.offender : null } };
      },
    },
  ],
};
