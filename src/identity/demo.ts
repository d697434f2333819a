import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, Db } from '../platform/index.js';
import { hashPassword } from './password.js';
import { insertAccount, insertPerson } from './identity.store.js';
import { readDemoPopulation } from './people/index.js';
import { issuePersonKeyFile, type Ca } from './pki/index.js';

/** The demo accounts listed in the README and printed on the first start (fixed people of demo/identity). */
export const DEMO_ACCOUNTS = [
  { id: '00000000-0000-4000-8000-000000000001', role: 'citizen', login: '+998 90 123-45-67', phone: '998901234567', password: 'demo-citizen-2026', pinfl: '31507901120014', first: 'Aziz', birth: '1990-07-15' },
  { id: '00000000-0000-4000-8000-000000000002', role: 'foreigner', login: '+998 95 111-22-33', phone: '998951112233', password: 'demo-foreigner-2026', pinfl: null, first: 'Emma', birth: '1988-04-02' },
  { id: '00000000-0000-4000-8000-000000000003', role: 'director', login: '+998 91 555-44-33', phone: '998915554433', password: 'demo-director-2026', pinfl: '40803843150013', first: 'Dilnoza', birth: '1984-03-08' },
  { id: '00000000-0000-4000-8000-000000000004', role: 'representative', login: '+998 97 700-11-22', phone: '998977001122', password: 'demo-agent-2026', pinfl: '32011951020015', first: 'Timur', birth: '1995-11-20' },
  { id: '00000000-0000-4000-8000-000000000005', role: 'officer', login: '+998 93 555-05-05', phone: '998935550505', password: 'demo-officer-2026', pinfl: '40109921090012', first: 'Gulnora', birth: '1992-09-01' },
  { id: '00000000-0000-4000-8000-000000000006', role: 'head', login: '+998 90 333-06-06', phone: '998903330606', password: 'demo-head-2026', pinfl: '31402711040016', first: 'Bahodir', birth: '1971-02-14' },
  { id: '00000000-0000-4000-8000-000000000007', role: 'editor', login: '+998 91 400-70-70', phone: '998914007070', password: 'demo-editor-2026', pinfl: '43006987670013', first: 'Aynura', birth: '1998-06-30' },
  { id: '00000000-0000-4000-8000-000000000008', role: 'admin', login: '+998 99 808-08-08', phone: '998998080808', password: 'demo-admin-2026', pinfl: '30512871110014', first: 'Sardor', birth: '1987-12-05' },
] as const;

/** Where the demo people's signature key files are written (for the signature-key sign-in). */
export const demoKeyFile = (dataDir: string, role: string) => join(dataDir, 'demo-keys', `${role}.pem`);

/**
 * Loads the demo population (demo/identity) into an empty database, gives the fixed
 * people their accounts, and writes their signature key files under DATA_DIR.
 */
export async function seedDemoPeople(db: Db, config: Config, ca: Ca): Promise<boolean> {
  const any = await db.selectFrom('identity_person').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const population = await readDemoPopulation();
  const passwords = new Map(DEMO_ACCOUNTS.map((a) => [a.id as string, a.password as string]));
  await db.transaction().execute(async (trx) => {
    for (const p of population.people) {
      await insertPerson(trx, {
        id: p.id, kind: p.kind, pinfl: p.pinfl ?? null, documentNumber: p.documentNumber ?? null, documentCountry: p.documentCountry ?? null,
        nameLatin: p.nameLatin, nameCyrillic: p.nameCyrillic ?? null, birthDate: p.birthDate,
        phone: p.phone ? p.phone.replace(/\D/g, '') : null, email: p.email ?? null, locale: p.locale,
      });
      const password = passwords.get(p.id);
      if (password) await insertAccount(trx, p.id, await hashPassword(password));
      // Staff get their back-office role; an officer works in the region they live in.
      const role = p.demo?.role;
      if (role === 'officer' || role === 'head' || role === 'editor' || role === 'admin') {
        await trx.insertInto('identity_role').values({
          id: randomUUID(), person_id: p.id, role, agency_id: p.demo!.agency ?? null, unit: role === 'officer' ? 'applications' : null,
          region: role === 'officer' ? p.region : null, district: null, position: null, granted_by: null, revoked_at: null,
        }).execute();
      }
    }
    const byPinfl = new Map(population.people.filter((p) => p.pinfl).map((p) => [p.pinfl!, p.id]));
    const powerUntil = new Date(`${Number(population.asOf.slice(0, 4)) + 2}${population.asOf.slice(4)}T00:00:00Z`);
    for (const b of population.businesses) {
      const directorId = byPinfl.get(b.director)!;
      await trx.insertInto('identity_business').values({
        id: b.id, stir: b.stir, legal_form: b.legalForm, name: JSON.stringify(b.name), registered_on: b.registeredOn,
        region: b.region, district: b.district, address: b.address, director_id: directorId,
      }).execute();
      for (const pinfl of b.representatives) {
        await trx.insertInto('identity_power').values({
          id: randomUUID(), business_id: b.id, person_id: byPinfl.get(pinfl)!, scope: JSON.stringify(['*']), granted_by: directorId,
          expires_at: powerUntil, revoked_at: null, revoked_by: null,
        }).execute();
      }
    }
  });
  mkdirSync(join(config.dataDir, 'demo-keys'), { recursive: true });
  for (const account of DEMO_ACCOUNTS) {
    if (!account.pinfl) continue;
    const person = population.people.find((p) => p.id === account.id)!;
    const keyFile = await issuePersonKeyFile(ca, { pinfl: account.pinfl, nameLatin: `${person.nameLatin.first} ${person.nameLatin.last}` });
    writeFileSync(demoKeyFile(config.dataDir, account.role), keyFile, { mode: 0o600 });
  }
  return true;
}
