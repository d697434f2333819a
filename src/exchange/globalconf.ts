// The global configuration: members, their subsystems, services (each with its OpenAPI),
// access rights, each member's certificates and gateway address. The centre signs it as a
// JWS (ES256, its certificate in `x5c`, issued by the demo CA to `DARCHA/CENTRAL`); gateways
// take only a document whose signature and certificate check out.
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { INSTANCE } from './ids.js';
import { certificateProblem, fingerprint, subjectId, type Credentials } from './pki.js';

export const CENTRAL_ID = `${INSTANCE}/CENTRAL`;
const TYP = 'darcha-globalconf+json';

export interface ConfService {
  code: string;
  method: string;
  path: string;
  title: Record<string, string>;
  personal: boolean;
  openapi: Record<string, unknown>;
}
export interface ConfSubsystem { code: string; title: Record<string, string>; services: ConfService[] }
export interface ConfMember {
  memberClass: string;
  memberCode: string;
  name: string;
  /** The gateway's base URL other gateways send to, or null when none runs. */
  address: string | null;
  /** PEM certificates the member signs with (more than one while keys are rolled over). */
  certificates: string[];
  subsystems: ConfSubsystem[];
}
export interface GlobalConfDocument {
  instance: string;
  issuedAt: string;
  /** After this a gateway refuses to work on the document (Server.ClientProxy.OutdatedGlobalConf). */
  expiresAt: string;
  members: ConfMember[];
  /** Client subsystem id → service ids it may call (`DARCHA/GOV/a/sub` → `DARCHA/GOV/b/sub/code`). */
  access: { client: string; service: string }[];
}

export async function signGlobalConf(document: GlobalConfDocument, central: Credentials): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(document)))
    .setProtectedHeader({ alg: 'ES256', typ: TYP, x5c: [Buffer.from(central.certificate.raw).toString('base64')] })
    .sign(central.privateKey);
}

export class GlobalConfError extends Error {}

/** Checks the JWS: the centre's certificate from the CA, its signature, the instance and the expiry. */
export async function verifyGlobalConf(jws: string, caPem: string, now = new Date()): Promise<GlobalConfDocument> {
  let header;
  try { header = decodeProtectedHeader(jws); } catch { throw new GlobalConfError('not a JWS'); }
  if (header.alg !== 'ES256' || header.typ !== TYP || !Array.isArray(header.x5c) || typeof header.x5c[0] !== 'string') throw new GlobalConfError('not a configuration of the centre');
  let certificate: X509Certificate;
  try { certificate = new X509Certificate(Buffer.from(header.x5c[0], 'base64')); } catch { throw new GlobalConfError('the signing certificate cannot be read'); }
  const problem = certificateProblem(certificate, new X509Certificate(caPem), CENTRAL_ID, now);
  if (problem) throw new GlobalConfError(`the signing certificate is refused: ${problem}`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, certificate.publicKey, { algorithms: ['ES256'] }));
  } catch {
    throw new GlobalConfError('the signature does not verify');
  }
  const document = JSON.parse(Buffer.from(payload).toString('utf8')) as GlobalConfDocument;
  if (document.instance !== INSTANCE) throw new GlobalConfError(`the configuration is of instance ${document.instance}`);
  if (!(Date.parse(document.expiresAt) > now.getTime())) throw new GlobalConfError('the configuration has expired');
  return document;
}

let lastVerified: { jws: string; caPem: string; conf: Promise<GlobalConf> } | undefined;

/**
 * A document verified and read into a GlobalConf. The gateways that share a process (the
 * demo's eleven) get the same document: it is checked and its members' certificates parsed
 * once, not once per gateway (that took 0.4 s of every start).
 */
export async function verifiedGlobalConf(jws: string, caPem: string, now = new Date()): Promise<GlobalConf> {
  if (lastVerified?.jws !== jws || lastVerified.caPem !== caPem) {
    const conf = verifyGlobalConf(jws, caPem, now).then((document) => new GlobalConf(document, jws, caPem));
    lastVerified = { jws, caPem, conf };
    conf.catch(() => { if (lastVerified?.conf === conf) lastVerified = undefined; });
  }
  const conf = await lastVerified.conf;
  if (conf.expired(now.getTime())) throw new GlobalConfError('the configuration has expired');
  return conf;
}

export interface KnownCertificate {
  memberKey: string;
  pem: string;
  publicKey: KeyObject;
  notBefore: number;
  notAfter: number;
  /** Why it cannot be trusted (checked against the CA when the configuration is loaded), if so. */
  problem?: string;
}

/** A verified configuration with the lookups the gateways need. */
export class GlobalConf {
  readonly members = new Map<string, ConfMember>();
  readonly services = new Map<string, { member: ConfMember; subsystem: ConfSubsystem; service: ConfService }>();
  readonly subsystems = new Map<string, { member: ConfMember; subsystem: ConfSubsystem }>();
  readonly certificates = new Map<string, KnownCertificate>();
  readonly #access = new Set<string>();
  readonly expiresAt: number;

  constructor(readonly document: GlobalConfDocument, readonly jws: string, caPem: string) {
    const ca = new X509Certificate(caPem);
    this.expiresAt = Date.parse(document.expiresAt);
    for (const member of document.members) {
      const key = `${document.instance}/${member.memberClass}/${member.memberCode}`;
      this.members.set(key, member);
      for (const subsystem of member.subsystems) {
        this.subsystems.set(`${key}/${subsystem.code}`, { member, subsystem });
        for (const service of subsystem.services) this.services.set(`${key}/${subsystem.code}/${service.code}`, { member, subsystem, service });
      }
      for (const pem of member.certificates) {
        try {
          const cert = new X509Certificate(pem);
          // Validity is checked per message; here the chain and whose it is.
          const problem = certificateProblem(cert, ca, key, new Date(Date.parse(cert.validFrom) + 1000));
          this.certificates.set(fingerprint(cert), {
            memberKey: key, pem, publicKey: createPublicKey(pem), notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo),
            ...(problem ? { problem } : subjectId(cert) === key ? {} : { problem: 'names another member' }),
          });
        } catch { /* an unreadable certificate is simply not known */ }
      }
    }
    for (const right of document.access) this.#access.add(`${right.client}|${right.service}`);
  }

  allowed(client: string, service: string): boolean { return this.#access.has(`${client}|${service}`); }

  expired(now = Date.now()): boolean { return now >= this.expiresAt; }
}
