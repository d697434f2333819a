// The registries' demo data, made from the demo population (demo/identity) and nothing
// else: no clock, no Math.random. The same files give the same rows on every machine.
import type { DemoPopulation } from '../../identity/index.js';
import { businessRegistry } from './business.js';
import { context, type Rows } from './common.js';
import { enforcementBureau } from './enforcement.js';
import { kindergartens } from './kindergartens.js';
import { pensionFund } from './pension.js';
import { civilStatus, population } from './people.js';
import { cadastre } from './property.js';
import { taxCommittee } from './tax.js';
import { roadSafety } from './traffic.js';
import { utilities } from './utilities.js';

export type { Rows, Row } from './common.js';
export { addMonths, BHM, bhmOn, DEMO_BUSINESS, DEMO_CITIZEN, DEMO_CITIZEN_IDS, placeCodes } from './common.js';
export { ACTIVITIES } from './business.js';
export { BANKS } from './enforcement.js';
export { COLORS, OFFENCES } from './traffic.js';
export { PROVIDERS, type Provider } from './utilities.js';
export { retirementAge, SALARY_FROM, salaryTo } from './pension.js';

/** Every registry table's rows for a population. */
export function generateRegistryData(pop: DemoPopulation): Rows {
  const ctx = context(pop);
  const { person, residence } = population(ctx);
  const { birth, marriage, family } = civilStatus(ctx);
  const { company, companyPerson } = businessRegistry(ctx);
  const { salary, pension } = pensionFund(ctx);
  const { property, owner } = cadastre(ctx, family);
  const { taxpayer, debt, income } = taxCommittee(ctx, { salary, property, owner });
  const { vehicle, fine } = roadSafety(ctx);
  const { account, bill } = utilities(ctx, residence);
  const enforcement = enforcementBureau(ctx, { fine, account, bill, debt });
  const { kindergarten, queue } = kindergartens(ctx, family);
  return {
    registry_person: person, registry_residence: residence, registry_birth: birth, registry_marriage: marriage,
    registry_taxpayer: taxpayer, registry_tax_debt: debt, registry_tax_income: income,
    registry_property: property, registry_property_owner: owner, registry_vehicle: vehicle, registry_fine: fine,
    registry_enforcement: enforcement, registry_salary: salary, registry_pension: pension,
    registry_utility_account: account, registry_utility_bill: bill,
    registry_kindergarten: kindergarten, registry_kindergarten_queue: queue,
    registry_company: company, registry_company_person: companyPerson,
  };
}
