import type { Db } from '../platform/index.js';

export interface DataAccess {
  personId: string;
  /** An officer reading in the back office, or an agency's system through the exchange. */
  accessorKind: 'officer' | 'system';
  /** The officer's name and position, or the system's identifier. */
  accessor: string;
  agencyId: string | null;
  /** Why: the application, appeal or service the read was for. */
  purpose: string;
  fields: string[];
}

/**
 * Records a read of a person's data, in the caller's transaction, so that the person
 * sees it under "Who looked at my data" (the Estonian data tracker). Every module that
 * shows personal data to an officer or hands it to a system calls this.
 */
export async function logDataAccess(db: Db, access: DataAccess): Promise<void> {
  await db.insertInto('identity_data_access').values({
    person_id: access.personId, accessor_kind: access.accessorKind, accessor: access.accessor.slice(0, 300),
    agency_id: access.agencyId, purpose: access.purpose.slice(0, 500), fields: JSON.stringify(access.fields.slice(0, 50)),
  }).execute();
}

/** The latest reads of a person's data, newest first; only ever asked for by that person. */
export async function dataAccessesOf(db: Db, personId: string, limit = 50) {
  return db.selectFrom('identity_data_access').select(['at', 'accessor_kind', 'accessor', 'agency_id', 'purpose', 'fields'])
    .where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
