import type { LocalText } from '../platform/index.js';

export const SERVICE_TYPES = ['informational', 'interactive', 'transactional'] as const;
export const AUDIENCES = ['G2C', 'G2B', 'G2F'] as const;
export const CHANNELS = ['portal', 'mobile', 'centre'] as const;
export const TERM_KINDS = ['working', 'calendar'] as const;
export const AGENCY_KINDS = ['ministry', 'committee', 'agency', 'inspection', 'company', 'hokimiyat', 'centre'] as const;
export const REGIONS = [
  'republic', 'tashkent-city', 'tashkent', 'sirdaryo', 'jizzakh', 'samarkand', 'fergana', 'namangan', 'andijan',
  'kashkadarya', 'surkhandarya', 'bukhara', 'navoi', 'khorezm', 'karakalpakstan',
] as const;

/** Informational, interactive or transactional, as the Law on electronic government defines them. */
export type ServiceType = (typeof SERVICE_TYPES)[number];
/** G2C citizens, G2B businesses, G2F foreigners and stateless persons. */
export type Audience = (typeof AUDIENCES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Region = (typeof REGIONS)[number];

export interface Sphere { id: string; position: number; icon: string; name: LocalText }

export interface Agency {
  id: string;
  parentId: string | null;
  kind: (typeof AGENCY_KINDS)[number];
  region: Region;
  name: LocalText;
  address: LocalText;
  phone: string;
  email: string;
  website: string | null;
  hours: LocalText;
}

export interface LegalBasis { act: LocalText; article?: string; url?: string }

export interface Service {
  id: string;
  sphereId: string;
  agencyId: string;
  type: ServiceType;
  audience: Audience[];
  channels: Channel[];
  /** The fee as a multiple of the base calculation amount (BHM); 0 when free. */
  feeBhm: number;
  /** Percent off when paid online. */
  onlineDiscount: number;
  term: { days: number; kind: (typeof TERM_KINDS)[number] };
  popularity: number;
  name: LocalText;
  summary: LocalText;
  keywords: LocalText | null;
  documents: LocalText[];
  result: LocalText;
  steps: LocalText[];
  legalBasis: LegalBasis[];
}

/** The base calculation amount in force from a date. */
export interface BhmRate { validFrom: string; amountTiyin: number; legalBasis: LegalBasis }
