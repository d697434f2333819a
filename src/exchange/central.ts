// The exchange centre: keeps the global configuration in its tables, seeds it from the demo
// registries, issues members' gateway certificates from the demo CA, and publishes the
// configuration signed with its own key (GET /exchange/globalconf). Gateways tell it where
// they listen with a request signed by their member's key (POST /exchange/gateway-address).
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { AppError, type Db } from '../platform/index.js';
import { issueSystemCertificate, type Ca } from '../identity/index.js';
import { PORTAL_MEMBER, type Registry } from './contract.js';
import { CENTRAL_ID, signGlobalConf, type ConfMember, type GlobalConfDocument } from './globalconf.js';
import { INSTANCE, parseClientId } from './ids.js';
import { certificateProblem, credentialsFrom, fingerprint, gatewayDir, loadCredentials, saveCredentials, type Credentials } from './pki.js';

/** How long a published configuration may be used: gateways keep working this long with the centre down. */
export const CONF_VALIDITY_MS = 24 * 3600_000;

/**
 * Writes the demo's members, subsystems, services and access rights where missing (a
 * registry added later appears on the next start; nothing is overwritten). Says whether this
 * was the first load.
 */
export async function seedCentral(db: Db, registries: readonly Registry[]): Promise<boolean> {
  // "Loaded" means the first time; additions on later starts are quiet.
  const first = !(await db.selectFrom('exchange_member').select('member_code').limit(1).executeTakeFirst());
  await db.transaction().execute(async (trx) => {
    const members = [
      { member_class: PORTAL_MEMBER.class, member_code: PORTAL_MEMBER.code, name: PORTAL_MEMBER.name },
      ...registries.map((r) => ({ member_class: r.member.class, member_code: r.member.code, name: r.member.name })),
    ];
    await trx.insertInto('exchange_member').values(dedupe(members, (m) => m.member_code)).onConflict((oc) => oc.doNothing()).execute();
    const subsystems = [
      { member_class: PORTAL_MEMBER.class, member_code: PORTAL_MEMBER.code, subsystem: PORTAL_MEMBER.subsystem, title: JSON.stringify({ uz: 'Yagona portal', ru: 'Единый портал', en: 'Single portal' }) },
      ...registries.map((r) => ({ member_class: r.member.class, member_code: r.member.code, subsystem: r.subsystem, title: JSON.stringify(r.title) })),
    ];
    await trx.insertInto('exchange_subsystem').values(dedupe(subsystems, (s) => `${s.member_code}/${s.subsystem}`)).onConflict((oc) => oc.doNothing()).execute();
    const services = registries.flatMap((r) => r.services.map((s) => ({
      member_class: r.member.class, member_code: r.member.code, subsystem: r.subsystem, service_code: s.code, method: s.method, path: s.path,
      title: JSON.stringify(s.title), personal: s.personal, openapi: JSON.stringify(s.openapi),
    })));
    if (services.length) await trx.insertInto('exchange_service').values(services).onConflict((oc) => oc.doNothing()).execute();
    const rights = registries.flatMap((r) => r.access.flatMap((a) => a.services.map((code) => ({
      client: `${INSTANCE}/${a.client}`, service: `${INSTANCE}/${r.member.class}/${r.member.code}/${r.subsystem}/${code}`,
    }))));
    if (rights.length) await trx.insertInto('exchange_access').values(dedupe(rights, (r) => `${r.client}|${r.service}`)).onConflict((oc) => oc.doNothing()).execute();
  });
  return first;
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

/**
 * A member's gateway credentials in DATA_DIR/gateways/<code>: kept when they are there and
 * registered, registered when only the files are there, issued by the CA when missing.
 */
export async function provisionMember(db: Db, dataDir: string, ca: Ca, member: { member_class: string; member_code: string; name: string }): Promise<Credentials> {
  const dir = gatewayDir(dataDir, member.member_code);
  const id = `${INSTANCE}/${member.member_class}/${member.member_code}`;
  let credentials = await loadCredentials(dir);
  // Keys of another CA (a DATA_DIR restored without its ca/), of another member or expired are replaced.
  if (credentials && certificateProblem(credentials.certificate, new X509Certificate(ca.certificatePem), id) !== undefined) credentials = undefined;
  if (!credentials) {
    const issued = await issueSystemCertificate(ca, { id, commonName: member.member_code.slice(0, 64), organization: member.name });
    await saveCredentials(dir, issued.certificatePem, issued.privateKeyPem);
    credentials = credentialsFrom(issued.certificatePem, issued.privateKeyPem);
  }
  await db.insertInto('exchange_member_certificate').values({
    fingerprint: credentials.fingerprint, member_class: member.member_class, member_code: member.member_code, pem: credentials.certificatePem, revoked_at: null,
  }).onConflict((oc) => oc.column('fingerprint').doNothing()).execute();
  return credentials;
}

/** The centre's signing credentials, made on first use and kept in the database. */
export async function centralCredentials(db: Db, ca: Ca): Promise<Credentials> {
  const row = await db.selectFrom('exchange_central_key').selectAll().where('id', '=', 'central').executeTakeFirst();
  if (row) return credentialsFrom(row.certificate_pem, row.private_key_pem);
  const issued = await issueSystemCertificate(ca, { id: CENTRAL_ID, commonName: 'Darcha Exchange Centre', organization: 'Darcha', validDays: 3650 });
  await db.insertInto('exchange_central_key').values({ id: 'central', certificate_pem: issued.certificatePem, private_key_pem: issued.privateKeyPem })
    .onConflict((oc) => oc.column('id').doNothing()).execute();
  // Another process may have made it first: take whichever is stored.
  const stored = await db.selectFrom('exchange_central_key').selectAll().where('id', '=', 'central').executeTakeFirstOrThrow();
  return credentialsFrom(stored.certificate_pem, stored.private_key_pem);
}

export class Central {
  #signed: { jws: string; content: string; at: number; issuedAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(private readonly db: Db, private readonly credentials: Credentials, private readonly caPem: string) {}

  /** The configuration as the tables hold it now. */
  async document(now = new Date()): Promise<GlobalConfDocument> {
    const [members, certificates, subsystems, services, access] = await Promise.all([
      this.db.selectFrom('exchange_member').selectAll().orderBy('member_class').orderBy('member_code').execute(),
      this.db.selectFrom('exchange_member_certificate').select(['member_class', 'member_code', 'pem']).where('revoked_at', 'is', null).orderBy('created_at').orderBy('fingerprint').execute(),
      this.db.selectFrom('exchange_subsystem').selectAll().orderBy('subsystem').execute(),
      this.db.selectFrom('exchange_service').selectAll().orderBy('service_code').execute(),
      this.db.selectFrom('exchange_access').select(['client', 'service']).orderBy('client').orderBy('service').execute(),
    ]);
    const key = (c: string, m: string) => `${c}/${m}`;
    const byMember = new Map<string, ConfMember>(members.map((m) => [key(m.member_class, m.member_code), {
      memberClass: m.member_class, memberCode: m.member_code, name: m.name, address: m.address, certificates: [], subsystems: [],
    }]));
    for (const c of certificates) byMember.get(key(c.member_class, c.member_code))?.certificates.push(c.pem);
    for (const s of subsystems) {
      byMember.get(key(s.member_class, s.member_code))?.subsystems.push({
        code: s.subsystem, title: s.title,
        services: services.filter((v) => v.member_class === s.member_class && v.member_code === s.member_code && v.subsystem === s.subsystem)
          .map((v) => ({ code: v.service_code, method: v.method, path: v.path, title: v.title, personal: v.personal, openapi: v.openapi })),
      });
    }
    return {
      instance: INSTANCE, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + CONF_VALIDITY_MS).toISOString(),
      members: [...byMember.values()], access,
    };
  }

  /**
   * The signed document; built at most once a second, and signed anew only when the content
   * changed or a tenth of its validity has passed, so gateways polling it cost little.
   */
  signed(): Promise<string> {
    const now = Date.now();
    if (this.#signed && now - this.#signed.at < 1000) return Promise.resolve(this.#signed.jws);
    this.#pending ??= (async () => {
      const document = await this.document();
      const content = JSON.stringify({ ...document, issuedAt: '', expiresAt: '' });
      const previous = this.#signed;
      if (previous && previous.content === content && Date.now() - previous.issuedAt < CONF_VALIDITY_MS / 10) {
        this.#signed = { ...previous, at: Date.now() };
      } else {
        this.#signed = { jws: await signGlobalConf(document, this.credentials), content, at: Date.now(), issuedAt: Date.parse(document.issuedAt) };
      }
      return this.#signed.jws;
    })().finally(() => { this.#pending = undefined; });
    return this.#pending;
  }

  /** Forgets the cached document (after a change made in this process). */
  changed() { this.#signed = undefined; }

  async setAddress(memberCode: string, address: string | null): Promise<void> {
    await this.db.updateTable('exchange_member').set({ address }).where('member_code', '=', memberCode).execute();
    this.changed();
  }

  /**
   * A gateway's own word on where it listens: a JWS made with its member's key, the
   * certificate (registered for that member, from the CA) in `x5c`, fresh within five minutes.
   */
  async registerAddress(jws: string): Promise<{ member: string; address: string }> {
    let cert: X509Certificate;
    try {
      const header = decodeProtectedHeader(jws);
      if (header.alg !== 'ES256' || !Array.isArray(header.x5c)) throw new Error('header');
      cert = new X509Certificate(Buffer.from(String(header.x5c[0]), 'base64'));
    } catch {
      throw new AppError('bad-request', 400);
    }
    let payload: { member?: unknown; address?: unknown; iat?: unknown };
    try {
      payload = JSON.parse(Buffer.from((await compactVerify(jws, cert.publicKey, { algorithms: ['ES256'] })).payload).toString('utf8'));
    } catch {
      throw new AppError('forbidden', 403);
    }
    const member = typeof payload.member === 'string' ? parseClientId(payload.member) : undefined;
    const address = typeof payload.address === 'string' && /^https?:\/\/[^\s/?#]+$/.test(payload.address) ? payload.address : undefined;
    if (!member || member.subsystem || !address || typeof payload.iat !== 'number') throw new AppError('bad-request', 400);
    if (Math.abs(Date.now() - payload.iat) > 5 * 60_000) throw new AppError('forbidden', 403);
    const id = `${member.instance}/${member.memberClass}/${member.memberCode}`;
    if (certificateProblem(cert, new X509Certificate(this.caPem), id) !== undefined) throw new AppError('forbidden', 403);
    const registered = await this.db.selectFrom('exchange_member_certificate').select('fingerprint')
      .where('fingerprint', '=', fingerprint(cert)).where('member_class', '=', member.memberClass).where('member_code', '=', member.memberCode)
      .where('revoked_at', 'is', null).executeTakeFirst();
    if (!registered) throw new AppError('forbidden', 403);
    await this.setAddress(member.memberCode, address);
    return { member: id, address };
  }
}

export function centralRoutes(app: FastifyInstance, central: () => Central | undefined) {
  app.get('/exchange/globalconf', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const c = central();
    if (!c) throw new AppError('unavailable', 503);
    return reply.type('application/jose').header('cache-control', 'no-store').send(await c.signed());
  });
  app.post<{ Body: { jws?: unknown } }>('/exchange/gateway-address', {
    // A machine request signed with the member's key, not a form: no CSRF token.
    config: { access: 'public', csrf: false }, schema: { hide: true },
  }, async (request, reply) => {
    const c = central();
    if (!c) throw new AppError('unavailable', 503);
    const jws = (request.body as { jws?: unknown } | undefined)?.jws;
    if (typeof jws !== 'string' || jws.length > 20_000) throw new AppError('bad-request', 400);
    const result = await c.registerAddress(jws);
    return reply.send(result);
  });
}
