import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_ACCOUNTS } from '../identity/index.js';
import { clearRegistryFaults, setRegistryFault } from '../registries/index.js';
import { csrfFor, signIn } from '../testing.js';
import { EXE, multipart, PDF, PNG, post, startFormsApp, type FormsTestApp } from './forms.testing.js';
import { FormsService } from './service.js';
import { FormStore } from './store.js';

let app: FormsTestApp;
const [citizen, foreigner, director, , , , editor] = DEMO_ACCOUNTS;
const BARAKA = '00000000-0000-4000-9000-000000000001';
let cookie: string;

before(async () => {
  app = await startFormsApp();
  cookie = await signIn(app, citizen.id);
});
after(async () => {
  clearRegistryFaults();
  await app?.close();
});

/** A session's cookie joined with the CSRF cookie of a page it opened, and that page's token. */
async function session(personCookie: string, url: string) {
  const csrf = await csrfFor(app, url, personCookie);
  return { cookie: `${personCookie}; ${csrf.cookie}`, token: csrf.token };
}

/** Starts (or resumes) a draft: where /apply sends the person. */
async function start(serviceId: string, who = cookie, l = 'en'): Promise<{ base: string; step: string; location: string }> {
  const res = await app.server.inject({ url: `/${l}/services/${serviceId}/apply`, headers: { cookie: who } });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const location = String(res.headers.location);
  const m = /^(\/\w+\/services\/[\w-]+\/apply\/[0-9a-f-]{36})\/([\w-]+)$/.exec(location);
  assert.ok(m, location);
  return { base: m[1], step: m[2], location };
}

const draftIdOf = (base: string) => base.split('/').pop()!;
const get = (url: string, who = cookie) => app.server.inject({ url, headers: { cookie: who } });

async function upload(url: string, s: { cookie: string; token: string }, fields: Record<string, string>, files: Parameters<typeof multipart>[1]) {
  const { body, contentType } = multipart(fields, files);
  return app.server.inject({ method: 'POST', url: `${url}?_csrf=${encodeURIComponent(s.token)}`, headers: { cookie: s.cookie, 'content-type': contentType }, payload: body });
}

test('a citizen applies for residence registration: prefill with its source, errors by the field, a file checked on content, check, send once', async () => {
  const { base, step } = await start('residence-registration');
  assert.equal(step, 'current');
  const again = await start('residence-registration');
  assert.equal(again.base, base, 'one draft per person and service: resumed, not doubled');

  // The current address comes from the population register, said so, and logged for the citizen.
  const current = await get(`${base}/current`);
  assert.equal(current.statusCode, 200);
  assert.equal(current.headers['cache-control'], 'no-store');
  assert.match(current.body, /Tashkent City, Yunusabad district, Amir Temur koʻchasi, 108-uy, 12-xonadon/);
  assert.match(current.body, /From the population register, \d{1,2} [A-Z][a-z]{2} 20\d\d/);
  const tracked = await app.ctx.db.selectFrom('identity_data_access').selectAll().where('person_id', '=', citizen.id).where('accessor_kind', '=', 'system').execute();
  assert.equal(tracked.length, 1);
  assert.match(tracked[0].purpose, /Registering your permanent address.*population register/);
  assert.deepEqual(tracked[0].fields, ['Address where you are registered now']);
  // Seen again, the register is not asked again.
  await get(`${base}/current`);
  assert.equal((await app.ctx.db.selectFrom('identity_data_access').select('id').where('person_id', '=', citizen.id).execute()).length, 1);

  const s = await session(cookie, `${base}/current`);
  // A value only the register gives cannot be replaced by a post.
  let res = await post(app.server, `${base}/current`, s.cookie, { current_address: 'Somewhere else' }, s.token);
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `${base}/new-address`);

  // Mistakes: each said beside its field and in the summary, in the user's language; nothing saved.
  res = await post(app.server, `${base}/new-address`, s.cookie, { address_line: 'Chilonzor 9', cadastral_number: '12345', move_date: '2026-02-30' }, s.token);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /class="error-summary"/);
  assert.match(res.body, /<a href="#f-region">Choose an answer for “Region”<\/a>/);
  assert.match(res.body, /id="f-cadastral_number-error"><span class="visually-hidden">Error: <\/span>Enter the cadastral number like 01:12:07:15:03:0108/);
  assert.match(res.body, /Enter a real date for “Date you moved in”/);
  assert.match(res.body, /value="Chilonzor 9"/, 'what was typed is kept');
  const ru = await post(app.server, `/ru${base.slice(3)}/new-address`, s.cookie, { address_line: 'Chilonzor 9' }, s.token);
  assert.equal(ru.statusCode, 400);
  assert.match(ru.body, /Выберите ответ в поле «Область»/);
  assert.match(ru.body, /Заполните поле «Дата переезда»/);
  const saved = await app.ctx.db.selectFrom('forms_draft').select('answers').where('id', '=', draftIdOf(base)).executeTakeFirstOrThrow();
  assert.equal(saved.answers.address_line, undefined, 'an invalid step is not saved');

  res = await post(app.server, `${base}/new-address`, s.cookie, { region: 'tashkent-city', address_line: 'Chilonzor tumani, Bunyodkor koʻchasi, 5-uy', move_date: '2026-11-01' }, s.token);
  assert.equal(res.headers.location, `${base}/owner`);

  // The owner step takes a file: an .exe named like a PDF is refused on its content.
  const owner = await get(`${base}/owner`);
  assert.match(owner.body, /enctype="multipart\/form-data"/);
  assert.match(owner.body, /Answer only if you chose “Someone else's \(a relative or a landlord\)” for “Whose home is it\?”/);
  res = await upload(`${base}/owner/files`, s, { ownership: 'other', owner_pinfl: '40803843150013' }, [{ field: 'ownership_document', name: 'lease.pdf', type: 'application/pdf', content: EXE }]);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /The file must be PDF, JPEG, PNG\. This file’s content is of another type\./);
  assert.equal((await app.ctx.db.selectFrom('forms_upload').select('id').where('draft_id', '=', draftIdOf(base)).execute()).length, 0, 'nothing stored');
  // Too large for the field (5 MB): refused, said so.
  res = await upload(`${base}/owner/files`, s, { ownership: 'other', owner_pinfl: '40803843150013' }, [{ field: 'ownership_document', name: 'big.pdf', type: 'application/pdf', content: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]) }]);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /The file must be smaller than 5 MB/);
  // A real PDF with a missing PINFL: the file is kept, the PINFL asked for.
  res = await upload(`${base}/owner/files`, s, { ownership: 'other', owner_pinfl: '' }, [{ field: 'ownership_document', name: 'lease.pdf', type: 'application/pdf', content: PDF }]);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter “Owner's PINFL”/);
  assert.match(res.body, /Uploaded: <a href="[^"]+">lease\.pdf<\/a>/);
  res = await upload(`${base}/owner/files`, s, { ownership: 'other', owner_pinfl: '40803843150013' }, []);
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  assert.equal(res.headers.location, `${base}/family`);
  const stored = await app.ctx.db.selectFrom('forms_upload').select(['id', 'sha256', 'mime', 'size', 'name']).where('draft_id', '=', draftIdOf(base)).execute();
  assert.equal(stored.length, 1);
  assert.equal(stored[0].sha256, createHash('sha256').update(PDF).digest('hex'));
  assert.deepEqual([stored[0].mime, stored[0].size, stored[0].name], ['application/pdf', PDF.length, 'lease.pdf']);
  const download = await get(`${base}/files/${stored[0].id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.deepEqual(download.rawPayload, PDF);

  res = await post(app.server, `${base}/family`, s.cookie, { phone: '+998 90 123-45-67' }, s.token);
  assert.equal(res.headers.location, `${base}/check`);

  const check = await get(`${base}/check`);
  assert.equal(check.statusCode, 200);
  assert.match(check.body, /Check your answers before sending/);
  assert.match(check.body, /Tashkent city/);
  assert.match(check.body, /\+998901234567/);
  assert.match(check.body, /lease\.pdf/);
  assert.match(check.body, /From the population register/);
  assert.match(check.body, /href="[^"]+\/new-address\?change=1#f-move_date">Change<span class="visually-hidden"> Date you moved in/);
  assert.doesNotMatch(check.body, /f-current_address">Change/, 'no Change link for what only the register gives');

  // Changing an answer comes back to the check.
  res = await post(app.server, `${base}/new-address?change=1`, s.cookie, { region: 'tashkent-city', address_line: 'Chilonzor tumani, Bunyodkor koʻchasi, 7-uy', move_date: '2026-11-01' }, s.token);
  assert.equal(res.headers.location, `${base}/check`);

  // Sent: the handler gets the submission once, whatever the clicks.
  res = await post(app.server, `${base}/check`, s.cookie, {}, s.token);
  assert.equal(res.statusCode, 303);
  assert.match(String(res.headers.location), /^\/en\/cabinet\/applications\/[0-9a-f-]{36}$/);
  const twice = await post(app.server, `${base}/check`, s.cookie, {}, s.token);
  assert.equal(twice.headers.location, res.headers.location);
  assert.equal((await get(`${base}/family`)).headers.location, res.headers.location, 'a sent draft leads to its application');
  assert.equal(app.submissions.length, 1);
  const [submission] = app.submissions;
  assert.equal(submission.idempotencyKey, draftIdOf(base));
  assert.equal(submission.draftId, draftIdOf(base));
  assert.equal(submission.serviceId, 'residence-registration');
  assert.equal(submission.formVersion, 1);
  assert.equal(submission.personId, citizen.id);
  assert.equal(submission.businessId, null);
  assert.equal(submission.channel, 'portal');
  assert.equal(submission.locale, 'en');
  assert.deepEqual(submission.answers, {
    current_address: 'Tashkent City, Yunusabad district, Amir Temur koʻchasi, 108-uy, 12-xonadon', region: 'tashkent-city',
    address_line: 'Chilonzor tumani, Bunyodkor koʻchasi, 7-uy', move_date: '2026-11-01', ownership: 'other', owner_pinfl: '40803843150013',
    ownership_document: stored[0].id, with_family: false, phone: '+998901234567',
  });
  assert.deepEqual(submission.files, [{ field: 'ownership_document', uploadId: stored[0].id, name: 'lease.pdf', mime: 'application/pdf', size: PDF.length, sha256: stored[0].sha256 }]);
  assert.deepEqual(submission.prefilled.map((p) => [p.field, p.source]), [['current_address', 'GOV/migration/aholi/population']]);
  const draft = await app.ctx.db.selectFrom('forms_draft').selectAll().where('id', '=', draftIdOf(base)).executeTakeFirstOrThrow();
  assert.equal(draft.status, 'submitted');
  assert.equal(draft.application_number, '2026-000001');

  // Applying again makes a new draft.
  const next = await start('residence-registration');
  assert.notEqual(next.base, base);
});

test('answers feed later prefills: the child from the civil registry, the district from the address, that district\'s kindergartens', async () => {
  // A mother of the demo population with a child of kindergarten age, in a district with kindergartens.
  const mother = await app.ctx.db.selectFrom('identity_person').select('id').where('pinfl', '=', '41606841110569').executeTakeFirstOrThrow();
  const who = await signIn(app, mother.id);
  const { base } = await start('kindergarten-queue', who);
  const child = await get(`${base}/child`, who);
  assert.match(child.body, /<option value="51802241113569">[^<]+ 2024-02-18<\/option>/);
  assert.match(child.body, /From the civil registry \(FHDYo\)/);
  const s = await session(who, `${base}/child`);
  assert.equal((await post(app.server, `${base}/child`, s.cookie, { child: '51802241113569' }, s.token)).headers.location, `${base}/district`);
  const district = await get(`${base}/district`, who);
  assert.match(district.body, /Tashkent City, Yashnabad district, /, 'the address shown for the district id');
  assert.equal((await post(app.server, `${base}/district`, s.cookie, {}, s.token)).headers.location, `${base}/kindergarten`);
  const kindergartens = await get(`${base}/kindergarten`, who);
  const options = [...kindergartens.body.matchAll(/<option value="([A-Z]{2}\d{6})">/g)].map((m) => m[1]);
  assert.ok(options.length > 0, 'the kindergartens of her district');
  assert.match(kindergartens.body, /From the preschool education agency/);
  assert.equal((await post(app.server, `${base}/kindergarten`, s.cookie, { kindergarten: options[0], language: 'uz', start_date: '2027-09-01' }, s.token)).headers.location, `${base}/priority`);
  // The priority right needs its proof; a PNG is a proof.
  let res = await upload(`${base}/priority/files`, s, { has_priority: 'true', priority_kind: 'single-parent' }, []);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Upload “Proof of the priority right”/);
  res = await upload(`${base}/priority/files`, s, { has_priority: 'true', priority_kind: 'single-parent' }, [{ field: 'priority_proof', name: 'certificate.png', type: 'image/png', content: PNG }]);
  assert.equal(res.headers.location, `${base}/check`);
  assert.equal((await post(app.server, `${base}/check`, s.cookie, {}, s.token)).statusCode, 303);
  const submission = app.submissions.at(-1)!;
  assert.equal(submission.personId, mother.id);
  assert.equal(submission.answers.district, 'yashnobod');
  assert.equal(submission.answers.kindergarten, options[0]);
  assert.deepEqual(submission.prefilled.map((p) => p.field).sort(), ['child', 'district', 'kindergarten']);
  assert.equal(submission.files[0].mime, 'image/png');
  // Her reads are in her data tracker, each with its source.
  const reads = await app.ctx.db.selectFrom('identity_data_access').select('purpose').where('person_id', '=', mother.id).execute();
  assert.deepEqual(reads.map((r) => /\(([^)]*)\)$|from (.*)$/.exec(r.purpose)?.slice(1).find(Boolean)).sort(), ['the civil registry (FHDYo)', 'the population register']);
});

test('a list the person must choose from that comes empty: said so, and the step cannot go on', async () => {
  // Her district has no kindergarten in the preschool register.
  const mother = await app.ctx.db.selectFrom('identity_person').select('id').where('pinfl', '=', '41901865163783').executeTakeFirstOrThrow();
  const who = await signIn(app, mother.id);
  const { base } = await start('kindergarten-queue', who);
  const s = await session(who, `${base}/child`);
  await post(app.server, `${base}/child`, s.cookie, { child: '50502235050737' }, s.token);
  await post(app.server, `${base}/district`, s.cookie, {}, s.token);
  const page = await get(`${base}/kindergarten`, who);
  assert.match(page.body, /There is nothing to choose from for “Which kindergarten do you choose\?” \(source: the preschool education agency\)/);
  assert.doesNotMatch(page.body, /name="kindergarten"/, 'nothing to type instead');
  const res = await post(app.server, `${base}/kindergarten`, s.cookie, { kindergarten: 'MT000001', language: 'uz', start_date: '2027-09-01' }, s.token);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /<a href="#f-kindergarten">There is nothing to choose from/);
});

test('every demo form can be filled in and sent, step by step', async () => {
  const acting = await signIn(app, director.id, { actingFor: BARAKA });
  const visitor = await signIn(app, foreigner.id);
  const aziz = cookie;
  type Files = Parameters<typeof multipart>[1];
  const pdf = (field: string): Files[number] => ({ field, name: `${field}.pdf`, type: 'application/pdf', content: PDF });
  const png = (field: string): Files[number] => ({ field, name: `${field}.png`, type: 'image/png', content: PNG });
  const plans: { service: string; who: string; steps: Record<string, [Record<string, string>, Files?]> }[] = [
    { service: 'salary-certificate', who: aziz, steps: { records: [{ period: 'last-12' }], purpose: [{ purpose: 'bank-loan', language: 'ru' }] } },
    { service: 'birth-certificate-copy', who: aziz, steps: { whose: [{ whose: 'self' }], record: [{}], reason: [{ reason: 'damaged', delivery: 'online' }, [png('damaged_photo')]] } },
    {
      service: 'driver-licence-replacement', who: aziz, steps: {
        licence: [{ licence_number: 'AF1234567', reason: 'expired' }], medical: [{ medical_number: '083-77121', medical_date: '2026-10-01' }, [pdf('medical_scan')]],
        photo: [{}, [png('photo')]], delivery: [{ delivery: 'office', phone: '+998 91 400-70-70' }],
      },
    },
    {
      service: 'building-permit', who: acting, steps: {
        business: [{}], plot: [{ plot: '05:15:04:02:16:5089' }], project: [{ purpose: 'retail', floors: '2', area_m2: '450.5', works_start: '2027-03-01' }],
        documents: [{ expert_number: 'EX-2026-0412' }, [pdf('design_documents'), png('site_plan')]],
      },
    },
    {
      service: 'trade-licence', who: acting, steps: {
        business: [{}], premises: [{ premises: '05:15:04:02:16:5089', premises_basis: 'leased', area_m2: '120' }, [pdf('lease_contract')]],
        goods: [{ goods: 'mixed', excise_goods: 'true', staff: '4' }], contact: [{ contact_phone: '+998 91 555-44-33', contact_email: 'baraka@example.uz' }],
      },
    },
    {
      service: 'foreigner-registration', who: visitor, steps: {
        visitor: [{ visitor_name: 'MÜLLER ANNA', passport_number: 'C01X00T47', citizenship: 'Germany', birth_date: '1988-04-12' }, [png('passport_scan')]],
        stay: [{ arrival: '2026-11-20', departure: '2026-12-05', stay_kind: 'hotel', hotel_name: 'Hyatt Regency Tashkent', address: 'Toshkent, Navoiy koʻchasi, 1A', phone: '+491701234567' }],
      },
    },
  ];
  for (const plan of plans) {
    let { base, step } = await start(plan.service, plan.who);
    const s = await session(plan.who, `${base}/${step}`);
    for (let i = 0; i < 10 && step !== 'check'; i++) {
      const page = await get(`${base}/${step}`, plan.who);
      assert.equal(page.statusCode, 200, `${plan.service}/${step}`);
      const [fields, files] = plan.steps[step] ?? assert.fail(`${plan.service}: no answers for the step ${step}`);
      const res = /enctype="multipart\/form-data"/.test(page.body) ? await upload(`${base}/${step}/files`, s, fields, files ?? []) : await post(app.server, `${base}/${step}`, s.cookie, fields, s.token);
      assert.equal(res.statusCode, 303, `${plan.service}/${step}: ${[...res.body.matchAll(/class="field__error"[^>]*>(.*?)<\/p>/g)].map((m) => m[1].replace(/<[^>]+>/g, '')).join('; ')}`);
      step = String(res.headers.location).split('/').pop()!;
    }
    assert.equal((await get(`${base}/check`, plan.who)).statusCode, 200);
    const sent = await post(app.server, `${base}/check`, s.cookie, {}, s.token);
    assert.equal(sent.statusCode, 303, `${plan.service}: ${sent.body.slice(0, 200)}`);
    const submission = app.submissions.at(-1)!;
    assert.equal(submission.serviceId, plan.service);
    assert.equal(submission.files.length, Object.values(plan.steps).reduce((n, [, f]) => n + (f?.length ?? 0), 0), `${plan.service}: its files`);
    if (plan.who === acting) assert.equal(submission.businessId, BARAKA);
  }
  const permit = app.submissions.find((x) => x.serviceId === 'building-permit')!;
  assert.deepEqual([permit.answers.company_name, permit.answers.floors, permit.answers.area_m2], ['Baraka Savdo LLC', 2, 450.5]);
  const visit = app.submissions.find((x) => x.serviceId === 'foreigner-registration')!;
  assert.deepEqual(visit.prefilled, [], 'nothing looked up for a person without a PINFL');
});

test('two starts at once make one draft', async () => {
  const who = await signIn(app, DEMO_ACCOUNTS[6].id);
  const starts = await Promise.all(Array.from({ length: 5 }, () => app.server.inject({ url: '/en/services/birth-certificate-copy/apply', headers: { cookie: who } })));
  assert.deepEqual(starts.map((r) => r.statusCode), [303, 303, 303, 303, 303]);
  assert.equal(new Set(starts.map((r) => r.headers.location)).size, 1);
  const person = DEMO_ACCOUNTS[6].id;
  assert.equal((await app.ctx.db.selectFrom('forms_draft').select('id').where('person_id', '=', person).where('service_id', '=', 'birth-certificate-copy').execute()).length, 1);
});

test('a double click or a replay of Send makes one application, even at once', async () => {
  const { base } = await start('housing-certificate');
  const s = await session(cookie, `${base}/address`);
  assert.equal((await post(app.server, `${base}/address`, s.cookie, {}, s.token)).headers.location, `${base}/purpose`);
  assert.equal((await post(app.server, `${base}/purpose`, s.cookie, { purpose: 'bank', language: 'ru' }, s.token)).headers.location, `${base}/check`);
  const before = app.submissions.length;
  const answers = await Promise.all(Array.from({ length: 6 }, () => post(app.server, `${base}/check`, s.cookie, {}, s.token)));
  assert.deepEqual(answers.map((a) => a.statusCode), [303, 303, 303, 303, 303, 303]);
  assert.equal(new Set(answers.map((a) => a.headers.location)).size, 1);
  assert.equal(app.submissions.length, before + 1);
  assert.equal(app.submissions.at(-1)!.answers.registered_on, '2014-05-06', 'the registration date came from the register');
});

test('when the handler fails nothing is half-written: the draft stays open and can be sent later', async () => {
  const { base } = await start('no-criminal-record');
  const s = await session(cookie, `${base}/person`);
  const person = await get(`${base}/person`);
  assert.match(person.body, /value="Aziz Rustamovich Karimov"/, 'prefilled and editable');
  assert.equal((await post(app.server, `${base}/person`, s.cookie, { full_name: 'Aziz Rustamovich Karimov', birth_date: '1990-07-15', birth_place: 'Toshkent shahri' }, s.token)).headers.location, `${base}/purpose`);
  // The other surname is asked only when ticked: not ticked, not required.
  assert.equal((await post(app.server, `${base}/purpose`, s.cookie, { purpose: 'visa', language: 'en' }, s.token)).statusCode, 400, 'a visa needs the country');
  assert.equal((await post(app.server, `${base}/purpose`, s.cookie, { purpose: 'visa', country: 'Germany', language: 'en' }, s.token)).headers.location, `${base}/check`);
  app.failSubmit = true;
  const failed = await post(app.server, `${base}/check`, s.cookie, {}, s.token);
  app.failSubmit = false;
  assert.equal(failed.statusCode, 503);
  assert.match(failed.body, /Your application could not be sent just now\. Nothing was sent; your answers are kept\./);
  const draft = await app.ctx.db.selectFrom('forms_draft').select(['status', 'application_id']).where('id', '=', draftIdOf(base)).executeTakeFirstOrThrow();
  assert.deepEqual(draft, { status: 'open', application_id: null });
  const sent = await post(app.server, `${base}/check`, s.cookie, {}, s.token);
  assert.equal(sent.statusCode, 303);
  const submission = app.submissions.at(-1)!;
  assert.equal(submission.answers.country, 'Germany');
  assert.equal(submission.answers.full_name, 'Aziz Rustamovich Karimov');
  // Values kept as the register gave them count as prefilled; the typed birth place does not.
  assert.deepEqual(submission.prefilled.map((p) => p.field).sort(), ['birth_date', 'full_name']);
});

test('a registry that is down or slow: said plainly, typed where allowed, blocked where not, and fetched again on request', async () => {
  setRegistryFault('migration', 'down');
  try {
    // Editable: left to the person, with the reason.
    const nc = await start('driver-licence-replacement');
    const s = await session(cookie, `${nc.base}/licence`);
    assert.equal((await post(app.server, `${nc.base}/licence`, s.cookie, { licence_number: 'AF1234567', reason: 'lost' }, s.token)).headers.location, `${nc.base}/photo`, 'the medical step is skipped');
    // A photo is an image: a PDF is refused.
    let res = await upload(`${nc.base}/photo/files`, s, {}, [{ field: 'photo', name: 'photo.jpg', type: 'image/jpeg', content: PDF }]);
    assert.match(res.body, /The file must be JPEG, PNG\./);
    res = await upload(`${nc.base}/photo/files`, s, {}, [{ field: 'photo', name: 'photo.png', type: 'image/png', content: PNG }]);
    assert.equal(res.headers.location, `${nc.base}/delivery`);
    const delivery = await get(`${nc.base}/delivery`);
    assert.equal(delivery.statusCode, 200);
    assert.match(delivery.body, /We could not get “Postal address” just now \(source: the population register\)\. Enter it yourself, or fetch it again\./);
    assert.match(delivery.body, /<textarea[^>]*name="post_address"[^>]*><\/textarea>/);
    assert.match(delivery.body, /Fetch again/);
    res = await post(app.server, `${nc.base}/delivery`, s.cookie, { delivery: 'post', post_address: 'Toshkent, Chilonzor 9, 12', phone: '+998901234567' }, s.token);
    assert.equal(res.headers.location, `${nc.base}/check`);

    // Not editable: the step cannot go on, and says why.
    const housing = await start('housing-certificate');
    const page = await get(`${housing.base}/address`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /We could not get “Address of permanent registration” just now \(source: the population register\)\. Try again in a few minutes\./);
    const h = await session(cookie, `${housing.base}/address`);
    res = await post(app.server, `${housing.base}/address`, h.cookie, {}, h.token);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<a href="#f-address">We could not get “Address of permanent registration”/);

    // Healed, and asked again.
    setRegistryFault('migration', null);
    res = await post(app.server, `${housing.base}/address/prefill`, h.cookie, {}, h.token);
    assert.equal(res.headers.location, `${housing.base}/address`);
    assert.match((await get(`${housing.base}/address`)).body, /Amir Temur koʻchasi/);
    assert.equal((await post(app.server, `${housing.base}/address`, h.cookie, {}, h.token)).headers.location, `${housing.base}/purpose`);
  } finally {
    clearRegistryFaults();
  }
});

test('a slow registry does not hold the page: the prefill gives up in time', async () => {
  const other = await signIn(app, editor.id);
  setRegistryFault('migration', 'slow', { delayMs: 30_000 });
  try {
    const { base } = await start('housing-certificate', other);
    const began = Date.now();
    const page = await get(`${base}/address`, other);
    // The prefill waits 4 s at most (1.5 s in tests that build their own forms module).
    assert.ok(Date.now() - began < 7000, `took ${Date.now() - began} ms`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /We could not get “Address of permanent registration” just now/);
  } finally {
    clearRegistryFaults();
  }
});

test('a person without a PINFL is not looked up: the fields are typed', async () => {
  const who = await signIn(app, foreigner.id);
  const { base, step } = await start('no-criminal-record', who);
  assert.equal(step, 'person');
  const page = await get(`${base}/person`, who);
  assert.match(page.body, /“Full name” cannot be looked up for you \(source: the population register\)\. Enter it yourself\./);
  assert.equal((await app.ctx.db.selectFrom('identity_data_access').select('id').where('person_id', '=', foreigner.id).execute()).length, 0);
});

test('no one else opens a draft: another person, or the owner acting for a business, gets 404', async () => {
  const { base } = await start('salary-certificate');
  const mine = await get(`${base}/records`);
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /Samo Agro JSC/, 'the employer from the pension fund');
  assert.match(mine.body, /83,605,000 soʻm/, 'the salary of 12 months, in soʻm');
  const someone = await signIn(app, director.id);
  assert.equal((await get(`${base}/records`, someone)).statusCode, 404);
  assert.equal((await get(`${base}/check`, someone)).statusCode, 404);
  const s = await session(someone, '/en/cabinet');
  assert.equal((await post(app.server, `${base}/records`, s.cookie, { period: 'last-6' }, s.token)).statusCode, 404);
  assert.equal((await post(app.server, `${base}/check`, s.cookie, {}, s.token)).statusCode, 404);
  assert.equal((await post(app.server, `${base}/delete`, s.cookie, {}, s.token)).statusCode, 404);
  const upload = await app.ctx.db.selectFrom('forms_upload').select(['id', 'draft_id']).executeTakeFirstOrThrow();
  assert.equal((await get(`/en/services/residence-registration/apply/${upload.draft_id}/files/${upload.id}`, someone)).statusCode, 404);
  assert.equal((await get(`/en/services/salary-certificate/apply/not-a-draft/records`)).statusCode, 404);
});

test('a form for businesses: refused to a person not acting for one; prefilled from the business register and the cadastre for its director', async () => {
  const alone = await signIn(app, director.id);
  const refused = await get('/en/services/building-permit/apply', alone);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /This service is for businesses/);
  assert.match(refused.body, /href="\/en\/cabinet\/act-for"/);

  const acting = await signIn(app, director.id, { actingFor: BARAKA });
  const { base, step } = await start('building-permit', acting);
  assert.equal(step, 'business');
  const page = await get(`${base}/business`, acting);
  assert.match(page.body, /Baraka Savdo LLC/);
  assert.match(page.body, /Dilnoza Bahodirovna Ergasheva/);
  assert.match(page.body, /From the business register/);
  const s = await session(acting, `${base}/business`);
  assert.equal((await post(app.server, `${base}/business`, s.cookie, {}, s.token)).headers.location, `${base}/plot`);
  const plot = await get(`${base}/plot`, acting);
  assert.match(plot.body, /<option value="05:15:04:02:16:5089">05:15:04:02:16:5089 Samarkand Region/);
  // Only a listed plot: a made-up one is refused.
  const bad = await post(app.server, `${base}/plot`, s.cookie, { plot: '01:01:01:01:01:0001' }, s.token);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Choose one of the listed answers for “Where will you build\?”/);
  // The business's draft is not the person's own.
  assert.equal((await get(`${base}/plot`, alone)).statusCode, 404);
});

test('a newer version of the form: the draft is told the form changed and keeps the answers that still fit', async () => {
  const who = await signIn(app, DEMO_ACCOUNTS[3].id);
  const { base } = await start('housing-certificate', who);
  const s = await session(who, `${base}/address`);
  await post(app.server, `${base}/address`, s.cookie, {}, s.token);
  assert.equal((await post(app.server, `${base}/purpose`, s.cookie, { purpose: 'other', purpose_other: 'For the gym', include_family: 'true', language: 'en' }, s.token)).headers.location, `${base}/check`);

  // An editor publishes version 2: no more family list, a new required question, English no longer offered.
  const office = await signIn(app, editor.id, { audience: 'office' });
  const e = await session(office, '/en/office/catalog/forms');
  const source = (await app.forms.definition('housing-certificate'))!;
  assert.equal(source.version, 1);
  const yaml = (await get('/en/office/catalog/forms/housing-certificate/1', office)).body;
  const changed = yaml
    .replace(/\n {6}- name: include_family\n(?: {8}.*\n)+/, '\n      - name: copies\n        widget: number\n        label: { uz: "Nusxalar soni", oz: "Нусхалар сони", kaa: "Nusqalar sanı", ru: "Количество экземпляров", en: "Number of copies" }\n')
    .replace('    include_family: { type: boolean }\n', '    copies: { type: integer, minimum: 1, maximum: 5 }\n')
    .replace('required: [ address, purpose, language ]', 'required: [ address, purpose, language, copies ]')
    .replace('language: { enum: [ uz, ru, en ] }', 'language: { enum: [ uz, ru ] }')
    .replace(/\n {10}- \{ value: en, .*/, '');
  assert.notEqual(changed, yaml);
  const { body, contentType } = multipart({}, [{ field: 'definition', name: 'housing-certificate.yaml', type: 'text/yaml', content: Buffer.from(changed) }]);
  const published = await app.server.inject({ method: 'POST', url: `/en/office/catalog/forms?_csrf=${encodeURIComponent(e.token)}`, headers: { cookie: e.cookie, 'content-type': contentType }, payload: body });
  assert.equal(published.statusCode, 303, published.body.slice(0, 2000));
  assert.equal(published.headers.location, '/en/office/catalog/forms?published=housing-certificate%402');
  assert.equal((await app.forms.definition('housing-certificate'))!.version, 2);
  assert.equal((await app.forms.definition('housing-certificate', 1))!.version, 1, 'the old version stays');

  // The owner comes back to the check: carried over, told, sent where the new question is.
  const back = await get(`${base}/check`, who);
  assert.equal(back.statusCode, 303);
  assert.equal(back.headers.location, `${base}/purpose`);
  const page = await get(`${base}/purpose`, who);
  assert.match(page.body, /This form has changed since you started it\. We kept the answers that still fit; please check the rest\./);
  assert.match(page.body, /value="For the gym"/, 'a fitting answer kept');
  assert.doesNotMatch((await get(`${base}/purpose`, who)).body, /This form has changed/, 'told once');
  const draft = await app.ctx.db.selectFrom('forms_draft').select(['form_version', 'answers']).where('id', '=', draftIdOf(base)).executeTakeFirstOrThrow();
  assert.equal(draft.form_version, 2);
  assert.equal(draft.answers.include_family, undefined, 'a field that is gone is dropped');
  assert.equal(draft.answers.language, undefined, 'an answer the new schema refuses is dropped');
  assert.equal(draft.answers.purpose_other, 'For the gym');
  const w = await session(who, `${base}/purpose`);
  assert.equal((await post(app.server, `${base}/purpose`, w.cookie, { purpose: 'other', purpose_other: 'For the gym', copies: '2', language: 'ru' }, w.token)).headers.location, `${base}/check`);
  assert.equal((await post(app.server, `${base}/check`, w.cookie, {}, w.token)).statusCode, 303);
  const submission = app.submissions.at(-1)!;
  assert.equal(submission.formVersion, 2);
  assert.equal(submission.answers.copies, 2);
});

test('an editor\'s broken form is refused with its lines; editors only', async () => {
  const office = await signIn(app, editor.id, { audience: 'office' });
  const e = await session(office, '/en/office/catalog/forms');
  const list = await get('/en/office/catalog/forms', office);
  assert.match(list.body, /Residence|residence-registration/);
  const broken = 'serviceId: trade-licence\nversion: 1\nschema:\n  type: object\nsteps:\n  - id: x\n    title: { en: "X" }\n    fields: []\n';
  const { body, contentType } = multipart({}, [{ field: 'definition', name: 'x.yaml', type: 'text/yaml', content: Buffer.from(broken) }]);
  const res = await app.server.inject({ method: 'POST', url: `/en/office/catalog/forms?_csrf=${encodeURIComponent(e.token)}`, headers: { cookie: e.cookie, 'content-type': contentType }, payload: body });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /The form was not published/);
  assert.match(res.body, /Line 7: steps\[0\] \(x\)\.title: missing uz/);
  assert.equal((await app.forms.definition('trade-licence'))!.version, 1);
  const officer = await signIn(app, DEMO_ACCOUNTS[4].id, { audience: 'office' });
  assert.equal((await get('/en/office/catalog/forms', officer)).statusCode, 403);
});

test('hostile input: a field sent twice, text beyond any size, a body that is not multipart: 400, nothing saved', async () => {
  const { base } = await start('trade-licence', await signIn(app, director.id, { actingFor: BARAKA }));
  const acting = await signIn(app, director.id, { actingFor: BARAKA });
  const s = await session(acting, `${base}/premises`);
  const twice = await app.server.inject({ method: 'POST', url: `${base}/premises`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(s.token)}&area_m2=1&area_m2=2` });
  assert.equal(twice.statusCode, 400);
  const long = await post(app.server, `${base}/premises`, s.cookie, { premises: 'x'.repeat(6000) }, s.token);
  assert.equal(long.statusCode, 400);
  const notMultipart = await post(app.server, `${base}/premises/files`, s.cookie, { premises: 'x' }, s.token);
  assert.equal(notMultipart.statusCode, 400);
  assert.match(notMultipart.body, /The request is not valid/);
  const draft = await app.ctx.db.selectFrom('forms_draft').select('answers').where('id', '=', draftIdOf(base)).executeTakeFirstOrThrow();
  assert.deepEqual(Object.keys(draft.answers).filter((k) => ['premises', 'area_m2'].includes(k)), []);
});

test('the cabinet lists unfinished applications to continue or delete', async () => {
  const who = await signIn(app, DEMO_ACCOUNTS[5].id);
  const { base } = await start('kindergarten-queue', who);
  const page = await get('/en/cabinet/drafts', who);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Putting your child on a kindergarten/);
  assert.match(page.body, /href="\/en\/services\/kindergarten-queue\/apply">Continue/);
  const s = await session(who, '/en/cabinet/drafts');
  const deleted = await post(app.server, `${base}/delete`, s.cookie, {}, s.token);
  assert.equal(deleted.headers.location, '/en/cabinet/drafts?deleted=1');
  assert.match((await get('/en/cabinet/drafts', who)).body, /You have no unfinished applications/);
});

test('every forms route × every demo role and no one: allowed or refused as its access says, never a 500', async () => {
  const routes = app.server.routeTable.filter((r) => /\/(services\/:id\/apply|cabinet\/drafts|office\/catalog\/forms)/.test(r.url));
  assert.ok(routes.length >= 13 * 5, `${routes.length} routes`);
  const expected: Record<string, string[]> = { person: DEMO_ACCOUNTS.map((a) => a.role), editor: ['editor'] };
  const cookies = new Map<string, { portal: string; office: string }>();
  for (const a of DEMO_ACCOUNTS) cookies.set(a.role, { portal: await signIn(app, a.id, { actingFor: a.role === 'director' ? BARAKA : undefined }), office: await signIn(app, a.id, { audience: 'office' }) });
  const csrf = await csrfFor(app, '/en/cabinet', cookies.get('citizen')!.portal);
  const failures: string[] = [];
  for (const route of routes) {
    assert.ok(route.access === 'person' || route.access === 'editor', `${route.method} ${route.url}: ${route.access}`);
    for (const role of [undefined, ...DEMO_ACCOUNTS.map((a) => a.role)]) {
      const who = role ? cookies.get(role)![route.access === 'editor' ? 'office' : 'portal'] : undefined;
      const unsafe = route.method !== 'GET';
      const res = await app.server.inject({
        method: route.method as 'GET', url: route.url.replace(/:\w+/g, 'x'),
        headers: { cookie: [who, unsafe ? csrf.cookie : undefined].filter(Boolean).join('; '), ...(unsafe ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(unsafe ? { payload: `_csrf=${encodeURIComponent(csrf.token)}` } : {}),
      });
      const refused = res.statusCode === 401 || res.statusCode === 403 || (res.statusCode === 303 && /\/signin\?next=/.test(String(res.headers.location)));
      const allowed = role !== undefined && expected[route.access!].includes(role);
      if (allowed === refused || res.statusCode >= 500) failures.push(`${route.method} ${route.url} as ${role ?? 'anonymous'}: ${res.statusCode}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('sending a draft whose form this process has not read yet (just after a start) reads it in the sending transaction, not beside it', async () => {
  // A fresh store has compiled no form: submitting must read it through its own transaction,
  // or on PGlite (one connection) the read would wait for that transaction for ever.
  const db = app.ctx.db;
  const service = new FormsService({ db, store: new FormStore(db), log: app.ctx.log, prefillTimeoutMs: 1000 });
  const made: string[] = [];
  service.handler = async (submission) => { made.push(submission.draftId); return { applicationId: randomUUID(), number: '2026-900001' }; };
  const person = await db.selectFrom('identity_person').select('id').where('pinfl', 'is not', null).where('id', '!=', citizen.id).orderBy('id').executeTakeFirstOrThrow();
  const draftId = randomUUID();
  await sql`insert into forms_draft (id, person_id, service_id, business_id, form_version, answers, prefill, steps)
    values (${draftId}, ${person.id}, 'salary-certificate', null, 1, ${JSON.stringify({ employer: 'Toshkent mashinasozlik zavodi', period: 'last-12', purpose: 'bank-loan', language: 'ru' })}::jsonb, '{}'::jsonb, '["records","purpose"]'::jsonb)`.execute(db);
  const session = { person: { id: person.id } } as unknown as Parameters<typeof service.submit>[0];
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    service.submit(session, 'salary-certificate', draftId, 'en'),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the submission hung')), 10_000); }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(outcome.kind, 'done', JSON.stringify(outcome));
  assert.deepEqual(made, [draftId]);
});
