import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, Config, Db } from '../platform/index.js';
import { PERSON_COLUMNS, sha256, toPerson, type Person } from './identity.store.js';

/** The portal and the back office are two clients of the provider, each with its own session cookie. */
export type Audience = 'portal' | 'office';
export const SESSION_COOKIES: Record<Audience, string> = { portal: 'sid', office: 'osid' };
const SESSION_HOURS = 8;
/** A cached session is checked again after this long even when no change was announced. */
const CACHE_MS = 60_000;
const CACHE_MAX = 20_000;
/** Changes to a person's sessions, roles or powers are announced on this channel (payload: person id). */
const CHANNEL = 'identity_person_changed';

export type Role = 'officer' | 'head' | 'editor' | 'admin';
export interface RoleGrant { role: Role; agencyId: string | null; unit: string | null; region: string | null; district: string | null; position: string | null }
export interface ActingFor { businessId: string; stir: string; name: { uz: string; ru: string; en: string }; director: boolean; /** Service ids, or `*` for all. */ scope: string[] }

export interface Session {
  ref: string;
  audience: Audience;
  person: Person;
  /** Back-office roles now in force (loaded for both audiences; the back office requires one). */
  roles: RoleGrant[];
  /** The business the person acts for on the portal, while their power holds. */
  actingFor: ActingFor | null;
  idToken: string | null;
}

/**
 * Sessions, with their person, roles and power held in memory for a minute: checking the
 * session is a hash and a map lookup. Whatever ends or changes a session (sign-out, revoke,
 * a role or power changed) announces it through the database, and every process drops
 * what it holds of that person at once.
 */
export class Sessions {
  private readonly cache = new Map<string, { session: Session; until: number }>();
  private unlisten?: () => Promise<void>;

  constructor(private readonly db: Db, private readonly config: Config) {}

  async listen(ctx: Pick<AppContext, 'listen'>): Promise<void> {
    this.unlisten = await ctx.listen(CHANNEL, (personId) => this.forget(personId));
  }
  async close(): Promise<void> { await this.unlisten?.(); }

  /** Opens a new session (a new id at every sign-in) and sets its cookie. */
  async open(request: FastifyRequest, reply: FastifyReply, personId: string, idToken: string | null, audience: Audience): Promise<void> {
    const value = randomBytes(32).toString('base64url');
    await this.db.insertInto('identity_session').values({
      id_hash: sha256(value), ref: randomUUID(), person_id: personId, acting_for: null, audience,
      expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000), revoked_at: null,
      user_agent: String(request.headers['user-agent'] ?? '').slice(0, 300), ip: request.ip, id_token: idToken,
    }).execute();
    reply.setCookie(SESSION_COOKIES[audience], value, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.config.production, maxAge: SESSION_HOURS * 3600 });
  }

  /** The signed-in session of a request for one audience, or undefined; a revoked or expired one is no session. */
  async current(request: FastifyRequest, audience: Audience): Promise<Session | undefined> {
    const value = request.cookies[SESSION_COOKIES[audience]];
    if (!value || value.length > 100) return undefined;
    const hash = sha256(value);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.session;
    const loaded = await this.load(hash, audience);
    if (!loaded) { this.cache.delete(hash); return undefined; }
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, loaded);
    return loaded.session;
  }

  private async load(hash: string, audience: Audience): Promise<{ session: Session; until: number } | undefined> {
    const row = await this.db.selectFrom('identity_session').innerJoin('identity_person', 'identity_person.id', 'identity_session.person_id')
      .select(['identity_session.ref', 'identity_session.acting_for', 'identity_session.id_token', 'identity_session.expires_at', ...PERSON_COLUMNS.map((c) => `identity_person.${c}` as const)])
      .where('identity_session.id_hash', '=', hash).where('identity_session.audience', '=', audience)
      .where('identity_session.revoked_at', 'is', null).where('identity_session.expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row) return undefined;
    const roles = await this.db.selectFrom('identity_role').select(['role', 'agency_id', 'unit', 'region', 'district', 'position'])
      .where('person_id', '=', row.id).where('revoked_at', 'is', null).execute();
    let until = Math.min(Date.now() + CACHE_MS, new Date(row.expires_at).getTime());
    let actingFor: ActingFor | null = null;
    if (row.acting_for) {
      const power = await actingPower(this.db, row.id, row.acting_for);
      if (power) { actingFor = power.actingFor; if (power.expiresAt) until = Math.min(until, power.expiresAt.getTime()); }
    }
    return {
      until,
      session: {
        ref: row.ref, audience, person: toPerson(row), actingFor, idToken: row.id_token,
        roles: roles.map((r) => ({ role: r.role as Role, agencyId: r.agency_id, unit: r.unit, region: r.region, district: r.district, position: r.position })),
      },
    };
  }

  /** Drops what this process holds of a person; `changed` does it for every process. */
  forget(personId: string): void {
    for (const [hash, entry] of this.cache) if (entry.session.person.id === personId) this.cache.delete(hash);
  }

  /** Announces that a person's sessions, roles or powers changed: every process reloads them. */
  async changed(personId: string): Promise<void> {
    this.forget(personId);
    await sql`select pg_notify(${CHANNEL}, ${personId})`.execute(this.db);
  }

  async list(personId: string) {
    return this.db.selectFrom('identity_session').select(['ref', 'created_at', 'user_agent', 'ip', 'expires_at', 'audience'])
      .where('person_id', '=', personId).where('revoked_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
      .orderBy('created_at', 'desc').execute();
  }

  /** Ends one of a person's sessions; only their own. Returns whether one was ended. */
  async revoke(personId: string, ref: string): Promise<boolean> {
    const result = await this.db.updateTable('identity_session').set({ revoked_at: sql`now()` })
      .where('person_id', '=', personId).where('ref', '=', ref).where('revoked_at', 'is', null).executeTakeFirst();
    await this.changed(personId);
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends every session of a person (after a password reset, say). */
  async revokeAll(personId: string): Promise<number> {
    this.forget(personId);
    return revokeAllSessions(this.db, personId);
  }

  /** Switches whom the session acts for; refuses a business the person holds no power for. */
  async actFor(session: Session, businessId: string | null): Promise<boolean> {
    if (businessId && !await actingPower(this.db, session.person.id, businessId)) return false;
    await this.db.updateTable('identity_session').set({ acting_for: businessId }).where('ref', '=', session.ref).execute();
    await this.changed(session.person.id);
    return true;
  }
}

/**
 * Whether a person may act for a business now, and with what scope: its director always
 * (all services), anyone else while an unrevoked, unexpired power holds.
 */
export async function actingPower(db: Db, personId: string, businessId: string): Promise<{ actingFor: ActingFor; expiresAt: Date | null } | undefined> {
  const business = await db.selectFrom('identity_business').select(['id', 'stir', 'name', 'director_id']).where('id', '=', businessId).executeTakeFirst();
  if (!business) return undefined;
  const base = { businessId: business.id, stir: business.stir, name: business.name };
  if (business.director_id === personId) return { actingFor: { ...base, director: true, scope: ['*'] }, expiresAt: null };
  const power = await db.selectFrom('identity_power').select(['scope', 'expires_at'])
    .where('business_id', '=', businessId).where('person_id', '=', personId).where('revoked_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
    .orderBy('expires_at', 'desc').executeTakeFirst();
  return power && { actingFor: { ...base, director: false, scope: power.scope }, expiresAt: new Date(power.expires_at) };
}

/** Businesses a person may act for now: those they direct and those they hold a valid power for. */
export async function businessesOf(db: Db, personId: string) {
  return db.selectFrom('identity_business').select(['id', 'stir', 'name', 'director_id'])
    .where((eb) => eb.or([
      eb('director_id', '=', personId),
      eb.exists(eb.selectFrom('identity_power').select(sql`1`.as('one'))
        .whereRef('identity_power.business_id', '=', 'identity_business.id').where('identity_power.person_id', '=', personId)
        .where('identity_power.revoked_at', 'is', null).where('identity_power.expires_at', '>', sql<Date>`now()`)),
    ])).orderBy('stir').execute();
}

/** Ends every session of a person, for code that has no `Sessions` at hand; every process hears of it. */
export async function revokeAllSessions(db: Db, personId: string): Promise<number> {
  const result = await db.updateTable('identity_session').set({ revoked_at: sql`now()` })
    .where('person_id', '=', personId).where('revoked_at', 'is', null).executeTakeFirst();
  await sql`select pg_notify(${CHANNEL}, ${personId})`.execute(db);
  return Number(result.numUpdatedRows);
}
