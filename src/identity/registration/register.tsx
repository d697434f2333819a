import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../../platform/index.js';
import { ErrorSummary, Field } from '../../web/index.js';
import { audit, sha256 } from '../identity.store.js';
import { hashPassword } from '../password.js';
import { parsePinfl, PinflError } from '../people/pinfl.js';
import { normalizePhone } from '../sms/index.js';
import { countFailure, limits, waitSeconds } from '../throttle.js';
import { maskPhone } from '../oidc/interactions.js';
import { screens } from '../oidc/screen.js';
import {
  checkCode, closeStep, codeForm, confirmedPerson, field, GET_OPTIONS, hasErrors, parseBirthDate, passwordErrors, passwordForm,
  POST_OPTIONS, stepExpired, storeCode, summary, type FieldErrors, type FlowDeps, type Params,
} from './steps.js';

type Kind = 'citizen' | 'foreigner';
interface Details { kind: Kind; pinfl: string; document: string; country: string; birthDate: string; phone: string }

/** Between the steps: who and which phone, in a cookie signed by the server and scoped to this sign-in. */
const STATE_COOKIE = 'darcha_register';
interface State { u: string; p: string; ph: string }

/** Why a registration cannot go on; shown on the first form. */
class Refusal extends Error {
  constructor(readonly field: 'identity' | 'phone', readonly key: string) { super(key); }
}

/**
 * Creating an account, inside a sign-in (`/oidc/interaction/:uid/register`): a person of the
 * population registry names themself (PINFL, or passport and country, and birth date) and a
 * mobile phone; a code sent to that phone proves it; then a password. The account is made in
 * one transaction and the sign-in finishes as if they had signed in with password and code.
 */
export function registrationRoutes(app: FastifyInstance, deps: FlowDeps): void {
  const { provider, db, sms, smsInbox } = deps;
  const { page, details, expired, finish } = screens(provider);
  const base = (uid: string) => `/oidc/interaction/${uid}/register`;
  // A code is kept per phone it went to: the code proves that very phone, whatever the cookie says.
  const slot = (uid: string, phone: string) => ({ id: `${uid}:register:${sha256(phone).slice(0, 16)}`, uid, purpose: 'register' });

  function readState(request: FastifyRequest, uid: string): State | undefined {
    const raw = request.cookies[STATE_COOKIE];
    if (!raw || raw.length > 500) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    try {
      const state = JSON.parse(unsigned.value) as Partial<State>;
      return state.u === uid && typeof state.p === 'string' && typeof state.ph === 'string' ? state as State : undefined;
    } catch {
      return undefined;
    }
  }
  const cookieOptions = (request: FastifyRequest, uid: string) =>
    ({ path: base(uid), httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https', signed: true, maxAge: 900 });

  function detailsForm(request: FastifyRequest, reply: FastifyReply, uid: string, kind: Kind, values: Partial<Details> = {}, errors: FieldErrors = {}, exists = false) {
    const csrf = reply.csrfToken();
    const t = translator(request.locale);
    const order = kind === 'citizen' ? ['pinfl', 'birth_date', 'phone'] : ['document', 'country', 'birth_date', 'phone'];
    const failed = hasErrors(errors);
    return page(request, reply, t('register.title'), () => (
      <>
        <h1>{t('register.title')}</h1>
        <p class="lead">{t('register.lead')}</p>
        <nav aria-label={t('register.who')}>
          <ul>
            <li><a href={base(uid)} aria-current={kind === 'citizen' ? 'page' : undefined}>{t('register.as-citizen')}</a></li>
            <li><a href={`${base(uid)}?as=foreigner`} aria-current={kind === 'foreigner' ? 'page' : undefined}>{t('register.as-foreigner')}</a></li>
          </ul>
        </nav>
        <ErrorSummary title={t('signin.problem')} errors={summary(errors, order)} />
        {exists && (
          <ul>
            <li><a href={`/oidc/interaction/${uid}`}>{t('reset.back')}</a></li>
            <li><a href={`/oidc/interaction/${uid}/reset`}>{t('reset.link')}</a></li>
          </ul>
        )}
        <form method="post" action={base(uid)} class="panel" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="kind" value={kind} />
          {kind === 'citizen'
            ? <Field name="pinfl" label={t('register.pinfl')} hint={t('register.pinfl-hint')} value={values.pinfl} required error={errors.pinfl} />
            : (
              <>
                <Field name="document" label={t('register.document')} hint={t('register.document-hint')} value={values.document} required error={errors.document} />
                <Field name="country" label={t('register.country')} hint={t('register.country-hint')} value={values.country} autocomplete="country" required error={errors.country} />
              </>
            )}
          <Field name="birth_date" label={t('register.birth-date')} hint={t('register.birth-date-hint')} value={values.birthDate} autocomplete="bday" required error={errors.birth_date} />
          <Field name="phone" label={t('register.phone')} hint={t('register.phone-hint')} type="tel" value={values.phone} autocomplete="tel" required error={errors.phone} />
          <button class="button" type="submit">{t('register.send-code')}</button>
        </form>
        <p><a href={`/oidc/interaction/${uid}`}>{t('register.have-account')}</a></p>
      </>
    ), failed ? 400 : 200);
  }

  const codeStep = (request: FastifyRequest, reply: FastifyReply, uid: string, phone: string, error?: string) => {
    const t = translator(request.locale);
    return codeForm(page, request, reply, {
      action: `${base(uid)}/code`, title: t('register.code-title'), lead: t('signin.otp-sent', { phone: maskPhone(phone) }), restart: base(uid), smsInbox, error,
    });
  };

  const passwordStep = (request: FastifyRequest, reply: FastifyReply, uid: string, errors?: FieldErrors) => {
    const t = translator(request.locale);
    return passwordForm(page, request, reply, {
      action: `${base(uid)}/password`, title: t('register.password-title'), lead: t('register.password-lead'), submit: t('register.create'), errors,
    });
  };

  app.get<{ Params: Params; Querystring: { as?: string } }>('/oidc/interaction/:uid/register', GET_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    return detailsForm(request, reply, interaction.uid, request.query?.as === 'foreigner' ? 'foreigner' : 'citizen');
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/register', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const t = translator(request.locale);
    const body = request.body;
    const kind: Kind = field(body, 'kind', 20) === 'foreigner' ? 'foreigner' : 'citizen';
    const values: Details = {
      kind,
      pinfl: field(body, 'pinfl', 40).replace(/[\s-]/g, ''),
      document: field(body, 'document', 40).replace(/[\s-]/g, '').toUpperCase(),
      country: field(body, 'country', 10).toUpperCase(),
      birthDate: field(body, 'birth_date', 30),
      phone: field(body, 'phone', 30),
    };
    const form = (errors: FieldErrors, exists = false) => detailsForm(request, reply, uid, kind, values, errors, exists);

    const errors: FieldErrors = {};
    if (kind === 'citizen') {
      if (!values.pinfl) errors.pinfl = t('register.pinfl-missing');
      else if (!/^\d{14}$/.test(values.pinfl)) errors.pinfl = t('register.pinfl-format');
      else {
        try {
          parsePinfl(values.pinfl, { anyDistrict: true });
        } catch (error) {
          if (!(error instanceof PinflError)) throw error;
          errors.pinfl = t(error.reason === 'format' ? 'register.pinfl-format' : 'register.pinfl-invalid');
        }
      }
    } else {
      if (!values.document) errors.document = t('register.document-missing');
      else if (!/^[A-Z0-9]{5,20}$/.test(values.document)) errors.document = t('register.document-format');
      if (!values.country) errors.country = t('register.country-missing');
      else if (!/^[A-Z]{2}$/.test(values.country)) errors.country = t('register.country-format');
    }
    const birthDate = parseBirthDate(values.birthDate);
    if (!values.birthDate) errors.birth_date = t('register.birth-date-missing');
    else if (!birthDate) errors.birth_date = t('register.birth-date-format');
    // An account is one's own from 16, the age of the ID card; a child is served through a parent.
    else if (birthDate > sixteenYearsAgo()) errors.birth_date = t('register.too-young');
    let phone = '';
    if (!values.phone) errors.phone = t('register.phone-missing');
    else {
      try {
        phone = normalizePhone(values.phone);
      } catch {
        errors.phone = t('register.phone-format');
      }
    }
    if (hasErrors(errors)) return form(errors);
    const identityField = kind === 'citizen' ? 'pinfl' : 'document';

    // Each miss in the registry counts against the address, so that nobody walks through it.
    const address = [limits.address(request.ip)];
    const held = await waitSeconds(db, address);
    if (held > 0) return form({ [identityField]: t('signin.wait-seconds', { count: held }) });
    let personId: string;
    try {
      const person = await db.selectFrom('identity_person')
        .leftJoin('identity_account', 'identity_account.person_id', 'identity_person.id')
        .select(['identity_person.id', 'identity_account.person_id as account'])
        .where('identity_person.kind', '=', kind).where('identity_person.birth_date', '=', birthDate!)
        .where((eb) => kind === 'citizen'
          ? eb('identity_person.pinfl', '=', values.pinfl)
          : eb.and([eb('identity_person.document_number', '=', values.document), eb('identity_person.document_country', '=', values.country)]))
        .executeTakeFirst();
      if (!person) throw new Refusal('identity', 'register.not-found');
      if (person.account) throw new Refusal('identity', 'register.exists');
      const holder = await db.selectFrom('identity_person').select('id').where('phone', '=', phone).where('id', '!=', person.id).executeTakeFirst();
      if (holder) throw new Refusal('phone', 'register.phone-taken');
      personId = person.id;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      await countFailure(db, address);
      await audit(db, { action: 'account.register-refused', ip: request.ip, detail: { reason: error.key.replace('register.', ''), kind } });
      return form({ [error.field === 'phone' ? 'phone' : identityField]: t(error.key) }, error.key === 'register.exists');
    }

    // Codes to one phone are limited, so nobody floods a stranger with SMS; every sending counts.
    const keys = [limits.sms(phone), limits.address(request.ip)];
    const wait = await waitSeconds(db, keys);
    if (wait > 0) return form({ phone: t('signin.wait-seconds', { count: wait }) });
    await countFailure(db, keys);
    const code = await storeCode(db, slot(uid, phone), personId);
    try {
      await sms.send(phone, t('register.sms-text', { code }));
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, 'registration code not sent');
      return form({ phone: t('signin.sms-failed') });
    }
    reply.setCookie(STATE_COOKIE, JSON.stringify({ u: uid, p: personId, ph: phone } satisfies State), cookieOptions(request, uid));
    return codeStep(request, reply, uid, phone);
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/register/code', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const state = readState(request, uid);
    if (!state) return stepExpired(page, request, reply, base(uid));
    const result = await checkCode(db, slot(uid, state.ph), field(request.body, 'code', 20));
    if (result.status === 'wrong') {
      await audit(db, { action: 'account.register-code-failed', subject: state.p, ip: request.ip });
      return codeStep(request, reply, uid, state.ph, translator(request.locale)('signin.code-wrong'));
    }
    if (result.status === 'expired' || result.personId !== state.p) return stepExpired(page, request, reply, base(uid));
    return passwordStep(request, reply, uid);
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/register/password', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const t = translator(request.locale);
    const state = readState(request, uid);
    const step = state && slot(uid, state.ph);
    if (!state || !step || (await confirmedPerson(db, step)) !== state.p) return stepExpired(page, request, reply, base(uid));
    const password = field(request.body, 'password', 1000, false);
    const errors = passwordErrors(t, password, field(request.body, 'confirm', 1000, false));
    if (hasErrors(errors)) return passwordStep(request, reply, uid, errors);
    const passwordHash = await hashPassword(password);

    let outcome: 'done' | 'expired' | 'exists' | 'phone-taken';
    try {
      outcome = await db.transaction().execute(async (trx) => {
        if (!(await closeStep(trx, step, state.p))) return 'expired';
        const holder = await trx.selectFrom('identity_person').select('id').where('phone', '=', state.ph).where('id', '!=', state.p).executeTakeFirst();
        if (holder) throw new Refusal('phone', 'register.phone-taken');
        const made = await trx.insertInto('identity_account').values({ person_id: state.p, password_hash: passwordHash, phone_verified_at: new Date() })
          .onConflict((oc) => oc.column('person_id').doNothing()).returning('person_id').executeTakeFirst();
        if (!made) throw new Refusal('identity', 'register.exists');
        await trx.updateTable('identity_person').set({ phone: state.ph }).where('id', '=', state.p).execute();
        await audit(trx, { actor: state.p, action: 'account.registered', subject: state.p, ip: request.ip, detail: { client: interaction.params.client_id } });
        return 'done';
      });
    } catch (error) {
      // Refused inside the transaction, or the phone taken by someone else in the meantime (unique).
      if (error instanceof Refusal) outcome = error.key === 'register.exists' ? 'exists' : 'phone-taken';
      else if ((error as { code?: string }).code === '23505') outcome = 'phone-taken';
      else throw error;
    }
    if (outcome === 'expired') return stepExpired(page, request, reply, base(uid));
    if (outcome !== 'done') {
      const person = await db.selectFrom('identity_person').select(['kind', 'pinfl', 'document_number', 'document_country']).where('id', '=', state.p).executeTakeFirst();
      const kind: Kind = person?.kind === 'foreigner' ? 'foreigner' : 'citizen';
      const values = { pinfl: person?.pinfl ?? '', document: person?.document_number ?? '', country: person?.document_country ?? '', phone: outcome === 'phone-taken' ? state.ph : '' };
      return outcome === 'exists'
        ? detailsForm(request, reply, uid, kind, values, { [kind === 'citizen' ? 'pinfl' : 'document']: t('register.exists') }, true)
        : detailsForm(request, reply, uid, kind, values, { phone: t('register.phone-taken') });
    }
    // The state is spent: clear its cookie on the answer that finishes the sign-in.
    reply.header('set-cookie', `${STATE_COOKIE}=; Path=${base(uid)}; Max-Age=0; HttpOnly; SameSite=Lax`);
    await finish(request, reply, { login: { accountId: state.p, amr: ['pwd', 'sms'] } });
  });
}

/** The latest birth date of someone who is 16 today, as `YYYY-MM-DD` (Tashkent's calendar day). */
function sixteenYearsAgo(): string {
  const today = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10);
  return `${Number(today.slice(0, 4)) - 16}${today.slice(4)}`;
}
