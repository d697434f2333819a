import assert from 'node:assert/strict';
import { X509Certificate, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_ACCOUNTS, issueSystemCertificate, openCa } from '../identity/index.js';
import { LOCALES, loadConfig } from '../platform/index.js';
import { signIn } from '../testing.js';
import { copyMatches, documentPdf, findDocument, verifyDocument } from './documents.service.js';
import type { IssueInput } from './index.js';
import { extractPdfText } from './pdf-text.js';
import { sha256, signatureMatches } from './signing.js';
import { startDocumentsApp, type DocumentsTestApp } from './test-app.js';

let app: DocumentsTestApp;
const [citizen, , director, representative] = DEMO_ACCOUNTS;
const BARAKA = '00000000-0000-4000-9000-000000000001';

before(async () => { app = await startDocumentsApp(); });
after(() => app?.close());

const input = (over: Partial<IssueInput> = {}): IssueInput => ({
  subject: randomUUID(), personId: citizen.id, businessId: null, agencyId: 'public-services', locale: 'en',
  title: 'Certificate of residence registration', number: `2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
  lines: [['Address', 'Tashkent city, Yunusobod district, Amir Temur street, 108'], ['Registered since', '01.02.2020']],
  decision: 'approved', signedBy: 'Gulnora Gʻulomova', ...over,
});
const issue = (over: Partial<IssueInput> = {}) => app.ctx.db.transaction().execute((trx) => app.documents.issue(trx, input(over)));
const revoke = (id: string, reason: string) => app.ctx.db.transaction().execute((trx) => app.documents.revoke(trx, id, reason));
const caPem = async () => (await openCa(app.config)).certificatePem;
const pdfOf = async (id: string) => (await documentPdf(app.ctx.db, id))!;

/** A multipart form with one file, as a browser sends it. */
function upload(file: Buffer, filename = 'document.pdf', type = 'application/pdf') {
  const boundary = `----darcha${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="copy"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    file, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The upload form's address (its CSRF token in the query, as a multipart body is read after the check) and the CSRF cookie. */
async function uploadForm(id: string, l = 'en') {
  const page = await app.server.inject({ url: `/${l}/verify/${id}` });
  const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data">/.exec(page.body)?.[1];
  assert.ok(action, 'the page has the upload form');
  return { action, cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

async function checkCopy(id: string, file: Buffer, l = 'en', filename?: string, type?: string) {
  const { action, cookie } = await uploadForm(id, l);
  const form = upload(file, filename, type);
  return app.server.inject({
    method: 'POST', url: action,
    headers: { cookie, 'content-type': form.contentType }, payload: form.payload,
  });
}

test('an issued document is signed by the agency\'s key over its exact bytes, certified by the demo CA', async () => {
  const { documentId } = await issue();
  const row = (await findDocument(app.ctx.db, documentId))!;
  const pdf = await pdfOf(documentId);
  assert.equal(row.sha256, sha256(pdf));
  assert.ok(signatureMatches(pdf, row.signature, row.certificate_pem), 'the signature verifies');
  assert.deepEqual(verifyDocument(row, pdf, await caPem()), { genuine: true, unchanged: true, revoked: false, valid: true });

  const certificate = new X509Certificate(row.certificate_pem);
  const ca = new X509Certificate(await caPem());
  assert.ok(certificate.checkIssued(ca) && certificate.verify(ca.publicKey), 'chains to the demo CA');
  assert.match(certificate.subject, /serialNumber=DARCHA\/DOCUMENTS\/public-services/);
  assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  // One key per agency, made once; another agency gets its own.
  const second = (await findDocument(app.ctx.db, (await issue()).documentId))!;
  assert.equal(second.certificate_pem, row.certificate_pem);
  const other = (await findDocument(app.ctx.db, (await issue({ agencyId: 'civil-registry' })).documentId))!;
  assert.notEqual(other.certificate_pem, row.certificate_pem);
  const signers = await app.ctx.db.selectFrom('documents_signer').select(['agency_id']).execute();
  assert.deepEqual(signers.map((s) => s.agency_id).sort(), ['civil-registry', 'public-services']);

  // The text in the PDF: the agency's name from the catalog, the holder named in full, the id printed.
  const text = (await extractPdfText(pdf)).pages.join('\n').replace(/\s+/g, ' ');
  assert.ok(text.includes('Public Services Agency under the Ministry of Justice'), text);
  assert.ok(text.includes(citizen.pinfl!), 'the holder\'s own document names them');
  assert.ok(text.includes(`${app.config.publicUrl}/verify/${documentId}`));
  assert.ok(text.includes('Signed electronically by Gulnora Gʻulomova'));
});

test('one changed byte fails the check, wherever it is', async () => {
  const { documentId } = await issue();
  const row = (await findDocument(app.ctx.db, documentId))!;
  const pdf = await pdfOf(documentId);
  assert.ok(copyMatches(row, pdf));
  for (const at of [0, 100, Math.floor(pdf.length / 2), pdf.length - 1]) {
    const changed = Buffer.from(pdf);
    changed[at] ^= 1;
    assert.equal(copyMatches(row, changed), false, `byte ${at}`);
    assert.equal(signatureMatches(changed, row.signature, row.certificate_pem), false);
  }
  assert.equal(copyMatches(row, Buffer.concat([pdf, Buffer.from('\n')])), false, 'an appended byte too');

  // Bytes changed in the database itself: the public check says so.
  await sql`update documents_document set pdf = ${Buffer.concat([pdf.subarray(0, 200), Buffer.from('X'), pdf.subarray(201)])} where id = ${documentId}`.execute(app.ctx.db);
  const api = await app.server.inject({ url: `/api/v1/documents/${documentId}/verification` });
  assert.equal(api.statusCode, 200);
  assert.deepEqual([api.json().valid, api.json().genuine, api.json().unchanged, api.json().revoked], [false, false, false, false]);
  const page = await app.server.inject({ url: `/en/verify/${documentId}` });
  assert.match(page.body, /This document failed the check/);
});

test('a certificate from another CA, or of another agency, does not make a document genuine', async () => {
  const { documentId } = await issue();
  const row = (await findDocument(app.ctx.db, documentId))!;
  const pdf = await pdfOf(documentId);
  const dir = await mkdtemp(join(tmpdir(), 'darcha-other-ca-'));
  try {
    const otherCa = await openCa(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }));
    const forged = await issueSystemCertificate(otherCa, { id: 'DARCHA/DOCUMENTS/public-services', commonName: 'public-services documents' });
    assert.equal(verifyDocument({ ...row, certificate_pem: forged.certificatePem }, pdf, await caPem()).genuine, false);
    const ours = await openCa(app.config);
    const wrongAgency = await issueSystemCertificate(ours, { id: 'DARCHA/DOCUMENTS/tax-committee', commonName: 'tax-committee documents' });
    assert.equal(verifyDocument({ ...row, certificate_pem: wrongAgency.certificatePem }, pdf, await caPem()).genuine, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the public check: genuine, unchanged, not revoked; holder by initials only; five languages; JSON too', async () => {
  const { documentId } = await issue();
  const person = await app.ctx.db.selectFrom('identity_person').select(['name_latin', 'name_cyrillic']).where('id', '=', citizen.id).executeTakeFirstOrThrow();
  const initials = `${person.name_latin.first[0]}. ${person.name_latin.last[0]}.`.toUpperCase();

  const page = await app.server.inject({ url: `/en/verify/${documentId}` });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /This document is genuine and in force/);
  assert.match(page.body, /Certificate of residence registration/);
  assert.match(page.body, /Public Services Agency under the Ministry of Justice/);
  assert.ok(page.body.includes(initials), 'initials shown');
  assert.ok(!page.body.includes(person.name_latin.last) && !page.body.includes(citizen.pinfl!), 'no name, no PINFL');
  assert.equal(page.headers['x-robots-tag'], 'noindex');

  for (const l of LOCALES) {
    const localized = await app.server.inject({ url: `/${l}/verify/${documentId}` });
    assert.equal(localized.statusCode, 200, l);
    assert.match(localized.body, new RegExp(`<html lang="${l === 'oz' ? 'uz-Cyrl' : l === 'uz' ? 'uz-Latn' : l}"`));
  }
  assert.match((await app.server.inject({ url: `/ru/verify/${documentId}` })).body, /Этот документ подлинный и действует/);
  assert.match((await app.server.inject({ url: `/oz/verify/${documentId}` })).body, /Бу ҳужжат ҳақиқий ва амалда/);

  // The QR code's address has no language: it leads to the reader's.
  const bare = await app.server.inject({ url: `/verify/${documentId}`, headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
  assert.equal(bare.statusCode, 302);
  assert.equal(bare.headers.location, `/ru/verify/${documentId}`);

  const api = await app.server.inject({ url: `/api/v1/documents/${documentId}/verification?lang=en` });
  assert.equal(api.statusCode, 200);
  const body = api.json();
  assert.deepEqual([body.valid, body.genuine, body.unchanged, body.revoked], [true, true, true, false]);
  assert.equal(body.holder, initials);
  assert.equal(body.issuer.id, 'public-services');
  assert.equal(body.sha256, sha256(await pdfOf(documentId)));
  assert.match(body.certificate.issuer, /Darcha Demo CA/);
  assert.ok(!api.body.includes('PRIVATE KEY') && !api.body.includes(person.name_latin.last));
});

test('unknown documents: 404 on the page and on the API', async () => {
  for (const id of [randomUUID(), 'x', 'not-a-document-at-all', 'z'.repeat(150)]) {
    const page = await app.server.inject({ url: `/en/verify/${id}` });
    assert.equal(page.statusCode, 404, id);
    assert.match(page.body, /No such document/);
    const api = await app.server.inject({ url: `/api/v1/documents/${id}/verification` });
    assert.equal(api.statusCode, 404);
    assert.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  assert.doesNotMatch((await app.server.inject({ url: `/en/verify/${randomUUID()}` })).body, /name="_csrf"/, 'no upload form for no document');
});

test('a copy is compared byte for byte: identical, changed, not a PDF, empty, too large', async () => {
  const { documentId } = await issue();
  const pdf = await pdfOf(documentId);

  const same = await checkCopy(documentId, pdf);
  assert.equal(same.statusCode, 200);
  assert.match(same.body, /This copy is identical to the issued document/);

  const changed = Buffer.from(pdf);
  changed[Math.floor(changed.length / 3)] ^= 0x20;
  const tampered = await checkCopy(documentId, changed);
  assert.equal(tampered.statusCode, 200);
  assert.match(tampered.body, /This copy has been changed/);
  assert.doesNotMatch(tampered.body, /This copy is identical/);

  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const notPdf = await checkCopy(documentId, png, 'en', 'document.pdf', 'application/pdf');
  assert.equal(notPdf.statusCode, 400, 'the name and type claimed do not matter: the content does');
  assert.match(notPdf.body, /The file must be a PDF document/);
  assert.match(notPdf.body, /class="error-summary"/);

  const empty = await checkCopy(documentId, Buffer.alloc(0));
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Choose the PDF file of the document/);

  const huge = await checkCopy(documentId, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024 + 10, 0x20)]));
  assert.equal(huge.statusCode, 400);
  assert.match(huge.body, /The file must be at most 5 MB/);

  const ru = await checkCopy(documentId, png, 'ru');
  assert.match(ru.body, /Файл должен быть PDF-документом/);

  // Without the form's token the upload is refused before it is read.
  const form = upload(pdf);
  const forged = await app.server.inject({ method: 'POST', url: `/en/verify/${documentId}`, headers: { 'content-type': form.contentType }, payload: form.payload });
  assert.equal(forged.statusCode, 403);
  // A form that is not multipart is no copy either.
  const { action, cookie } = await uploadForm(documentId);
  const plain = await app.server.inject({
    method: 'POST', url: action, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'copy=%25PDF-1.7',
  });
  assert.equal(plain.statusCode, 400);
});

test('revoked: the check says so, with the date and the reason; revoking again keeps the first', async () => {
  const { documentId } = await issue();
  await revoke(documentId, 'Issued in error');
  await revoke(documentId, 'Another reason');
  const page = await app.server.inject({ url: `/en/verify/${documentId}` });
  assert.match(page.body, /This document has been revoked/);
  assert.match(page.body, /Revoked on \d\d\.\d\d\.\d{4}: Issued in error/);
  assert.doesNotMatch(page.body, /Another reason/);
  const body = (await app.server.inject({ url: `/api/v1/documents/${documentId}/verification` })).json();
  assert.deepEqual([body.valid, body.genuine, body.unchanged, body.revoked, body.revocation_reason], [false, true, true, true, 'Issued in error']);
  // An identical copy of a revoked document is still identical: the page says both.
  const copy = await checkCopy(documentId, await pdfOf(documentId));
  assert.match(copy.body, /This copy is identical/);
  assert.match(copy.body, /This document has been revoked/);

  await assert.rejects(revoke(randomUUID(), 'No such'), { code: 'not-found' });
  await assert.rejects(revoke(documentId, '  '), RangeError);
});

test('bad input to issue() is refused and nothing is written', async () => {
  const before = await app.ctx.db.selectFrom('documents_document').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  await assert.rejects(issue({ locale: 'de' as never }), RangeError);
  await assert.rejects(issue({ decision: 'maybe' as never }), RangeError);
  await assert.rejects(issue({ title: '' }), RangeError);
  await assert.rejects(issue({ lines: [['Label', 'x'.repeat(2001)]] }), RangeError);
  await assert.rejects(issue({ lines: [['only a label']] as never }), RangeError);
  const after = await app.ctx.db.selectFrom('documents_document').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test('the wallet: one\'s own documents, the business\'s while acting for it; anyone else\'s is not there', async () => {
  const mine = (await issue({ title: 'Housing certificate for the citizen' })).documentId;
  const theirs = (await issue({ personId: director.id, title: 'Personal certificate of the director' })).documentId;
  const business = (await issue({ personId: director.id, businessId: BARAKA, title: 'Trade licence of Baraka Savdo', locale: 'ru' })).documentId;

  const citizenCookie = await signIn(app, citizen.id);
  const wallet = await app.server.inject({ url: '/en/cabinet/documents', headers: { cookie: citizenCookie } });
  assert.equal(wallet.statusCode, 200);
  assert.equal(wallet.headers['cache-control'], 'no-store');
  assert.match(wallet.body, /Housing certificate for the citizen/);
  assert.ok(wallet.body.includes(`/en/cabinet/documents/${mine}.pdf`));
  assert.ok(wallet.body.includes(`/en/verify/${mine}`));
  assert.doesNotMatch(wallet.body, /Personal certificate of the director|Trade licence/);

  const download = await app.server.inject({ url: `/en/cabinet/documents/${mine}.pdf`, headers: { cookie: citizenCookie } });
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.match(String(download.headers['content-disposition']), /^attachment; filename="2026-\d{6}\.pdf"$/);
  assert.equal(download.headers['cache-control'], 'no-store');
  assert.equal(sha256(download.rawPayload), (await findDocument(app.ctx.db, mine))!.sha256, 'the exact signed bytes');

  for (const id of [theirs, business, randomUUID(), 'x']) {
    const refused = await app.server.inject({ url: `/en/cabinet/documents/${id}.pdf`, headers: { cookie: citizenCookie } });
    assert.equal(refused.statusCode, 404, id);
  }

  // The director sees the business's documents while acting for it, and their own besides.
  const acting = await signIn(app, director.id, { actingFor: BARAKA });
  const directorWallet = (await app.server.inject({ url: '/en/cabinet/documents', headers: { cookie: acting } })).body;
  assert.match(directorWallet, /Issued to Baraka Savdo/);
  assert.match(directorWallet, /Trade licence of Baraka Savdo/);
  assert.match(directorWallet, /Personal certificate of the director/);
  assert.equal((await app.server.inject({ url: `/en/cabinet/documents/${business}.pdf`, headers: { cookie: acting } })).statusCode, 200);
  // Not acting for it: the business's document is not theirs to download.
  const notActing = await signIn(app, director.id);
  assert.doesNotMatch((await app.server.inject({ url: '/en/cabinet/documents', headers: { cookie: notActing } })).body, /Trade licence/);
  assert.equal((await app.server.inject({ url: `/en/cabinet/documents/${business}.pdf`, headers: { cookie: notActing } })).statusCode, 404);
  // The representative, acting for the business, gets it; their own wallet is empty.
  const rep = await signIn(app, representative.id, { actingFor: BARAKA });
  assert.equal((await app.server.inject({ url: `/en/cabinet/documents/${business}.pdf`, headers: { cookie: rep } })).statusCode, 200);
  assert.equal((await app.server.inject({ url: `/en/cabinet/documents/${theirs}.pdf`, headers: { cookie: rep } })).statusCode, 404);
  const repWallet = (await app.server.inject({ url: '/en/cabinet/documents', headers: { cookie: rep } })).body;
  assert.match(repWallet, /You have no documents yet/);
  assert.match(repWallet, /Trade licence of Baraka Savdo/);

  // A revoked document shows as revoked in the wallet.
  await revoke(mine, 'Replaced by a new certificate');
  assert.match((await app.server.inject({ url: '/en/cabinet/documents', headers: { cookie: citizenCookie } })).body, /Revoked/);

  // Without a session: to the sign-in.
  const anonymous = await app.server.inject({ url: '/en/cabinet/documents' });
  assert.equal(anonymous.statusCode, 303);
  assert.equal((await app.server.inject({ url: `/en/cabinet/documents/${mine}.pdf` })).statusCode, 303);
});

test('every route of the module declares its access and holds to it for every demo role (as identity/access.test.ts does for the composed app)', async () => {
  const routes = app.server.routeTable.filter((r) => /\/verify\/|\/documents/.test(r.url));
  assert.ok(routes.length >= 12, `${routes.length} routes`);
  const failures: string[] = [];
  for (const route of routes) {
    if (!route.access) { failures.push(`${route.method} ${route.url}: no access declared`); continue; }
    const url = route.url.replace(/:\w+/g, 'x');
    for (const account of [undefined, ...DEMO_ACCOUNTS]) {
      const actingFor = account?.role === 'director' || account?.role === 'representative' ? BARAKA : undefined;
      const cookie = account ? await signIn(app, account.id, { actingFor }) : undefined;
      const response = await app.server.inject({ method: route.method as 'GET', url, headers: cookie ? { cookie } : {} });
      const refused = response.statusCode === 401 || response.statusCode === 403 || (response.statusCode === 303 && /\/signin\?next=/.test(String(response.headers.location)));
      const allowed = route.access === 'public' || (route.access === 'person' && account !== undefined);
      // A POST without a CSRF token is refused (403) for everyone: that is the CSRF check, not access.
      if (route.method === 'POST' && response.statusCode === 403) continue;
      if (allowed === refused || response.statusCode >= 500) failures.push(`${route.method} ${route.url} as ${account?.role ?? 'anonymous'}: ${response.statusCode}`);
    }
  }
  assert.deepEqual(failures, []);
});
