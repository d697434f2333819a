import { X509Certificate, createPrivateKey, randomBytes, sign, verify } from 'node:crypto';
import { PINFL_OID, SERIAL_NUMBER_OID, x509 } from './x509.js';

/** How long a sign-in challenge may be answered. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** Something the user's key must sign to prove they hold it; good once, for five minutes. */
export interface Challenge {
  /** 32 random bytes, base64url: the exact text that is signed (UTF-8). */
  value: string;
  issuedAt: Date;
  expiresAt: Date;
}

export type SignatureErrorCode = 'bad-signature' | 'untrusted' | 'expired' | 'not-yet-valid' | 'malformed' | 'revoked';

/** Why a signed challenge was refused; `code` is stable, the message is for logs only. */
export class SignatureError extends Error {
  constructor(readonly code: SignatureErrorCode, message: string = code) {
    super(message);
    this.name = 'SignatureError';
  }
}

/** The person a verified signature belongs to. */
export interface SignedIdentity {
  pinfl: string;
  /** CN of the certificate. */
  name: string;
  /** Certificate serial, lowercase hex. */
  serial: string;
}

export interface VerifyOptions {
  /** Serials (hex, either case) of revoked certificates. */
  revokedSerials?: ReadonlySet<string>;
  now?: Date;
}

/** A new challenge; stateless, so a caller with its own storage can use it without `ChallengeStore`. */
export function createChallenge(now = new Date()): Challenge {
  return { value: randomBytes(32).toString('base64url'), issuedAt: now, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) };
}

/**
 * Open challenges of one process, each handed back at most once. Bounded: the oldest
 * are dropped past `capacity`, so a flood of requests cannot grow memory without end.
 */
export class ChallengeStore {
  readonly #open = new Map<string, Challenge>();
  constructor(readonly capacity = 10_000) {}

  /** Issues and remembers a new challenge. */
  issue(now = new Date()): Challenge {
    for (const [value, challenge] of this.#open) {
      if (challenge.expiresAt > now) break; // insertion order is expiry order
      this.#open.delete(value);
    }
    while (this.#open.size >= this.capacity) this.#open.delete(this.#open.keys().next().value!);
    const challenge = createChallenge(now);
    this.#open.set(challenge.value, challenge);
    return challenge;
  }

  /** The challenge if it is open and fresh, else undefined; either way it is closed. */
  take(value: string, now = new Date()): Challenge | undefined {
    const challenge = this.#open.get(value);
    this.#open.delete(value);
    return challenge && now < challenge.expiresAt ? challenge : undefined;
  }

  get size(): number { return this.#open.size; }
}

/** Splits a key file from `issuePersonKeyFile` into its certificate and (maybe encrypted) key. */
export function readKeyFile(text: string): { certificatePem: string; privateKeyPem: string } {
  const certificatePem = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(text)?.[0];
  const privateKeyPem = /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----[^-]+-----END \1PRIVATE KEY-----/.exec(text)?.[0];
  if (!certificatePem || !privateKeyPem) throw new SignatureError('malformed', 'not a key file');
  return { certificatePem: `${certificatePem}\n`, privateKeyPem: `${privateKeyPem}\n` };
}

/** Signs a challenge as the user's signing tool does: SHA-256 with the key, DER signature, base64. */
export function signChallenge(challenge: Challenge | string, privateKeyPem: string, passphrase?: string): string {
  const key = createPrivateKey({ key: privateKeyPem, passphrase });
  return sign('sha256', Buffer.from(valueOf(challenge), 'utf8'), key).toString('base64');
}

/**
 * Checks that `signature` over the challenge was made with the key of `certificatePem`,
 * and that the certificate was issued by `trustedCa`, is a signing certificate of a
 * person, is valid now and is not revoked. Returns who signed; throws `SignatureError`.
 * ECDSA signatures are accepted DER-encoded (OpenSSL, CMS) or raw r||s (WebCrypto).
 * Take the challenge out of the `ChallengeStore` first: this does not know if it was used.
 */
export function verifySignedChallenge(
  input: { challenge: Challenge | string; signature: string; certificatePem: string },
  trustedCa: string | { certificatePem: string },
  options: VerifyOptions = {},
): SignedIdentity {
  const now = options.now ?? new Date();
  if (typeof input.challenge !== 'string' && now >= input.challenge.expiresAt) throw new SignatureError('expired', 'challenge expired');
  const caPem = typeof trustedCa === 'string' ? trustedCa : trustedCa.certificatePem;
  const ca = new X509Certificate(caPem), caParsed = new x509.X509Certificate(caPem);

  if (typeof input.signature !== 'string' || !/^[A-Za-z0-9+/]{16,1024}={0,2}$/.test(input.signature)) throw new SignatureError('malformed', 'signature is not base64');
  let certificate: X509Certificate, parsed: x509.X509Certificate;
  try {
    if (typeof input.certificatePem !== 'string' || input.certificatePem.length > 16_384) throw new Error('too long');
    certificate = new X509Certificate(input.certificatePem);
    parsed = new x509.X509Certificate(input.certificatePem);
  } catch {
    throw new SignatureError('malformed', 'certificate cannot be read');
  }

  // checkIssued compares the issuer name (and key identifiers) with the CA; verify checks the CA's signature.
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new SignatureError('untrusted', 'not issued by the trusted CA');
  if (now < caParsed.notBefore || now > caParsed.notAfter) throw new SignatureError('untrusted', 'the trusted CA is outside its validity');
  const usage = parsed.getExtension(x509.KeyUsagesExtension);
  if (certificate.ca || (usage && !(usage.usages & x509.KeyUsageFlags.digitalSignature))) throw new SignatureError('untrusted', 'not a signing certificate');
  if (now < parsed.notBefore) throw new SignatureError('not-yet-valid');
  if (now > parsed.notAfter) throw new SignatureError('expired', 'certificate expired');

  const serial = parsed.serialNumber.toLowerCase();
  if (options.revokedSerials?.has(serial) || options.revokedSerials?.has(serial.toUpperCase())) throw new SignatureError('revoked');

  const data = Buffer.from(valueOf(input.challenge), 'utf8');
  const signature = Buffer.from(input.signature, 'base64');
  const p1363 = certificate.publicKey.asymmetricKeyType === 'ec' && signature.length === 64;
  let valid = false;
  try {
    valid = verify('sha256', data, { key: certificate.publicKey, dsaEncoding: p1363 ? 'ieee-p1363' : 'der' }, signature);
  } catch { /* a signature the key type cannot parse is simply not valid */ }
  if (!valid) throw new SignatureError('bad-signature');

  const pinfl = parsed.subjectName.getField(PINFL_OID)[0] ?? parsed.subjectName.getField(SERIAL_NUMBER_OID)[0];
  const name = parsed.subjectName.getField('CN')[0];
  if (!pinfl || !/^\d{14}$/.test(pinfl) || !name) throw new SignatureError('malformed', 'certificate names no PINFL or no name');
  return { pinfl, name, serial };
}

const valueOf = (challenge: Challenge | string) => (typeof challenge === 'string' ? challenge : challenge.value);
