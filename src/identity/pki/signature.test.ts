import assert from 'node:assert/strict';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { issuePersonCertificate, loadOrCreateCa, type Ca, type PersonCredentials } from './ca.js';
import { CHALLENGE_TTL_MS, ChallengeStore, createChallenge, signChallenge, verifySignedChallenge } from './signature.js';

const PINFL = '31503881234567';
let dir: string, ca: Ca, otherCa: Ca, vali: PersonCredentials;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darcha-sig-'));
  ca = await loadOrCreateCa(join(dir, 'ca'));
  otherCa = await loadOrCreateCa(join(dir, 'other')); // same subject name as ours: only the key tells them apart
  vali = await issuePersonCertificate(ca, { pinfl: PINFL, nameLatin: 'ALIYEV VALI' });
});
after(() => rm(dir, { recursive: true, force: true }));

const signedBy = (credentials: PersonCredentials, challenge = createChallenge()) =>
  ({ challenge, signature: signChallenge(challenge, credentials.privateKeyPem), certificatePem: credentials.certificatePem });

test('a challenge signed with the key of a trusted certificate signs the person in', () => {
  const store = new ChallengeStore();
  const issued = store.issue();
  assert.equal(Buffer.from(issued.value, 'base64url').length, 32);
  assert.equal(issued.expiresAt.getTime() - issued.issuedAt.getTime(), CHALLENGE_TTL_MS);
  const signature = signChallenge(issued.value, vali.privateKeyPem);

  const challenge = store.take(issued.value);
  assert.ok(challenge);
  assert.deepEqual(verifySignedChallenge({ challenge, signature, certificatePem: vali.certificatePem }, ca),
    { pinfl: PINFL, name: 'ALIYEV VALI', serial: vali.serial });
});

test('a raw r||s ECDSA signature from WebCrypto is accepted too', async () => {
  const { value } = createChallenge();
  const key = await webcrypto.subtle.importKey('pkcs8', createPrivateKey(vali.privateKeyPem).export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const raw = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(value));
  assert.equal(raw.byteLength, 64);
  const signature = Buffer.from(raw).toString('base64');
  assert.equal(verifySignedChallenge({ challenge: value, signature, certificatePem: vali.certificatePem }, ca.certificatePem).pinfl, PINFL);
});

test('a signature by another key, over another challenge, or altered, is refused', async () => {
  const someone = await issuePersonCertificate(ca, { pinfl: '40000000000001', nameLatin: 'BOSHQA ODAM' });
  const challenge = createChallenge();
  const theirs = signChallenge(challenge, someone.privateKeyPem);
  assert.throws(() => verifySignedChallenge({ challenge, signature: theirs, certificatePem: vali.certificatePem }, ca), { code: 'bad-signature' });

  const signed = signedBy(vali, challenge);
  assert.throws(() => verifySignedChallenge({ ...signed, challenge: createChallenge() }, ca), { code: 'bad-signature' });
  assert.throws(() => verifySignedChallenge({ ...signed, challenge: `${challenge.value}x` }, ca), { code: 'bad-signature' });
  const bytes = Buffer.from(signed.signature, 'base64');
  bytes[bytes.length - 1] ^= 1;
  assert.throws(() => verifySignedChallenge({ ...signed, signature: bytes.toString('base64') }, ca), { code: 'bad-signature' });
  assert.equal(verifySignedChallenge(signed, ca).pinfl, PINFL, 'the untouched one still verifies');
});

test('a certificate from another CA, or the CA certificate itself, is untrusted', async () => {
  const impostor = await issuePersonCertificate(otherCa, { pinfl: PINFL, nameLatin: 'ALIYEV VALI' });
  assert.throws(() => verifySignedChallenge(signedBy(impostor), ca), { code: 'untrusted' });
  assert.equal(verifySignedChallenge(signedBy(impostor), otherCa).pinfl, PINFL, 'fine for the CA that issued it');

  const caKey = { certificatePem: ca.certificatePem, privateKeyPem: await readFile(join(dir, 'ca', 'ca-key.pem'), 'utf8'), serial: '' };
  assert.throws(() => verifySignedChallenge(signedBy(caKey), ca), { code: 'untrusted' });
});

test('an expired, a not yet valid and a revoked certificate are refused', async () => {
  const day = 86_400_000;
  const expired = await issuePersonCertificate(ca, { pinfl: PINFL, nameLatin: 'ALIYEV VALI', notBefore: new Date(Date.now() - 800 * day) });
  assert.throws(() => verifySignedChallenge(signedBy(expired), ca), { code: 'expired' });
  const future = await issuePersonCertificate(ca, { pinfl: PINFL, nameLatin: 'ALIYEV VALI', notBefore: new Date(Date.now() + day) });
  assert.throws(() => verifySignedChallenge(signedBy(future), ca), { code: 'not-yet-valid' });
  const later = new Date(Date.now() + 2 * day);
  assert.equal(verifySignedChallenge(signedBy(future, createChallenge(later)), ca, { now: later }).pinfl, PINFL);

  assert.throws(() => verifySignedChallenge(signedBy(vali), ca, { revokedSerials: new Set([vali.serial.toUpperCase()]) }), { code: 'revoked' });
  assert.equal(verifySignedChallenge(signedBy(vali), ca, { revokedSerials: new Set(['0badc0de']) }).pinfl, PINFL);
});

test('a challenge is good once, and for five minutes only', () => {
  const store = new ChallengeStore();
  const t0 = new Date('2026-03-01T09:00:00Z');
  const once = store.issue(t0);
  assert.ok(store.take(once.value, t0));
  assert.equal(store.take(once.value, t0), undefined, 'used twice');

  const old = store.issue(t0);
  assert.equal(store.take(old.value, new Date(t0.getTime() + CHALLENGE_TTL_MS)), undefined, 'too old');
  assert.equal(store.take(createChallenge(t0).value, t0), undefined, 'never issued');

  const stale = createChallenge(t0);
  const signed = { ...signedBy(vali, stale), challenge: stale };
  assert.throws(() => verifySignedChallenge(signed, ca, { now: new Date(t0.getTime() + CHALLENGE_TTL_MS + 1) }), { code: 'expired' });
});

test('the store forgets expired challenges and never holds more than its capacity', () => {
  const store = new ChallengeStore(3);
  const t0 = new Date('2026-03-01T09:00:00Z');
  const first = store.issue(t0);
  for (let i = 0; i < 4; i++) store.issue(t0);
  assert.equal(store.size, 3);
  assert.equal(store.take(first.value, t0), undefined, 'the oldest made room');
  store.issue(new Date(t0.getTime() + CHALLENGE_TTL_MS + 1));
  assert.equal(store.size, 1, 'expired ones swept on issue');
});

test('a malformed certificate or signature is refused as malformed', () => {
  const signed = signedBy(vali);
  const body = vali.certificatePem.split('\n');
  const cut = [...body.slice(0, 3), ...body.slice(5)].join('\n');
  for (const certificatePem of ['', 'hello', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', cut, 'x'.repeat(20_000)]) {
    assert.throws(() => verifySignedChallenge({ ...signed, certificatePem }, ca), { code: 'malformed' }, certificatePem.slice(0, 40));
  }
  for (const signature of ['', 'not base64!', 'AAAA']) {
    assert.throws(() => verifySignedChallenge({ ...signed, signature }, ca), { code: 'malformed' });
  }
  assert.throws(() => verifySignedChallenge({ ...signed, signature: Buffer.alloc(70, 7).toString('base64') }, ca), { code: 'bad-signature' });
});
