// Keys and certificates of the exchange: each member's gateway holds a P-256 key with a
// certificate from the demo CA whose subject serialNumber names the member
// (`DARCHA/GOV/tax-committee`), as X-Road's signing certificates name their member.
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Credentials {
  /** `DARCHA/GOV/<code>` (or `DARCHA/CENTRAL` for the centre). */
  id: string;
  certificatePem: string;
  certificate: X509Certificate;
  fingerprint: string;
  privateKey: KeyObject;
  privateKeyPem: string;
}

/** Where a member's gateway keeps its key, certificate and cached configuration. */
export const gatewayDir = (dataDir: string, memberCode: string) => join(dataDir, 'gateways', memberCode);

/** SHA-256 of the certificate's DER, lowercase hex: how messages and the log name a signer. */
export function fingerprint(certificate: X509Certificate | string): string {
  const cert = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate;
  return createHash('sha256').update(cert.raw).digest('hex');
}

export const derFingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex');

/** The subject's X.520 serialNumber, where our system certificates carry their id. */
export function subjectId(certificate: X509Certificate): string | undefined {
  for (const line of certificate.subject.split('\n')) {
    const match = /^serialNumber=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export function credentialsFrom(certificatePem: string, privateKeyPem: string): Credentials {
  const certificate = new X509Certificate(certificatePem);
  const privateKey = createPrivateKey(privateKeyPem);
  if (!certificate.checkPrivateKey(privateKey)) throw new Error('the key does not belong to the certificate');
  const id = subjectId(certificate);
  if (!id) throw new Error('the certificate names no member (subject serialNumber)');
  return { id, certificatePem, certificate, fingerprint: fingerprint(certificate), privateKey, privateKeyPem };
}

/** A gateway's credentials from its directory, or undefined when it has none yet. */
export async function loadCredentials(dir: string): Promise<Credentials | undefined> {
  let certificatePem: string, keyPem: string;
  try {
    [certificatePem, keyPem] = await Promise.all([readFile(join(dir, 'certificate.pem'), 'utf8'), readFile(join(dir, 'key.pem'), 'utf8')]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return credentialsFrom(certificatePem, keyPem);
}

export async function saveCredentials(dir: string, certificatePem: string, privateKeyPem: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
  await chmod(join(dir, 'key.pem'), 0o600);
  await writeFile(join(dir, 'certificate.pem'), certificatePem);
}

/**
 * Why a certificate cannot be trusted for `expectedId`, or undefined when it can: issued by
 * the CA (name and signature), valid at `now`, not a CA, and naming that member.
 */
export function certificateProblem(certificate: X509Certificate, ca: X509Certificate, expectedId: string | undefined, now = new Date()): string | undefined {
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return 'not issued by the trusted CA';
  if (certificate.ca) return 'a CA certificate cannot sign messages';
  if (now.getTime() < Date.parse(certificate.validFrom)) return 'not yet valid';
  if (now.getTime() > Date.parse(certificate.validTo)) return 'expired';
  if (expectedId !== undefined && subjectId(certificate) !== expectedId) return `issued to ${subjectId(certificate) ?? 'someone else'}, not ${expectedId}`;
  return undefined;
}
