// The demo state registries' own tables: each registry keeps what its agency keeps, keyed
// by PINFL (people) and STIR (businesses), with amounts as integers in tiyin.
import { sql, type ColumnType, type Kysely, type Migration } from 'kysely';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** A date column: `YYYY-MM-DD` text both ways. */
type Day = string;

export interface NameRow { first: string; last: string; middle?: string }
export interface Names { uz: string; ru: string; en: string }

export interface RegistriesTables {
  /** Population register (migration service): who the person is. */
  registry_person: {
    pinfl: string; name_latin: Json<NameRow>; name_cyrillic: Json<NameRow | null>; sex: string; birth_date: Day;
    birth_district: string; citizenship: string;
  };
  /** Residence registrations (propiska), the current one with no end. */
  registry_residence: {
    id: string; pinfl: string; kind: string; region: string; district: string; address: string;
    registered_on: Day; deregistered_on: Day | null;
  };
  /** Civil status: birth acts. A parent outside the demo population has a name and no PINFL. */
  registry_birth: {
    act_number: string; child_pinfl: string; district: string; registered_on: Day;
    father_pinfl: string | null; father_name: Json<NameRow | null>; mother_pinfl: string | null; mother_name: Json<NameRow | null>;
  };
  registry_marriage: {
    act_number: string; husband_pinfl: string | null; husband_name: Json<NameRow>; wife_pinfl: string | null; wife_name: Json<NameRow>;
    district: string; registered_on: Day; dissolved_on: Day | null;
  };
  /** Tax: `tin` is the PINFL of an individual, the STIR of a business. */
  registry_taxpayer: {
    tin: string; kind: string; pinfl: string | null; stir: string | null; name: string; region: string; district: string;
    registered_on: Day; regime: string; vat_payer: boolean;
  };
  registry_tax_debt: {
    id: string; tin: string; tax: string; period: string; principal_tiyin: number; penalty_tiyin: number; due_on: Day;
  };
  registry_tax_income: { pinfl: string; year: number; employer_stir: string; months: number; income_tiyin: number; tax_tiyin: number };
  /** Cadastre: objects and their owners (a person by PINFL or a business by STIR), with shares. */
  registry_property: {
    cadastral_number: string; kind: string; region: string; district: string; address: string; area_m2: number;
    value_tiyin: number; registered_on: Day;
  };
  registry_property_owner: { cadastral_number: string; owner: string; owner_kind: string; share_num: number; share_den: number; since: Day };
  /** Road safety: vehicles and fines. */
  registry_vehicle: {
    plate: string; owner: string; owner_kind: string; make: string; model: string; year: number; color: string; registered_on: Day;
  };
  registry_fine: {
    number: string; offender: string; offender_kind: string; plate: string; offence: string;
    issued_at: ColumnType<Date, Date | string, Date | string>; region: string; district: string; amount_tiyin: number;
    paid_on: Day | null; paid_tiyin: number;
  };
  /** Enforcement bureau: cases against a debtor, with what was collected. */
  registry_enforcement: {
    number: string; debtor: string; debtor_kind: string; basis: string; creditor: string; source: string | null;
    opened_on: Day; amount_tiyin: number; collected_tiyin: number; status: string; closed_on: Day | null; travel_ban: boolean;
  };
  /** Pension fund: monthly salary records by employer, and pensions. */
  registry_salary: { pinfl: string; month: string; employer_stir: string; salary_tiyin: number; social_tax_tiyin: number };
  registry_pension: { pinfl: string; kind: string; granted_on: Day; monthly_tiyin: number };
  /** Utilities (gas, power, water): accounts by address and their monthly bills. */
  registry_utility_account: {
    number: string; provider: string; holder_pinfl: string; region: string; district: string; address: string; opened_on: Day;
    meter: string; debt_tiyin: number; last_payment_on: Day | null; last_payment_tiyin: number;
  };
  registry_utility_bill: { account: string; month: string; consumption: number; charged_tiyin: number; paid_tiyin: number };
  /** Kindergartens and the queue for places. */
  registry_kindergarten: {
    id: string; name: Json<Names>; kind: string; region: string; district: string; address: string; languages: Json<string[]>;
    capacity: number; enrolled: number;
  };
  registry_kindergarten_queue: {
    child_pinfl: string; applicant_pinfl: string | null; region: string; district: string; applied_on: Day; status: string;
    kindergarten_id: string | null;
  };
  /** Business registry: companies and entrepreneurs, their people. */
  registry_company: {
    stir: string; legal_form: string; name: Json<Names>; registered_on: Day; region: string; district: string; address: string;
    status: string; charter_capital_tiyin: number; activity: string; founders: Json<{ pinfl: string; percent: number }[]>;
  };
  registry_company_person: { stir: string; pinfl: string; role: string; since: Day };
}

export const registriesMigrations: Record<string, Migration> = {
  '20261123_0400_registries': {
    async up(db: Kysely<any>) {
      const s = db.schema;
      await s.createTable('registry_person')
        .addColumn('pinfl', 'text', (c) => c.primaryKey())
        .addColumn('name_latin', 'jsonb', (c) => c.notNull())
        .addColumn('name_cyrillic', 'jsonb')
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('male', 'female')`))
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('birth_district', 'text', (c) => c.notNull())
        .addColumn('citizenship', 'text', (c) => c.notNull())
        .execute();
      await s.createTable('registry_residence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pinfl', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('permanent', 'temporary')`))
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('deregistered_on', 'date')
        .execute();
      await s.createIndex('registry_residence_pinfl').on('registry_residence').column('pinfl').execute();
      await s.createTable('registry_birth')
        .addColumn('act_number', 'text', (c) => c.primaryKey())
        .addColumn('child_pinfl', 'text', (c) => c.notNull().unique())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('father_pinfl', 'text')
        .addColumn('father_name', 'jsonb')
        .addColumn('mother_pinfl', 'text')
        .addColumn('mother_name', 'jsonb')
        .execute();
      await s.createIndex('registry_birth_father').on('registry_birth').column('father_pinfl').execute();
      await s.createIndex('registry_birth_mother').on('registry_birth').column('mother_pinfl').execute();
      await s.createTable('registry_marriage')
        .addColumn('act_number', 'text', (c) => c.primaryKey())
        .addColumn('husband_pinfl', 'text')
        .addColumn('husband_name', 'jsonb', (c) => c.notNull())
        .addColumn('wife_pinfl', 'text')
        .addColumn('wife_name', 'jsonb', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('dissolved_on', 'date')
        .execute();
      await s.createIndex('registry_marriage_husband').on('registry_marriage').column('husband_pinfl').execute();
      await s.createIndex('registry_marriage_wife').on('registry_marriage').column('wife_pinfl').execute();
      await s.createTable('registry_taxpayer')
        .addColumn('tin', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('individual', 'entrepreneur', 'legal-entity')`))
        .addColumn('pinfl', 'text')
        .addColumn('stir', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('regime', 'text', (c) => c.notNull())
        .addColumn('vat_payer', 'boolean', (c) => c.notNull())
        .execute();
      await s.createTable('registry_tax_debt')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tin', 'text', (c) => c.notNull())
        .addColumn('tax', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('principal_tiyin', 'bigint', (c) => c.notNull().check(sql`principal_tiyin > 0`))
        .addColumn('penalty_tiyin', 'bigint', (c) => c.notNull().check(sql`penalty_tiyin >= 0`))
        .addColumn('due_on', 'date', (c) => c.notNull())
        .execute();
      await s.createIndex('registry_tax_debt_tin').on('registry_tax_debt').column('tin').execute();
      await s.createTable('registry_tax_income')
        .addColumn('pinfl', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('employer_stir', 'text', (c) => c.notNull())
        .addColumn('months', 'integer', (c) => c.notNull())
        .addColumn('income_tiyin', 'bigint', (c) => c.notNull().check(sql`income_tiyin >= 0`))
        .addColumn('tax_tiyin', 'bigint', (c) => c.notNull().check(sql`tax_tiyin >= 0`))
        .addPrimaryKeyConstraint('registry_tax_income_pk', ['pinfl', 'year', 'employer_stir'])
        .execute();
      await s.createTable('registry_property')
        .addColumn('cadastral_number', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('area_m2', 'numeric(10, 2)', (c) => c.notNull().check(sql`area_m2 > 0`))
        .addColumn('value_tiyin', 'bigint', (c) => c.notNull().check(sql`value_tiyin > 0`))
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .execute();
      await s.createTable('registry_property_owner')
        .addColumn('cadastral_number', 'text', (c) => c.notNull().references('registry_property.cadastral_number'))
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('person', 'company')`))
        .addColumn('share_num', 'integer', (c) => c.notNull())
        .addColumn('share_den', 'integer', (c) => c.notNull().check(sql`share_den >= share_num and share_num > 0`))
        .addColumn('since', 'date', (c) => c.notNull())
        .addPrimaryKeyConstraint('registry_property_owner_pk', ['cadastral_number', 'owner'])
        .execute();
      await s.createIndex('registry_property_owner_owner').on('registry_property_owner').column('owner').execute();
      await s.createTable('registry_vehicle')
        .addColumn('plate', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('person', 'company')`))
        .addColumn('make', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('color', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .execute();
      await s.createIndex('registry_vehicle_owner').on('registry_vehicle').column('owner').execute();
      await s.createTable('registry_fine')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('offender', 'text', (c) => c.notNull())
        .addColumn('offender_kind', 'text', (c) => c.notNull().check(sql`offender_kind in ('person', 'company')`))
        .addColumn('plate', 'text', (c) => c.notNull())
        .addColumn('offence', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull().check(sql`amount_tiyin > 0`))
        .addColumn('paid_on', 'date')
        .addColumn('paid_tiyin', 'bigint', (c) => c.notNull().check(sql`paid_tiyin >= 0`))
        .execute();
      await s.createIndex('registry_fine_offender').on('registry_fine').column('offender').execute();
      await s.createIndex('registry_fine_plate').on('registry_fine').column('plate').execute();
      await s.createTable('registry_enforcement')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('debtor', 'text', (c) => c.notNull())
        .addColumn('debtor_kind', 'text', (c) => c.notNull().check(sql`debtor_kind in ('person', 'company')`))
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('creditor', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('opened_on', 'date', (c) => c.notNull())
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull().check(sql`amount_tiyin > 0`))
        .addColumn('collected_tiyin', 'bigint', (c) => c.notNull().check(sql`collected_tiyin between 0 and amount_tiyin`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
        .addColumn('closed_on', 'date')
        .addColumn('travel_ban', 'boolean', (c) => c.notNull())
        .execute();
      await s.createIndex('registry_enforcement_debtor').on('registry_enforcement').column('debtor').execute();
      await s.createTable('registry_salary')
        .addColumn('pinfl', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('employer_stir', 'text', (c) => c.notNull())
        .addColumn('salary_tiyin', 'bigint', (c) => c.notNull().check(sql`salary_tiyin > 0`))
        .addColumn('social_tax_tiyin', 'bigint', (c) => c.notNull().check(sql`social_tax_tiyin >= 0`))
        .addPrimaryKeyConstraint('registry_salary_pk', ['pinfl', 'month', 'employer_stir'])
        .execute();
      await s.createTable('registry_pension')
        .addColumn('pinfl', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('granted_on', 'date', (c) => c.notNull())
        .addColumn('monthly_tiyin', 'bigint', (c) => c.notNull().check(sql`monthly_tiyin > 0`))
        .execute();
      await s.createTable('registry_utility_account')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('gas', 'power', 'water')`))
        .addColumn('holder_pinfl', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('opened_on', 'date', (c) => c.notNull())
        .addColumn('meter', 'text', (c) => c.notNull())
        .addColumn('debt_tiyin', 'bigint', (c) => c.notNull().check(sql`debt_tiyin >= 0`))
        .addColumn('last_payment_on', 'date')
        .addColumn('last_payment_tiyin', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('registry_utility_account_holder').on('registry_utility_account').columns(['provider', 'holder_pinfl']).execute();
      // No foreign key to the account: checking one per bill made the demo seed several times slower on PGlite.
      await s.createTable('registry_utility_bill')
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('consumption', 'numeric(10, 1)', (c) => c.notNull())
        .addColumn('charged_tiyin', 'bigint', (c) => c.notNull().check(sql`charged_tiyin >= 0`))
        .addColumn('paid_tiyin', 'bigint', (c) => c.notNull().check(sql`paid_tiyin >= 0`))
        .addPrimaryKeyConstraint('registry_utility_bill_pk', ['account', 'month'])
        .execute();
      await s.createTable('registry_kindergarten')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('languages', 'jsonb', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
        .addColumn('enrolled', 'integer', (c) => c.notNull().check(sql`enrolled between 0 and capacity`))
        .execute();
      await s.createIndex('registry_kindergarten_district').on('registry_kindergarten').column('district').execute();
      await s.createTable('registry_kindergarten_queue')
        .addColumn('child_pinfl', 'text', (c) => c.primaryKey())
        .addColumn('applicant_pinfl', 'text')
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('applied_on', 'date', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('waiting', 'enrolled')`))
        .addColumn('kindergarten_id', 'text', (c) => c.references('registry_kindergarten.id'))
        .execute();
      await s.createIndex('registry_kindergarten_queue_applicant').on('registry_kindergarten_queue').column('applicant_pinfl').execute();
      await s.createTable('registry_company')
        .addColumn('stir', 'text', (c) => c.primaryKey())
        .addColumn('legal_form', 'text', (c) => c.notNull())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('charter_capital_tiyin', 'bigint', (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('founders', 'jsonb', (c) => c.notNull())
        .execute();
      await s.createTable('registry_company_person')
        .addColumn('stir', 'text', (c) => c.notNull().references('registry_company.stir'))
        .addColumn('pinfl', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('director', 'representative')`))
        .addColumn('since', 'date', (c) => c.notNull())
        .addPrimaryKeyConstraint('registry_company_person_pk', ['stir', 'pinfl', 'role'])
        .execute();
      await s.createIndex('registry_company_person_pinfl').on('registry_company_person').column('pinfl').execute();
    },
  },
};

/** Every registry table, in an order that inserts keep (referenced tables first). */
export const REGISTRY_TABLES = [
  'registry_person', 'registry_residence', 'registry_birth', 'registry_marriage', 'registry_taxpayer', 'registry_tax_debt',
  'registry_tax_income', 'registry_property', 'registry_property_owner', 'registry_vehicle', 'registry_fine',
  'registry_enforcement', 'registry_salary', 'registry_pension', 'registry_utility_account', 'registry_utility_bill',
  'registry_kindergarten', 'registry_kindergarten_queue', 'registry_company', 'registry_company_person',
] as const satisfies readonly (keyof RegistriesTables)[];
