import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config, Db } from '../platform/index.js';
import { PERSON_COLUMNS, sha256, toPerson, type Person } from './identity.store.js';

export const SESSION_COOKIE = 'sid';
const SESSION_HOURS = 8;

export interface Session { ref: string; person: Person; actingFor: string | null; idToken: string | null }

/** Opens a new session (a new id at every sign-in) and sets its cookie. */
export async function openSession(db: Db, config: Config, request: FastifyRequest, reply: FastifyReply, personId: string, idToken: string | null): Promise<void> {
  const value = randomBytes(32).toString('base64url');
  await db.insertInto('identity_session').values({
    id_hash: sha256(value), ref: randomUUID(), person_id: personId, acting_for: null,
    expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000), revoked_at: null,
    user_agent: String(request.headers['user-agent'] ?? '').slice(0, 300), ip: request.ip, id_token: idToken,
  }).execute();
  reply.setCookie(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.production, maxAge: SESSION_HOURS * 3600 });
}

/** The signed-in session of a request, or undefined; a revoked or expired one is no session. */
export async function currentSession(db: Db, request: FastifyRequest): Promise<Session | undefined> {
  const value = request.cookies[SESSION_COOKIE];
  if (!value || value.length > 100) return undefined;
  // One round trip: the session and its person together.
  const row = await db.selectFrom('identity_session').innerJoin('identity_person', 'identity_person.id', 'identity_session.person_id')
    .select(['identity_session.ref', 'identity_session.acting_for', 'identity_session.id_token', ...PERSON_COLUMNS.map((c) => `identity_person.${c}` as const)])
    .where('identity_session.id_hash', '=', sha256(value)).where('identity_session.revoked_at', 'is', null).where('identity_session.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && { ref: row.ref, person: toPerson(row), actingFor: row.acting_for, idToken: row.id_token };
}

export async function listSessions(db: Db, personId: string) {
  return db.selectFrom('identity_session').select(['ref', 'created_at', 'user_agent', 'ip', 'expires_at'])
    .where('person_id', '=', personId).where('revoked_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc').execute();
}

/** Ends one of a person's sessions; only their own. Returns whether one was ended. */
export async function revokeSession(db: Db, personId: string, ref: string): Promise<boolean> {
  const result = await db.updateTable('identity_session').set({ revoked_at: sql`now()` })
    .where('person_id', '=', personId).where('ref', '=', ref).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
