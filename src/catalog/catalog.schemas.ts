import { Type, type Static } from 'typebox';
import { LOCALES } from '../platform/index.js';
import { AGENCY_KINDS, AUDIENCES, CHANNELS, REGIONS, SERVICE_TYPES, TERM_KINDS } from './catalog.types.js';

// One TypeBox schema per concept: the catalog files as reviewed in the repository, and
// the JSON API. They validate input and describe the API in OpenAPI.

const Text = Type.String({ minLength: 1, maxLength: 4000 });
const Id = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 });
export const LocalTextSchema = Type.Object(Object.fromEntries(LOCALES.map((l) => [l, Text])), { additionalProperties: false });
const enumOf = <T extends readonly string[]>(values: T) => Type.Enum([...values]);

const LegalBasisFile = Type.Object({
  act: LocalTextSchema,
  article: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 500 })),
}, { additionalProperties: false });

export const SpheresFile = Type.Array(Type.Object({
  id: Id, position: Type.Integer({ minimum: 1 }), icon: Type.String({ minLength: 1, maxLength: 40 }), name: LocalTextSchema,
}, { additionalProperties: false }), { minItems: 1 });

export const AgenciesFile = Type.Array(Type.Object({
  id: Id,
  parent: Type.Optional(Id),
  kind: enumOf(AGENCY_KINDS),
  region: enumOf(REGIONS),
  name: LocalTextSchema,
  address: LocalTextSchema,
  phone: Type.String({ pattern: '^\\+998[ 0-9()-]{9,16}$' }),
  email: Type.String({ format: 'email', maxLength: 200 }),
  website: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 300 })),
  hours: LocalTextSchema,
}, { additionalProperties: false }), { minItems: 1 });

export const BhmFile = Type.Array(Type.Object({
  valid_from: Type.String({ format: 'date' }),
  amount_sum: Type.Integer({ minimum: 1 }),
  legal_basis: LegalBasisFile,
}, { additionalProperties: false }), { minItems: 1 });

export const ServicesFile = Type.Object({
  sphere: Id,
  services: Type.Array(Type.Object({
    id: Id,
    agency: Id,
    type: enumOf(SERVICE_TYPES),
    audience: Type.Array(enumOf(AUDIENCES), { minItems: 1, uniqueItems: true }),
    channels: Type.Array(enumOf(CHANNELS), { minItems: 1, uniqueItems: true }),
    fee_bhm: Type.Number({ minimum: 0, maximum: 10000 }),
    online_discount: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    term: Type.Object({ days: Type.Integer({ minimum: 0, maximum: 365 }), kind: enumOf(TERM_KINDS) }, { additionalProperties: false }),
    popularity: Type.Integer({ minimum: 0 }),
    keywords: Type.Optional(LocalTextSchema),
    name: LocalTextSchema,
    summary: LocalTextSchema,
    documents: Type.Array(LocalTextSchema),
    result: LocalTextSchema,
    steps: Type.Array(LocalTextSchema, { minItems: 1 }),
    legal_basis: Type.Array(LegalBasisFile, { minItems: 1 }),
  }, { additionalProperties: false }), { minItems: 1 }),
}, { additionalProperties: false });

export type SpheresFile = Static<typeof SpheresFile>;
export type AgenciesFile = Static<typeof AgenciesFile>;
export type BhmFile = Static<typeof BhmFile>;
export type ServicesFile = Static<typeof ServicesFile>;
