import { sql, type Selectable } from 'kysely';
import type { Db } from '../platform/index.js';
import type { CatalogTables } from './catalog.tables.js';
import type { Agency, BhmRate, Service, Sphere } from './catalog.types.js';

// Kysely queries of the catalog: plain functions taking `db` or a transaction first.

export async function currentRevision(db: Db): Promise<number> {
  const row = await db.selectFrom('catalog_revision').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
  return row.revision;
}

export async function bumpRevision(trx: Db): Promise<number> {
  const row = await trx.updateTable('catalog_revision').set({ revision: sql`revision + 1`, changed_at: sql`now()` })
    .where('id', '=', 1).returning('revision').executeTakeFirstOrThrow();
  return row.revision;
}

export async function loadSpheres(db: Db): Promise<Sphere[]> {
  return db.selectFrom('catalog_sphere').select(['id', 'position', 'icon', 'name']).orderBy('position').execute();
}

export async function loadAgencies(db: Db): Promise<Agency[]> {
  const rows = await db.selectFrom('catalog_agency').selectAll().orderBy('id').execute();
  return rows.map(toAgency);
}

const toAgency = ({ parent_id, kind, region, ...rest }: Selectable<CatalogTables['catalog_agency']>): Agency =>
  ({ ...rest, parentId: parent_id, kind: kind as Agency['kind'], region: region as Agency['region'] });

export async function loadServices(db: Db): Promise<Service[]> {
  const rows = await db.selectFrom('catalog_service').selectAll().where('status', '=', 'published').orderBy('popularity', 'desc').orderBy('id').execute();
  return rows.map(toService);
}

type ServiceRow = Selectable<CatalogTables['catalog_service']>;

function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    sphereId: r.sphere_id,
    agencyId: r.agency_id,
    type: r.type as Service['type'],
    audience: r.audience as Service['audience'],
    channels: r.channels as Service['channels'],
    feeBhm: r.fee_bhm,
    onlineDiscount: r.online_discount,
    term: { days: r.term_days, kind: r.term_kind as Service['term']['kind'] },
    popularity: r.popularity,
    name: r.name,
    summary: r.summary,
    keywords: r.keywords,
    documents: r.documents,
    result: r.result,
    steps: r.steps,
    legalBasis: r.legal_basis,
  };
}

/** One published service, sphere or agency as stored (for the editor), or undefined. */
export async function loadService(db: Db, id: string): Promise<Service | undefined> {
  const row = await db.selectFrom('catalog_service').selectAll().where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  return row && toService(row);
}
export async function loadSphere(db: Db, id: string): Promise<Sphere | undefined> {
  return db.selectFrom('catalog_sphere').select(['id', 'position', 'icon', 'name']).where('id', '=', id).executeTakeFirst();
}
export async function loadAgency(db: Db, id: string): Promise<Agency | undefined> {
  const row = await db.selectFrom('catalog_agency').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAgency(row);
}

export async function loadBhmRates(db: Db): Promise<BhmRate[]> {
  const rows = await db.selectFrom('catalog_bhm').selectAll().orderBy('valid_from').execute();
  return rows.map((r) => ({ validFrom: r.valid_from, amountTiyin: r.amount_tiyin, legalBasis: r.legal_basis }));
}

export async function countServices(db: Db): Promise<number> {
  const row = await db.selectFrom('catalog_service').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const json = (value: unknown) => JSON.stringify(value);

/** Writes a whole catalog; services that are not in it are withdrawn, not deleted. */
export async function saveCatalog(trx: Db, catalog: { spheres: Sphere[]; agencies: Agency[]; services: Service[]; bhm: BhmRate[] }): Promise<{ withdrawn: number }> {
  for (const s of catalog.spheres) await saveSphere(trx, s);
  for (const a of catalog.agencies) await saveAgency(trx, a);
  for (const s of catalog.services) await saveService(trx, s);
  for (const b of catalog.bhm) {
    const row = { valid_from: b.validFrom, amount_tiyin: b.amountTiyin, legal_basis: json(b.legalBasis) };
    await trx.insertInto('catalog_bhm').values(row).onConflict((oc) => oc.column('valid_from').doUpdateSet(row)).execute();
  }
  const ids = catalog.services.map((s) => s.id);
  const withdrawn = await trx.updateTable('catalog_service').set({ status: 'withdrawn', updated_at: sql`now()` })
    .where('status', '=', 'published')
    .$if(ids.length > 0, (qb) => qb.where('id', 'not in', ids))
    .executeTakeFirst();
  return { withdrawn: Number(withdrawn.numUpdatedRows) };
}

/** Writes one sphere, agency or service (published), inserting or replacing it. */
export async function saveSphere(trx: Db, s: Sphere): Promise<void> {
  await trx.insertInto('catalog_sphere').values({ id: s.id, position: s.position, icon: s.icon, name: json(s.name) })
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ position: eb.ref('excluded.position'), icon: eb.ref('excluded.icon'), name: eb.ref('excluded.name') })))
    .execute();
}

export async function saveAgency(trx: Db, a: Agency): Promise<void> {
  const row = {
    id: a.id, parent_id: a.parentId, kind: a.kind, region: a.region, name: json(a.name), address: json(a.address),
    phone: a.phone, email: a.email, website: a.website, hours: json(a.hours),
  };
  await trx.insertInto('catalog_agency').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
}

export async function saveService(trx: Db, s: Service): Promise<void> {
  const row = {
    id: s.id, sphere_id: s.sphereId, agency_id: s.agencyId, type: s.type, audience: json(s.audience), channels: json(s.channels),
    fee_bhm: s.feeBhm, online_discount: s.onlineDiscount, term_days: s.term.days, term_kind: s.term.kind, popularity: s.popularity,
    name: json(s.name), summary: json(s.summary), keywords: json(s.keywords), documents: json(s.documents), result: json(s.result),
    steps: json(s.steps), legal_basis: json(s.legalBasis), status: 'published',
  };
  await trx.insertInto('catalog_service').values(row).onConflict((oc) => oc.column('id').doUpdateSet({ ...row, updated_at: sql`now()` })).execute();
}
