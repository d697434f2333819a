import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS } from '../index.js';
import { makePinfl, parsePinfl } from '../people/pinfl.js';

// Creating an account and resetting a password, through real HTTP as a browser without
// JavaScript would: the sign-in started from the portal, forms posted with their CSRF
// token, SMS codes read from the gateway stand-in's inbox.

let app: TestApp;
before(async () => { app = await startTestApp(); });
after(() => app.close());

// People of demo/identity/people.yaml without an account.
/** A child of the demo population (born 2020): too young for an account of their own. */
const CHILD_PINFL = '50305204082706';
const ELDOR = { pinfl: '32209937102275', birth: '1993-09-22', typedBirth: '22.09.1993', first: 'Eldor' };
const MUNISA = { pinfl: '41412761680374', birth: '1976-12-14', phone: '998972231448' };
const NODIR = { pinfl: '31608745603908', birth: '1974-08-16', phone: '998937564923' };
const VALENTINA = { pinfl: '62210021072612', birth: '2002-10-22' };
const FOREIGNER = { document: 'U98517465', country: 'TR', birth: '1997-04-07', phone: '998900455957' };
const citizen = DEMO_ACCOUNTS[0];
const agent = DEMO_ACCOUNTS[3];

/** A browser in miniature: follows nothing by itself, keeps cookies. */
class Browser {
  private readonly jar = new Map<string, string>();
  async go(url: string, init: { form?: Record<string, string>; body?: string; type?: string } = {}) {
    const body = init.form ? new URLSearchParams(init.form).toString() : init.body;
    const res = await fetch(new URL(url, app.url), {
      method: body === undefined ? 'GET' : 'POST', redirect: 'manual', body,
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html',
        ...(body === undefined ? {} : { 'content-type': init.type ?? 'application/x-www-form-urlencoded' }),
      },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.jar.delete(name!); else this.jar.set(name!, value.join('='));
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
  /** Follows redirects from a response until a page. */
  async follow(step: Awaited<ReturnType<Browser['go']>>) {
    for (let i = 0; i < 10 && step.status >= 300 && step.status < 400; i++) step = await this.go(step.location!);
    return step;
  }
  /** Submits the page's (first) post form with its CSRF token and these fields. */
  submit(page: { body: string }, fields: Record<string, string>) {
    return this.go(formAction(page.body), { form: { _csrf: hidden(page.body, '_csrf'), ...fields } });
  }
}

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const formAction = (html: string) => /action="([^"]+)"/.exec(/<form[^>]*method="post"[^>]*>/i.exec(html)?.[0] ?? '')?.[1]?.replace(/&amp;/g, '&') ?? '';
const fieldError = (html: string, name: string) => new RegExp(`<p class="field__error" id="${name}-error">([^<]+)`).exec(html)?.[1];
const summaryText = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
const link = (html: string, text: RegExp) => [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].find((m) => text.test(m[2]!))?.[1]?.replace(/&amp;/g, '&');

/** Starts a sign-in on the portal (in English) and returns the login form of its interaction. */
async function start(browser = new Browser()) {
  const page = await browser.follow(await browser.go('/en/signin'));
  assert.equal(page.status, 200);
  assert.match(page.body, /name="login"/);
  return { browser, page };
}

async function openRegistration(foreigner = false) {
  const { browser, page } = await start();
  const href = link(page.body, /Create an account/);
  assert.ok(href, 'the login form links to registration');
  const form = await browser.go(foreigner ? `${href}?as=foreigner` : href!);
  assert.equal(form.status, 200);
  return { browser, form };
}

const account = (personId: string) => app.ctx.db.selectFrom('identity_account').selectAll().where('person_id', '=', personId).executeTakeFirst();
const personBy = (pinfl: string) => app.ctx.db.selectFrom('identity_person').select(['id', 'phone']).where('pinfl', '=', pinfl).executeTakeFirstOrThrow();

/** Password and SMS code on the login form; returns the page it lands on. */
async function signIn(browser: Browser, login: string, password: string, phone: string) {
  const { page } = await start(browser);
  const codeForm = await browser.submit(page, { login, password });
  assert.equal(codeForm.status, 200, 'the code form after a right password');
  return browser.follow(await browser.submit(codeForm, { code: (await app.sms.lastCode(phone))! }));
}

test('a citizen without an account registers, lands in the cabinet signed in, and later signs in with the new password', async () => {
  const phone = '998907000001';
  const person = await personBy(ELDOR.pinfl);
  assert.equal(await account(person.id), undefined);
  const { browser, form } = await openRegistration();
  assert.match(form.body, /autocomplete="bday"/);
  assert.match(form.body, /autocomplete="tel"/);
  const code = await browser.submit(form, { kind: 'citizen', pinfl: ELDOR.pinfl, birth_date: ELDOR.typedBirth, phone: '+998 90 700-00-01' });
  assert.equal(code.status, 200, fieldError(code.body, 'pinfl') ?? fieldError(code.body, 'phone'));
  assert.match(code.body, /autocomplete="one-time-code"/);
  assert.match(code.body, /\+998 90 \*\*\*-\*\*-01/, 'the masked phone');
  const sent = await app.sms.lastCode(phone);
  assert.ok(sent, 'a code was sent to the phone given');

  const choose = await browser.submit(code, { code: sent! });
  assert.equal(choose.status, 200);
  assert.match(choose.body, /autocomplete="new-password"/);
  const landed = await browser.follow(await browser.submit(choose, { password: 'eldor-password-1', confirm: 'eldor-password-1' }));
  assert.equal(landed.status, 200);
  assert.match(landed.body, /My cabinet/);
  assert.match(landed.body, new RegExp(ELDOR.first));

  const made = await account(person.id);
  assert.ok(made?.phone_verified_at, 'the phone is verified');
  assert.equal((await personBy(ELDOR.pinfl)).phone, phone, 'the registry has the new phone');
  const audited = await app.ctx.db.selectFrom('identity_audit').select('action').where('subject', '=', person.id).where('action', '=', 'account.registered').execute();
  assert.equal(audited.length, 1);

  const again = await signIn(new Browser(), '+998 90 700-00-01', 'eldor-password-1', phone);
  assert.match(again.body, /My cabinet/);
  const byPinfl = await signIn(new Browser(), ELDOR.pinfl, 'eldor-password-1', phone);
  assert.match(byPinfl.body, /My cabinet/);
});

test('a foreigner registers with passport number, country and birth date', async () => {
  const { browser, form } = await openRegistration(true);
  assert.match(form.body, /name="document"/);
  assert.match(form.body, /autocomplete="country"/);
  const code = await browser.submit(form, { kind: 'foreigner', document: 'u9851 7465', country: 'tr', birth_date: FOREIGNER.birth, phone: FOREIGNER.phone });
  assert.equal(code.status, 200, summaryText(code.body));
  const choose = await browser.submit(code, { code: (await app.sms.lastCode(FOREIGNER.phone))! });
  const landed = await browser.follow(await browser.submit(choose, { password: 'istanbul-2026', confirm: 'istanbul-2026' }));
  assert.match(landed.body, /My cabinet/);
});

test('unknown PINFL, wrong birth date and an existing account are refused with a clear message, and no code is sent', async () => {
  const { browser, form } = await openRegistration();
  const parsed = parsePinfl(ELDOR.pinfl);
  const unknownPinfl = makePinfl({ birthDate: parsed.birthDate, sex: parsed.sex, districtCode: parsed.districtCode, serial: 998 });
  assert.equal(await app.ctx.db.selectFrom('identity_person').select('id').where('pinfl', '=', unknownPinfl).executeTakeFirst(), undefined);

  const unknown = await browser.submit(form, { kind: 'citizen', pinfl: unknownPinfl, birth_date: ELDOR.birth, phone: '+998 90 700-00-02' });
  assert.equal(unknown.status, 400);
  assert.match(fieldError(unknown.body, 'pinfl') ?? '', /could not find you in the population registry/);
  assert.match(summaryText(unknown.body), /could not find you/);
  assert.match(unknown.body, new RegExp(`value="${unknownPinfl}"`), 'what was typed is kept');

  const wrongBirth = await browser.submit(unknown, { kind: 'citizen', pinfl: MUNISA.pinfl, birth_date: '14.12.1977', phone: '+998 90 700-00-02' });
  assert.equal(wrongBirth.status, 400);
  assert.equal(fieldError(wrongBirth.body, 'pinfl'), fieldError(unknown.body, 'pinfl'), 'the same words for an unknown PINFL and a wrong birth date');

  const exists = await browser.submit(wrongBirth, { kind: 'citizen', pinfl: citizen.pinfl!, birth_date: citizen.birth, phone: '+998 90 700-00-02' });
  assert.equal(exists.status, 400);
  assert.match(fieldError(exists.body, 'pinfl') ?? '', /account already exists/);
  assert.ok(link(exists.body, /Forgot your password/), 'a way to reset the password');

  const taken = await browser.submit(exists, { kind: 'citizen', pinfl: VALENTINA.pinfl, birth_date: VALENTINA.birth, phone: MUNISA.phone });
  assert.equal(taken.status, 400);
  assert.match(fieldError(taken.body, 'phone') ?? '', /belongs to another person/);

  assert.equal(await app.sms.count('998907000002'), 0, 'no code sent');
  assert.equal(await app.sms.count(MUNISA.phone), 0, 'no code sent');
});

test('what is typed is checked field by field, and hostile input is refused without a server error', async () => {
  const { browser, form } = await openRegistration();
  const empty = await browser.submit(form, { kind: 'citizen' });
  assert.equal(empty.status, 400);
  assert.equal(fieldError(empty.body, 'pinfl'), 'Enter your PINFL');
  assert.equal(fieldError(empty.body, 'birth_date'), 'Enter your date of birth');
  assert.equal(fieldError(empty.body, 'phone'), 'Enter your mobile phone number');
  for (const href of ['#pinfl', '#birth_date', '#phone']) assert.match(summaryText(empty.body), new RegExp(`href="${href}"`));

  const bad = await browser.submit(empty, { kind: 'citizen', pinfl: '32209937102276', birth_date: '31.02.1990', phone: '+7 999 123 45 67' });
  assert.equal(bad.status, 400);
  assert.match(fieldError(bad.body, 'pinfl') ?? '', /not a valid PINFL/);
  assert.match(fieldError(bad.body, 'birth_date') ?? '', /real date of birth/);
  assert.match(fieldError(bad.body, 'phone') ?? '', /\+998 and 9 digits/);
  const short = await browser.submit(bad, { kind: 'citizen', pinfl: '1234', birth_date: '2990-01-01', phone: '12' });
  assert.match(fieldError(short.body, 'pinfl') ?? '', /14 digits/);
  assert.match(fieldError(short.body, 'birth_date') ?? '', /real date of birth/);

  const child = await browser.submit(short, { kind: 'citizen', pinfl: CHILD_PINFL, birth_date: '2020-05-03', phone: '+998 90 555-12-12' });
  assert.match(fieldError(child.body, 'birth_date') ?? '', /16 and over/);
  const foreign = await browser.submit(child, { kind: 'foreigner', document: 'A1', country: 'Turkey', birth_date: '1997-04-07', phone: FOREIGNER.phone });
  assert.match(fieldError(foreign.body, 'document') ?? '', /5 to 20/);
  assert.match(fieldError(foreign.body, 'country') ?? '', /two-letter code/);

  const csrf = hidden(foreign.body, '_csrf');
  const action = formAction(foreign.body);
  const hostile = [
    new URLSearchParams({ _csrf: csrf, kind: 'citizen', pinfl: 'x'.repeat(100_000), birth_date: '\u0000', phone: '<script>', unknown: 'ignored' }).toString(),
    `_csrf=${encodeURIComponent(csrf)}&pinfl=1&pinfl=2&phone[]=3&birth_date=%E0%A4%A`,
  ];
  for (const body of hostile) {
    const res = await browser.go(action, { body });
    assert.equal(res.status, 400, body.slice(0, 80));
    assert.doesNotMatch(res.body, /<script>/);
  }
  const json = await browser.go(action, { body: JSON.stringify({ _csrf: csrf, kind: { a: 1 }, pinfl: ['x'], birth_date: 5, phone: null }), type: 'application/json' });
  assert.equal(json.status, 400);
  for (const path of ['register/code', 'register/password', 'reset/code', 'reset/password']) {
    const res = await browser.go(action.replace(/register$/, path), { form: { _csrf: csrf, code: '123456', password: 'x'.repeat(5000), confirm: 'y' } });
    assert.equal(res.status, 400, `${path} without an earlier step`);
    assert.match(res.body, /expired/i);
  }
});

test('a wrong code, a password that breaks the rules and replayed forms are refused, and nothing is changed', async () => {
  const person = await personBy(NODIR.pinfl);
  const { browser, form } = await openRegistration();
  const code = await browser.submit(form, { kind: 'citizen', pinfl: NODIR.pinfl, birth_date: NODIR.birth, phone: NODIR.phone });
  assert.equal(code.status, 200, summaryText(code.body));
  const sent = (await app.sms.lastCode(NODIR.phone))!;
  const wrong = await browser.submit(code, { code: sent === '000000' ? '111111' : '000000' });
  assert.equal(wrong.status, 400);
  assert.match(fieldError(wrong.body, 'code') ?? '', /code is wrong/);

  const choose = await browser.submit(wrong, { code: sent });
  assert.equal(choose.status, 200);
  const replayedCode = await browser.submit(wrong, { code: sent });
  assert.equal(replayedCode.status, 400, 'a used code does not open the step again');
  assert.match(replayedCode.body, /expired|already used/);

  const mismatch = await browser.submit(choose, { password: 'nodir-password-1', confirm: 'nodir-password-2' });
  assert.equal(mismatch.status, 400);
  assert.equal(fieldError(mismatch.body, 'confirm'), 'The passwords do not match');
  const short = await browser.submit(mismatch, { password: 'short', confirm: 'short' });
  assert.equal(fieldError(short.body, 'password'), 'The password must have at least 10 characters');
  const digits = await browser.submit(short, { password: '12345678901', confirm: '12345678901' });
  assert.equal(fieldError(digits.body, 'password'), 'The password must not be only digits');
  assert.equal(await account(person.id), undefined, 'no account yet');

  const done = await browser.submit(digits, { password: 'nodir-password-1', confirm: 'nodir-password-1' });
  assert.equal(done.status, 303);
  const replayed = await browser.submit(digits, { password: 'another-password-1', confirm: 'another-password-1' });
  assert.equal(replayed.status, 400, 'the password step is taken once');
  const made = await account(person.id);
  assert.ok(made);
  assert.equal((await personBy(NODIR.pinfl)).phone, NODIR.phone);
});

test('a reset for a login without an account shows the same screens as for an account, and sends no SMS', async () => {
  const screen = async (login: string) => {
    const { browser, page } = await start();
    const href = link(page.body, /Forgot your password/);
    assert.ok(href);
    const form = await browser.go(href!);
    assert.equal(form.status, 200);
    const code = await browser.submit(form, { login });
    assert.equal(code.status, 200);
    const wrong = await browser.submit(code, { code: '000000' });
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0].replace(/value="[^"]*"/g, '').replace(/\/oidc\/interaction\/[^/"]+/g, '');
    return { code: main(code.body), wrong: main(wrong.body), status: wrong.status };
  };
  const before = await app.sms.count(agent.phone);
  const known = await screen(agent.login);
  assert.equal(await app.sms.count(agent.phone), before + 1, 'a code went to the account');
  const unknownPhone = await screen('+998 99 000-00-00');
  const noAccount = await screen(MUNISA.pinfl);
  assert.match(known.code, /If an account with these details exists/);
  assert.equal(unknownPhone.code, known.code);
  assert.equal(noAccount.code, known.code);
  assert.equal(unknownPhone.wrong, known.wrong);
  assert.equal(unknownPhone.status, 400);
  assert.equal(await app.sms.count('998990000000'), 0);
  assert.equal(await app.sms.count(MUNISA.phone), 0);
});

test('a password reset changes the password, ends every session of the person, and returns to the login form', async () => {
  const signedIn = new Browser();
  const cabinet = await signIn(signedIn, agent.login, agent.password, agent.phone);
  assert.match(cabinet.body, /My cabinet/);

  const { browser, page } = await start();
  const form = await browser.go(link(page.body, /Forgot your password/)!);
  const code = await browser.submit(form, { login: agent.login });
  const choose = await browser.submit(code, { code: (await app.sms.lastCode(agent.phone))! });
  assert.equal(choose.status, 200);
  const mismatch = await browser.submit(choose, { password: 'timur-new-password', confirm: 'timur-new-passwort' });
  assert.equal(fieldError(mismatch.body, 'confirm'), 'The passwords do not match');
  const done = await browser.submit(mismatch, { password: 'timur-new-password', confirm: 'timur-new-password' });
  assert.equal(done.status, 303);
  const back = await browser.go(done.location!);
  assert.equal(back.status, 200);
  assert.match(back.body, /Your password has been changed/);
  assert.match(back.body, /name="login"/);

  const audited = await app.ctx.db.selectFrom('identity_audit').select('action').where('subject', '=', agent.id).where('action', '=', 'account.password-reset').execute();
  assert.equal(audited.length, 1);
  const open = await app.ctx.db.selectFrom('identity_session').select('ref').where('person_id', '=', agent.id).where('revoked_at', 'is', null).execute();
  assert.equal(open.length, 0, 'no session left open');
  // The portal's session cache hears of the revocation through the database.
  let after = await signedIn.go('/en/cabinet');
  for (let i = 0; i < 20 && after.status === 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await signedIn.go('/en/cabinet');
  }
  assert.equal(after.status, 303, 'the old session no longer opens the cabinet');
  // Nor does the provider's own session sign the old browser in again without a password.
  const again = await signedIn.follow(after);
  assert.match(again.body, /name="login"/);

  const other = await start();
  const old = await other.browser.submit(other.page, { login: agent.login, password: agent.password });
  assert.equal(old.status, 400, 'the old password no longer works');
  const fresh = await signIn(new Browser(), agent.login, 'timur-new-password', agent.phone);
  assert.match(fresh.body, /My cabinet/);

  const replay = await browser.submit(mismatch, { password: 'third-password-1', confirm: 'third-password-1' });
  assert.equal(replay.status, 400, 'the reset is taken once');
});
