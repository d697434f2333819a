// Sign-in with an electronic-signature key, as E-IMZO does it: the server issues a
// challenge, the person signs it with the key of their qualified certificate, the server
// checks the signature, the certificate's issuer, validity and revocation.

/** The demo CA: `loadOrCreateCa(dir)`, person certificates and downloadable key files. */
export { issuePersonCertificate, issuePersonKeyFile, loadOrCreateCa } from './ca.js';
export type { Ca, PersonCertificateOptions, PersonCredentials } from './ca.js';

/** Challenges (`createChallenge`, one-use `ChallengeStore`), signing for the demo tool, and verification. */
export { CHALLENGE_TTL_MS, ChallengeStore, createChallenge, readKeyFile, signChallenge, SignatureError, verifySignedChallenge } from './signature.js';
export type { Challenge, SignatureErrorCode, SignedIdentity, VerifyOptions } from './signature.js';

/** OID of the PINFL in Uzbek qualified certificates' subject (1.2.860.3.16.1.2). */
export { PINFL_OID } from './x509.js';
