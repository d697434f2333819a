// Open311 clients and their API keys. A key is shown once, when issued, and kept only as its
// SHA-256: whoever reads the database cannot file in a client's name.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/index.js';

export interface Client { id: string; name: string; contact: string; createdAt: Date; revokedAt: Date | null }

export const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Registers a client and returns its key, the only time it is seen.
 * @example const { id, key } = await issueClient(db, { name: 'Mahalla app', contact: 'dev@example.uz' });
 */
export async function issueClient(db: Db, input: { name: string; contact: string }): Promise<{ id: string; key: string }> {
  const id = randomUUID();
  const key = `o311_${randomBytes(32).toString('base64url')}`;
  await db.insertInto('appeals_client').values({ id, name: input.name, contact: input.contact, key_hash: keyHash(key), revoked_at: null }).execute();
  return { id, key };
}

/** The client a key belongs to, unless revoked. */
export async function clientByKey(db: Db, key: string): Promise<{ id: string; name: string } | undefined> {
  if (key.length > 200) return undefined;
  return db.selectFrom('appeals_client').select(['id', 'name'])
    .where('key_hash', '=', keyHash(key)).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function listClients(db: Db): Promise<Client[]> {
  const rows = await db.selectFrom('appeals_client').select(['id', 'name', 'contact', 'created_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, contact: r.contact, createdAt: new Date(r.created_at), revokedAt: r.revoked_at && new Date(r.revoked_at) }));
}

/** Revokes a client's key at once; false when there is no such client or it was revoked already. */
export async function revokeClient(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('appeals_client').set({ revoked_at: sql`now()` })
    .where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
