import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';
import type { ApplicantName } from './applications.tables.js';
import type { ApplicationsConfig } from './config.js';
import type { ExchangeLike } from './contract.js';

/** The population register's service that answers a person's current registered address. */
export const ADDRESS_SERVICE = 'GOV/migration/aholi/population';

export interface Applicant { pinfl: string | null; name: ApplicantName; region: string | null; district: string | null }

interface PopulationAnswer { residence: { address: { region: string; district: string } } | null }

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 20_000;

export const fullName = (a: Pick<Applicant, 'name'>) => [a.name.last, a.name.first, a.name.middle].filter(Boolean).join(' ');

/**
 * Who applies and where they live: the person (as identity keeps them) and the address of
 * their permanent registration, asked of the population register through the exchange. Held
 * for ten minutes per person, so that a person's next submissions are routed at once.
 */
export class Applicants {
  private readonly cache = new Map<string, { applicant: Applicant; until: number }>();

  constructor(private readonly deps: { exchange?: ExchangeLike; log: Logger }) {}

  /** The applicant, read in the caller's transaction; the address only when already known (the register is never asked here). */
  async get(db: Db, personId: string): Promise<Applicant | undefined> {
    const hit = this.cache.get(personId);
    if (hit && hit.until > Date.now()) return hit.applicant;
    // identity exports no reader of a person by id; its table is read here, for these columns only.
    const person = await db.selectFrom('identity_person').select(['pinfl', 'name_latin']).where('id', '=', personId).executeTakeFirst();
    if (!person) return undefined;
    const applicant: Applicant = { pinfl: person.pinfl, name: person.name_latin, region: null, district: null };
    // Without a PINFL there is no address to ask for: the person is known as they are.
    if (!person.pinfl) this.remember(personId, applicant);
    return applicant;
  }

  /** Asks the population register for the address (outside any transaction) and remembers the person with it. */
  async locate(personId: string, applicant: Pick<Applicant, 'pinfl' | 'name'>): Promise<{ region: string; district: string } | null> {
    if (!applicant.pinfl || !this.deps.exchange) return null;
    const result = await this.deps.exchange.call<PopulationAnswer>({ service: ADDRESS_SERVICE, path: `/${applicant.pinfl}`, userId: `UZ${applicant.pinfl}`, timeoutMs: 5000 });
    if (!result.ok) {
      // Not registered anywhere the register knows: nothing to route by. Anything else is worth a retry.
      if (result.error === 'refused' && result.status === 404) return null;
      throw new Error(`population register: ${result.error} ${result.message}`);
    }
    const address = result.data.residence?.address;
    const found = address?.region && address.district ? { region: address.region, district: address.district } : null;
    this.remember(personId, { pinfl: applicant.pinfl, name: applicant.name, region: found?.region ?? null, district: found?.district ?? null });
    return found;
  }

  private remember(personId: string, applicant: Applicant): void {
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(personId, { applicant, until: Date.now() + TTL_MS });
  }
}

/** Where an application goes: the centre chosen, else the applicant's registered address. */
export function routeOf(config: ApplicationsConfig, applicant: Applicant, channel: 'portal' | 'centre', centreId?: string): { region: string | null; district: string | null } | undefined {
  if (channel === 'centre') {
    const centre = config.centres.find((c) => c.id === centreId);
    return centre ? { region: centre.region, district: centre.district } : undefined;
  }
  return { region: applicant.region, district: applicant.district };
}
