import { sql } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../platform/index.js';

/**
 * oidc-provider's storage (sessions, interactions, codes, tokens, grants) in our
 * database, so that any serve process can finish a sign-in another began.
 */
export function kyselyAdapter(db: Db) {
  return class KyselyAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const row = {
        kind: this.kind, id, payload: JSON.stringify(payload), grant_id: payload.grantId ?? null, user_code: payload.userCode ?? null,
        uid: payload.uid ?? null, expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await db.insertInto('oidc_payload').values(row)
        .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, user_code: row.user_code, uid: row.uid, expires_at: row.expires_at }))
        .execute();
    }

    private async findBy(column: 'id' | 'user_code' | 'uid', value: string): Promise<AdapterPayload | undefined> {
      const row = await db.selectFrom('oidc_payload').select(['payload', 'consumed_at', 'expires_at'])
        .where('kind', '=', this.kind).where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .executeTakeFirst();
      if (!row) return undefined;
      return { ...(row.payload as AdapterPayload), ...(row.consumed_at ? { consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : {}) };
    }

    find(id: string) { return this.findBy('id', id); }
    findByUserCode(userCode: string) { return this.findBy('user_code', userCode); }
    findByUid(uid: string) { return this.findBy('uid', uid); }

    async consume(id: string) {
      await db.updateTable('oidc_payload').set({ consumed_at: sql`now()` }).where('kind', '=', this.kind).where('id', '=', id).execute();
    }

    async destroy(id: string) {
      await db.deleteFrom('oidc_payload').where('kind', '=', this.kind).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string) {
      await db.deleteFrom('oidc_payload').where('grant_id', '=', grantId).execute();
    }
  };
}
