import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { sql } from 'kysely';
import { translator, type Db, type Translate } from '../../platform/index.js';
import { ErrorSummary, Field } from '../../web/index.js';
import { sha256 } from '../identity.store.js';
import { OTP_MAX_ATTEMPTS, OTP_TTL_SECONDS, type SmsSender } from '../oidc/interactions.js';
import type { screens } from '../oidc/screen.js';

// What registration and password reset share: reading form fields, the one-time code of a
// step (kept hashed in identity_otp, bound to the sign-in's uid), the code and password forms.

export interface FlowDeps { provider: Provider; db: Db; sms: SmsSender; smsInbox?: string }
export type Screens = ReturnType<typeof screens>;
export type Params = { uid: string };
export type FieldErrors = Record<string, string | undefined>;

/** After the code is confirmed, this long to choose the password. */
const CHOOSE_PASSWORD_SECONDS = 600;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Route options shared by every form post of these flows. */
export const POST_OPTIONS = { schema: { hide: true }, config: { access: 'public' as const, rateLimit: { max: 20, timeWindow: 60_000 } } };
export const GET_OPTIONS = { schema: { hide: true }, config: { access: 'public' as const } };

/** A form field as text, trimmed and cut to `max`; anything that is not one string (absent, repeated, an object) is empty. */
export function field(body: unknown, name: string, max: number, trim = true): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string') return '';
  return (trim ? value.trim() : value).slice(0, max);
}

/** `YYYY-MM-DD` from what people type: 15.07.1990, 15/07/1990, 15-07-1990 or 1990-07-15; undefined when it is no date of birth. */
export function parseBirthDate(input: string, today = new Date()): string | undefined {
  const s = input.replace(/\s/g, '');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s) ?? /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  if (!m) return undefined;
  const [year, month, day] = m[1]!.length === 4 ? [Number(m[1]), Number(m[2]), Number(m[3])] : [Number(m[3]), Number(m[2]), Number(m[1])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (year < 1900 || date > today) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The rules for a new password; the errors by field (`password`, `confirm`), empty when it will do. */
export function passwordErrors(t: Translate, password: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!password) errors.password = t('register.password-missing');
  else if ([...password].length < PASSWORD_MIN) errors.password = t('register.password-short', { count: PASSWORD_MIN });
  else if ([...password].length > PASSWORD_MAX) errors.password = t('register.password-long', { count: PASSWORD_MAX });
  else if (/^\d+$/.test(password)) errors.password = t('register.password-digits');
  if (!confirm) errors.confirm = t('register.confirm-missing');
  else if (password && confirm !== password) errors.confirm = t('register.confirm-mismatch');
  return errors;
}

export const hasErrors = (errors: FieldErrors) => Object.values(errors).some(Boolean);

/** The error summary's entries, in the order of the fields on the form. */
export const summary = (errors: FieldErrors, order: string[]) =>
  order.filter((name) => errors[name]).map((name) => ({ href: `#${name}`, text: errors[name]! }));

interface CodeSlot { id: string; uid: string; purpose: string }

/**
 * Stores a new code for a step, hashed with the sign-in's uid as the password step does, and
 * returns it; it replaces the step's last code and its attempts. Without a person, the stored
 * hash matches no code at all (a reset for a login that has no account looks the same).
 */
export async function storeCode(db: Db, slot: CodeSlot, personId: string | null): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeHash = personId ? sha256(`${slot.uid}:${code}`) : sha256(randomBytes(32).toString('base64url'));
  const values = { person_id: personId, purpose: slot.purpose, code_hash: codeHash, attempts: 0, expires_at: new Date(Date.now() + OTP_TTL_SECONDS * 1000), consumed_at: null };
  await db.insertInto('identity_otp').values({ id: slot.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
  return code;
}

export type CodeCheck = { status: 'ok'; personId: string } | { status: 'wrong' } | { status: 'expired' };

/**
 * Checks a typed code against the step's. A good one is taken once (a replayed form finds it
 * used) and opens the password step for a few minutes; more than the allowed attempts, or a
 * code past its time, end the step.
 */
export async function checkCode(db: Db, slot: CodeSlot, typed: string): Promise<CodeCheck> {
  const otp = await db.updateTable('identity_otp').set({ attempts: sql`attempts + 1` })
    .where('id', '=', slot.id).where('purpose', '=', slot.purpose).where('consumed_at', 'is', null).returningAll().executeTakeFirst();
  if (!otp || new Date(otp.expires_at) < new Date() || otp.attempts > OTP_MAX_ATTEMPTS) return { status: 'expired' };
  const code = typed.replace(/\s/g, '').slice(0, 12);
  if (!otp.person_id || !/^\d{6}$/.test(code) || sha256(`${slot.uid}:${code}`) !== otp.code_hash) return { status: 'wrong' };
  const taken = await db.updateTable('identity_otp').set({ consumed_at: sql`now()`, expires_at: new Date(Date.now() + CHOOSE_PASSWORD_SECONDS * 1000) })
    .where('id', '=', slot.id).where('code_hash', '=', otp.code_hash).where('consumed_at', 'is', null).executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return { status: 'expired' };
  return { status: 'ok', personId: otp.person_id };
}

/** The person whose code for this step was confirmed and whose password step is still open. */
export async function confirmedPerson(db: Db, slot: CodeSlot): Promise<string | undefined> {
  const row = await db.selectFrom('identity_otp').select('person_id')
    .where('id', '=', slot.id).where('purpose', '=', slot.purpose).where('consumed_at', 'is not', null).where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.person_id ?? undefined;
}

/** Ends the step inside the transaction that uses it: true when this call took it (a replay finds nothing). */
export async function closeStep(trx: Db, slot: CodeSlot, personId: string): Promise<boolean> {
  const result = await trx.deleteFrom('identity_otp')
    .where('id', '=', slot.id).where('purpose', '=', slot.purpose).where('person_id', '=', personId)
    .where('consumed_at', 'is not', null).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

type Page = Screens['page'];

/** The page that ends a step which took too long or whose code was used: nothing changed, start again. */
export function stepExpired(page: Page, request: FastifyRequest, reply: FastifyReply, restart: string) {
  const t = translator(request.locale);
  return page(request, reply, t('register.expired-title'), () => (
    <>
      <h1>{t('register.expired-title')}</h1>
      <p class="lead">{t('register.expired-detail')}</p>
      <p><a class="button" href={restart}>{t('register.restart')}</a></p>
    </>
  ), 400);
}

export function codeForm(page: Page, request: FastifyRequest, reply: FastifyReply, o: {
  action: string; title: string; lead: string; restart: string; smsInbox?: string; error?: string;
}) {
  const t = translator(request.locale);
  const csrf = reply.csrfToken();
  return page(request, reply, o.title, () => (
    <>
      <h1>{o.title}</h1>
      <p class="lead">{o.lead}</p>
      {o.smsInbox && <p class="notice">{t('signin.demo-inbox')} <a href={o.smsInbox}>{o.smsInbox}</a></p>}
      <ErrorSummary title={t('signin.problem')} errors={o.error ? [{ href: '#code', text: o.error }] : []} />
      <form method="post" action={o.action} class="panel" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <Field name="code" label={t('signin.otp-label')} autocomplete="one-time-code" required error={o.error} />
        <button class="button" type="submit">{t('signin.confirm')}</button>
      </form>
      <p><a href={o.restart}>{t('register.code-again')}</a></p>
    </>
  ), o.error ? 400 : 200);
}

export function passwordForm(page: Page, request: FastifyRequest, reply: FastifyReply, o: {
  action: string; title: string; lead: string; submit: string; errors?: FieldErrors;
}) {
  const t = translator(request.locale);
  const csrf = reply.csrfToken();
  const errors = o.errors ?? {};
  const failed = hasErrors(errors);
  return page(request, reply, o.title, () => (
    <>
      <h1>{o.title}</h1>
      <p class="lead">{o.lead}</p>
      <ErrorSummary title={t('signin.problem')} errors={summary(errors, ['password', 'confirm'])} />
      <form method="post" action={o.action} class="panel" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <Field name="password" label={t('register.password')} hint={t('register.password-hint', { count: PASSWORD_MIN })} type="password"
          autocomplete="new-password" required error={errors.password} />
        <Field name="confirm" label={t('register.confirm')} type="password" autocomplete="new-password" required error={errors.confirm} />
        <button class="button" type="submit">{o.submit}</button>
      </form>
    </>
  ), failed ? 400 : 200);
}
