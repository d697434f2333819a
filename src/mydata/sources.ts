// The registries behind "What the state knows about me": which service each section asks,
// with the person's PINFL, and which fields of the answer it shows (for the data tracker).
import type { CallRequest } from '../exchange/index.js';

export type SectionKey = 'residence' | 'tax' | 'fines' | 'enforcement' | 'gas' | 'power' | 'water' | 'salary' | 'property';

export interface Source {
  key: SectionKey;
  /** The registry's member code: the agency named as the source and in the data tracker. */
  member: string;
  request: (pinfl: string) => CallRequest;
  fields: string[];
  /** The list every answer carries: an answer without it is not shown. */
  list: string;
}

const byQuery = (service: string) => (pinfl: string): CallRequest => ({ service, query: { pinfl } });
const byPath = (service: string) => (pinfl: string): CallRequest => ({ service, path: `/${encodeURIComponent(pinfl)}` });

export const SOURCES: readonly Source[] = [
  { key: 'residence', member: 'migration', request: byPath('GOV/migration/aholi/residence'), fields: ['residence'], list: 'history' },
  { key: 'tax', member: 'tax-committee', request: byQuery('GOV/tax-committee/soliq/taxpayer-debts'), fields: ['tax debts'], list: 'debts' },
  { key: 'fines', member: 'road-safety', request: byQuery('GOV/road-safety/yhxx/fines'), fields: ['traffic fines'], list: 'fines' },
  { key: 'enforcement', member: 'enforcement-bureau', request: byQuery('GOV/enforcement-bureau/mib/enforcement-debts'), fields: ['enforcement cases'], list: 'cases' },
  { key: 'gas', member: 'hududgaz', request: byQuery('GOV/hududgaz/gaz/accounts'), fields: ['gas accounts'], list: 'accounts' },
  { key: 'power', member: 'electricity', request: byQuery('GOV/electricity/elektr/accounts'), fields: ['electricity accounts'], list: 'accounts' },
  { key: 'water', member: 'water-supply', request: byQuery('GOV/water-supply/suv/accounts'), fields: ['water accounts'], list: 'accounts' },
  { key: 'salary', member: 'pension-fund', request: byQuery('GOV/pension-fund/pensiya/salary-records'), fields: ['salary records'], list: 'records' },
  { key: 'property', member: 'cadastre', request: byQuery('GOV/cadastre/kadastr/property'), fields: ['property'], list: 'objects' },
];

/** Texts as the registries give them (Uzbek Latin, Russian, English). */
export type RegistryText = { uz: string; ru?: string; en?: string };
export interface Address { text: RegistryText }
export interface Residence { kind: string; address: Address; registeredOn: string; deregisteredOn: string | null }

export interface Answers {
  residence: { current: Residence | null; history: Residence[] };
  tax: { totalTiyin: number; debts: { taxName: RegistryText; period: string; principalTiyin: number; penaltyTiyin: number; dueOn: string }[] };
  fines: { unpaidTiyin: number; fines: { number: string; offenceName: RegistryText; issuedAt: string; plate: string | null; amountTiyin: number; paid: boolean; paidOn: string | null; enforcementCase: string | null }[] };
  enforcement: { totalTiyin: number; cases: { number: string; basisName: RegistryText; creditor: { name: RegistryText }; openedOn: string; amountTiyin: number; remainingTiyin: number; status: string }[] };
  gas: Accounts; power: Accounts; water: Accounts;
  salary: { from: string; to: string; totalSalaryTiyin: number; records: { month: string; employer: { name: RegistryText }; salaryTiyin: number; socialTaxTiyin: number }[] };
  property: { objects: { cadastralNumber: string; kindName: RegistryText; address: Address; areaM2: number; valueTiyin: number; share: string; since: string }[] };
}
export interface Accounts { totalDebtTiyin: number; accounts: { number: string; address: Address; meter: string | null; debtTiyin: number; lastPaymentOn: string | null; lastPaymentTiyin: number | null }[] }
