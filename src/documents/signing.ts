// Each agency signs its documents with a P-256 key of its own, certified by the demo CA.
// The signature is ECDSA over the SHA-256 of the exact PDF bytes, kept beside the PDF: any
// changed byte gives another hash and the signature no longer verifies.
import { X509Certificate, createHash, createPrivateKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/index.js';
import { issueSystemCertificate, type Ca } from '../identity/index.js';

/** A new signing certificate is made when the current one has less than this left. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface Signer { id: string; agencyId: string; certificatePem: string; privateKey: KeyObject }

/** The subject serialNumber of an agency's document signer. */
const signerId = (agencyId: string) => `DARCHA/DOCUMENTS/${agencyId}`.slice(0, 64);

/** SHA-256 of the bytes, lowercase hex: what a document's record keeps. */
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The agency's current signer, issued by the CA on first use (and again when the certificate
 * nears its end). Written in the caller's transaction, so a document and the key that signed
 * it commit together; two processes issuing at once may each make one, and both are valid.
 */
export async function signerFor(db: Db, ca: Ca, agency: { id: string; name: string }, now = new Date()): Promise<Signer> {
  const current = await db.selectFrom('documents_signer').select(['id', 'agency_id', 'certificate_pem', 'private_key_pem'])
    .where('agency_id', '=', agency.id).where('not_after', '>', new Date(now.getTime() + RENEW_BEFORE_MS))
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  if (current) return { id: current.id, agencyId: current.agency_id, certificatePem: current.certificate_pem, privateKey: createPrivateKey(current.private_key_pem) };

  const issued = await issueSystemCertificate(ca, {
    id: signerId(agency.id),
    commonName: `${agency.id} documents`.slice(0, 64),
    organization: wordsWithin(agency.name, 64),
    notBefore: new Date(now.getTime() - 60_000), // a minute of slack for clocks a little behind
  });
  const id = randomUUID();
  const notAfter = new Date(new X509Certificate(issued.certificatePem).validTo);
  await db.insertInto('documents_signer').values({
    id, agency_id: agency.id, certificate_pem: issued.certificatePem, private_key_pem: issued.privateKeyPem, not_after: notAfter, created_at: sql`now()`,
  }).execute();
  return { id, agencyId: agency.id, certificatePem: issued.certificatePem, privateKey: createPrivateKey(issued.privateKeyPem) };
}

/** The text cut at the last whole word within `max` characters (X.520 names are short). */
const wordsWithin = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max + 1).replace(/\s+\S*$/, '') || text.slice(0, max));

/** ECDSA (P-256, SHA-256) over the bytes, DER-encoded, base64. */
export function signBytes(bytes: Uint8Array, key: KeyObject): string {
  return sign('sha256', bytes, key).toString('base64');
}

/** Whether `signature` was made over `bytes` by the key of `certificatePem`; never throws. */
export function signatureMatches(bytes: Uint8Array, signature: string, certificatePem: string): boolean {
  try {
    return verify('sha256', bytes, new X509Certificate(certificatePem).publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Why the certificate cannot vouch for a document signed at `signedAt`, or undefined when it
 * can: issued by the trusted CA (name and signature), not a CA itself, the agency's document
 * signer, and valid
 * at the time of signing (a document outlives its signer's certificate).
 */
export function certificateProblem(certificatePem: string, caPem: string, signedAt: Date, agencyId: string): string | undefined {
  let certificate: X509Certificate, ca: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
    ca = new X509Certificate(caPem);
  } catch {
    return 'unreadable certificate';
  }
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return 'not issued by the trusted CA';
  if (certificate.ca) return 'a CA certificate';
  // Only the agency's own document signer vouches for its documents, not any certificate of the CA.
  if (!certificate.subject.split('\n').includes(`serialNumber=${signerId(agencyId)}`)) return 'not the agency\'s document signer';
  const at = signedAt.getTime();
  if (at < Date.parse(certificate.validFrom) || at > Date.parse(certificate.validTo)) return 'not valid when the document was signed';
  return undefined;
}

/** The certificate's facts a verifier shows. */
export function certificateFacts(certificatePem: string): { subject: string; issuer: string; serial: string; validFrom: string; validTo: string } | undefined {
  try {
    const c = new X509Certificate(certificatePem);
    const cn = (name: string) => /(?:^|\n)CN=([^\n]*)/.exec(name)?.[1] ?? name;
    const org = /(?:^|\n)O=([^\n]*)/.exec(c.subject)?.[1];
    return {
      subject: org ?? cn(c.subject), issuer: cn(c.issuer), serial: c.serialNumber.toLowerCase(),
      validFrom: new Date(c.validFrom).toISOString(), validTo: new Date(c.validTo).toISOString(),
    };
  } catch {
    return undefined;
  }
}
