import type { Locale } from '../../platform/index.js';
import type { Sex } from './pinfl.js';
import type { RegionId } from './regions.js';

/** A person's name in one script; the same shape the identity store keeps. */
export interface PersonName { first: string; last: string; middle?: string }

/** What a fixed demo person is there to show; the README lists them. */
export type DemoRole = 'citizen' | 'foreigner' | 'director' | 'representative' | 'officer' | 'head' | 'editor' | 'admin';

/** One person of the demo population, as `demo/identity/people.yaml` holds it. */
export interface DemoPerson {
  id: string;
  kind: 'citizen' | 'foreigner';
  /** Citizens only. */
  pinfl?: string;
  /** Foreigners only: the passport number and its country (ISO 3166-1 alpha-2). */
  documentNumber?: string;
  documentCountry?: string;
  nameLatin: PersonName;
  nameCyrillic?: PersonName;
  sex: Sex;
  /** `YYYY-MM-DD`; for a citizen, the date the PINFL carries. */
  birthDate: string;
  region: RegionId;
  /** A district id from regions.ts. */
  district: string;
  /** Street, house and flat, in Uzbek Latin. */
  address: string;
  /** E.164, `+998…`; children under 16 have none. */
  phone?: string;
  email?: string;
  /** Preferred language. */
  locale: Locale;
  /** Only on the fixed demo people: their role, and the agency of staff. */
  demo?: { role: DemoRole; agency?: string };
}

export type LegalForm = 'LLC' | 'JSC' | 'IE';

/** One business of the demo population, as `demo/identity/businesses.yaml` holds it. */
export interface DemoBusiness {
  id: string;
  /** Legal entities 2…/3…, individual entrepreneurs 4…-6…. */
  stir: string;
  legalForm: LegalForm;
  name: { uz: string; ru: string; en: string };
  /** `YYYY-MM-DD`. */
  registeredOn: string;
  region: RegionId;
  district: string;
  address: string;
  /** The PINFL of the director (of an IE, the entrepreneur). */
  director: string;
  /** PINFLs of the people who may act for the business, besides the director. */
  representatives: string[];
}

/** Everything the generator makes. */
export interface DemoPopulation {
  seed: string;
  /** The day the data describes: no date falls after it. */
  asOf: string;
  people: DemoPerson[];
  businesses: DemoBusiness[];
}
