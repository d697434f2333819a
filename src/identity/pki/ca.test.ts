import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { issuePersonCertificate, issuePersonKeyFile, loadOrCreateCa, type Ca } from './ca.js';
import { readKeyFile, signChallenge, verifySignedChallenge } from './signature.js';
import { x509 } from './x509.js';

let dir: string, ca: Ca;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darcha-ca-'));
  ca = await loadOrCreateCa(join(dir, 'ca'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('the demo CA is kept on disk: a 0600 PKCS#8 key and a ten-year self-signed P-256 certificate', async () => {
  const keyPath = join(dir, 'ca', 'ca-key.pem');
  assert.equal((await stat(keyPath)).mode & 0o777, 0o600);
  const keyPem = await readFile(keyPath, 'utf8');
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(createPrivateKey(keyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');

  const cert = new X509Certificate(await readFile(join(dir, 'ca', 'ca-certificate.pem')));
  assert.equal(cert.ca, true);
  assert.equal(cert.checkIssued(cert) && cert.verify(cert.publicKey), true, 'self-signed');
  const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
  assert.ok(Math.abs(years - 10) < 0.01, `valid ${years} years`);

  const again = await loadOrCreateCa(join(dir, 'ca'));
  assert.equal(again.certificatePem, ca.certificatePem, 'loaded, not created anew');
});

test('a CA directory with half a CA, or a key of another CA, is refused', async () => {
  const half = join(dir, 'half');
  await loadOrCreateCa(half);
  await rm(join(half, 'ca-key.pem'));
  await assert.rejects(loadOrCreateCa(half), /holds only ca-certificate\.pem/);

  const other = join(dir, 'other');
  await loadOrCreateCa(other);
  await writeFile(join(half, 'ca-key.pem'), await readFile(join(other, 'ca-key.pem')));
  await assert.rejects(loadOrCreateCa(half), /does not belong/);
});

test('a person certificate names the PINFL and the person, signs only, for two years', async () => {
  const { certificatePem, privateKeyPem, serial } = await issuePersonCertificate(ca, { pinfl: '31503881234567', nameLatin: 'ALIYEV VALI ANVAROVICH' });
  const cert = new X509Certificate(certificatePem);
  assert.equal(cert.checkIssued(new X509Certificate(ca.certificatePem)) && cert.verify(new X509Certificate(ca.certificatePem).publicKey), true);
  assert.equal(cert.ca, false);
  assert.match(cert.subject, /CN=ALIYEV VALI ANVAROVICH/);
  assert.match(cert.subject, /serialNumber=31503881234567/);
  assert.match(cert.subject, /1\.2\.860\.3\.16\.1\.2=31503881234567/);
  assert.equal(serial, cert.serialNumber.toLowerCase());
  assert.equal(Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000), 730);

  const usage = new x509.X509Certificate(certificatePem).getExtension(x509.KeyUsagesExtension);
  assert.ok(usage?.critical);
  assert.equal(usage.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
  assert.ok(cert.checkPrivateKey(createPrivateKey(privateKeyPem)), 'the key pairs with the certificate');

  await assert.rejects(issuePersonCertificate(ca, { pinfl: '12345', nameLatin: 'X' }), RangeError);
  await assert.rejects(issuePersonCertificate(ca, { pinfl: '31503881234567', nameLatin: '  ' }), RangeError);
});

test('a key file carries certificate and key; with a passphrase the key is encrypted', async () => {
  const plain = readKeyFile(await issuePersonKeyFile(ca, { pinfl: '41111111111111', nameLatin: 'KARIMOVA NODIRA' }));
  const identity = verifySignedChallenge({ challenge: 'abc', signature: signChallenge('abc', plain.privateKeyPem), certificatePem: plain.certificatePem }, ca);
  assert.equal(identity.pinfl, '41111111111111');

  const file = await issuePersonKeyFile(ca, { pinfl: '41111111111111', nameLatin: 'KARIMOVA NODIRA', passphrase: 'qovun-2026' });
  assert.match(file, /BEGIN ENCRYPTED PRIVATE KEY/);
  const locked = readKeyFile(file);
  assert.throws(() => signChallenge('abc', locked.privateKeyPem));
  assert.throws(() => signChallenge('abc', locked.privateKeyPem, 'wrong'));
  const signature = signChallenge('abc', locked.privateKeyPem, 'qovun-2026');
  assert.equal(verifySignedChallenge({ challenge: 'abc', signature, certificatePem: locked.certificatePem }, ca).name, 'KARIMOVA NODIRA');
});
