import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PINFL_OID, SERIAL_NUMBER_OID, subtle, x509 } from './x509.js';

const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
const DAY_MS = 86_400_000;
const CA_CERT_FILE = 'ca-certificate.pem';
const CA_KEY_FILE = 'ca-key.pem';
const CA_NAME = new x509.Name([
  { C: [{ printableString: 'UZ' }] }, { O: [{ utf8String: 'Darcha' }] }, { CN: [{ utf8String: 'Darcha Demo CA' }] },
]);

/** A certification authority that can issue: its certificate and the key it signs with. */
export interface Ca {
  certificatePem: string;
  certificate: x509.X509Certificate;
  /** Imported non-extractable: it signs and can never be exported again from memory. */
  privateKey: CryptoKey;
}

export interface PersonCertificateOptions {
  /** The 14-digit personal identification number (PINFL / JShShIR). */
  pinfl: string;
  /** Full name in Latin script, as it is to appear in CN (at most 64 characters). */
  nameLatin: string;
  /** Days of validity; 730 (two years) unless told. */
  validDays?: number;
  /** Start of validity; now unless told (tests use it for expired and future certificates). */
  notBefore?: Date;
}

export interface PersonCredentials {
  certificatePem: string;
  /** Unencrypted PKCS#8: hand it to the holder and do not keep it. */
  privateKeyPem: string;
  /** Lowercase hex, as `verifySignedChallenge` reports it and revocation lists name it. */
  serial: string;
}

/**
 * The platform's demo CA from `dir`, created on first use: an ECDSA P-256 key
 * (`ca-key.pem`, PKCS#8, mode 0600) and a self-signed certificate for ten years
 * (`ca-certificate.pem`). Refuses a directory holding only one of the two files, so a
 * lost key is never silently replaced by a new CA that no issued certificate chains to.
 */
export async function loadOrCreateCa(dir: string, now = new Date()): Promise<Ca> {
  const certPath = join(dir, CA_CERT_FILE), keyPath = join(dir, CA_KEY_FILE);
  const [certPem, keyPem] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (certPem && keyPem) return importCa(certPem, keyPem);
  if (certPem || keyPem) throw new Error(`${dir} holds only ${certPem ? CA_CERT_FILE : CA_KEY_FILE} of the demo CA: restore the other file or remove both`);

  const keys = (await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(), name: CA_NAME, keys, signingAlgorithm: SIGNING, notBefore: now, notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKeyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  await mkdir(dir, { recursive: true });
  // 'wx': never overwrite a key another process wrote meanwhile; the mode applies at creation.
  await writeFile(keyPath, privateKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(certPath, certificate.toString('pem'), { flag: 'wx' });
  return importCa(certificate.toString('pem'), privateKeyPem);
}

/**
 * Issues a person's certificate and a fresh key pair: CN the name, the PINFL both where
 * Uzbek qualified certificates carry it (OID 1.2.860.3.16.1.2) and in X.520
 * serialNumber; key usage digitalSignature and nonRepudiation; two years unless told.
 */
export async function issuePersonCertificate(ca: Ca, options: PersonCertificateOptions): Promise<PersonCredentials> {
  const { pinfl, validDays = 730, notBefore = new Date() } = options;
  const nameLatin = options.nameLatin.trim();
  if (!/^\d{14}$/.test(pinfl)) throw new RangeError('a PINFL is 14 digits');
  if (nameLatin.length === 0 || nameLatin.length > 64) throw new RangeError('the name must be 1 to 64 characters');
  if (!(validDays > 0)) throw new RangeError('validDays must be positive');

  const keys = (await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name([
      { C: [{ printableString: 'UZ' }] },
      { CN: [{ utf8String: nameLatin }] },
      { [SERIAL_NUMBER_OID]: [{ printableString: pinfl }] },
      { [PINFL_OID]: [{ printableString: pinfl }] },
    ]),
    issuer: ca.certificate.subjectName,
    notBefore, notAfter: new Date(notBefore.getTime() + validDays * DAY_MS),
    publicKey: keys.publicKey, signingKey: ca.privateKey, signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    serial: certificate.serialNumber.toLowerCase(),
  };
}

export interface SystemCertificateOptions {
  /** X.520 serialNumber: the system's identifier, e.g. the exchange member `DARCHA/GOV/tax-committee`. */
  id: string;
  /** CN, at most 64 characters (e.g. the member code). */
  commonName: string;
  /** O: the organisation's name, at most 64 characters. */
  organization?: string;
  /** Days of validity; 730 unless told. */
  validDays?: number;
  notBefore?: Date;
}

/**
 * Issues a certificate and a fresh P-256 key pair for a system rather than a person: an
 * exchange member's gateway, or the exchange centre that signs the configuration. Key usage
 * digitalSignature, extended usage TLS server and client, so the same key signs messages and
 * (when configured) holds the gateways' mutual TLS.
 */
export async function issueSystemCertificate(ca: Ca, options: SystemCertificateOptions): Promise<PersonCredentials> {
  const { validDays = 730, notBefore = new Date() } = options;
  const commonName = options.commonName.trim(), organization = options.organization?.trim().slice(0, 64);
  if (commonName.length === 0 || commonName.length > 64) throw new RangeError('the common name must be 1 to 64 characters');
  if (!/^[\x21-\x7e]{1,64}$/.test(options.id)) throw new RangeError('the id must be 1 to 64 printable ASCII characters');
  if (!(validDays > 0)) throw new RangeError('validDays must be positive');
  const keys = (await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name([
      { C: [{ printableString: 'UZ' }] },
      ...(organization ? [{ O: [{ utf8String: organization }] }] : []),
      { CN: [{ utf8String: commonName }] },
      { [SERIAL_NUMBER_OID]: [{ utf8String: options.id }] },
    ]),
    issuer: ca.certificate.subjectName,
    notBefore, notAfter: new Date(notBefore.getTime() + validDays * DAY_MS),
    publicKey: keys.publicKey, signingKey: ca.privateKey, signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    serial: certificate.serialNumber.toLowerCase(),
  };
}

/** The demo CA's certificate alone, from `dir`, for those who check but never issue (a gateway on another host). */
export async function readCaCertificate(dir: string): Promise<string | undefined> {
  return readIfPresent(join(dir, CA_CERT_FILE));
}

/**
 * The demo "key file" a person downloads: their certificate followed by their private
 * key in one PEM text (the demo's stand-in for E-IMZO's PFX). With a passphrase the key
 * is encrypted PKCS#8 (PBES2: PBKDF2 and AES-256-CBC).
 * Read it back with `readKeyFile`.
 */
export async function issuePersonKeyFile(ca: Ca, options: PersonCertificateOptions & { passphrase?: string }): Promise<string> {
  const { certificatePem, privateKeyPem } = await issuePersonCertificate(ca, options);
  const key = options.passphrase
    ? createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: options.passphrase }).toString()
    : privateKeyPem;
  return `${certificatePem.trim()}\n${key.trim()}\n`;
}

async function importCa(certificatePem: string, keyPem: string): Promise<Ca> {
  const certificate = new x509.X509Certificate(certificatePem);
  const key = createPrivateKey(keyPem);
  const derivedSpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!derivedSpki.equals(Buffer.from(certificate.publicKey.rawData))) throw new Error('the demo CA key does not belong to its certificate');
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const privateKey = await subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
  return { certificatePem: certificate.toString('pem'), certificate, privateKey };
}

/** 128 random bits, positive and without a leading zero byte, as RFC 5280 §4.1.2.2 asks. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
