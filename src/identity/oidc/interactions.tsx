import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { sql } from 'kysely';
import { translator, type Db, type Locale, type Translate } from '../../platform/index.js';
import { ErrorSummary, Field } from '../../web/index.js';
import { screens } from './screen.js';
import { DUMMY_HASH, verifyPassword } from '../password.js';
import { audit, findAccountByLogin, findPerson, sha256 } from '../identity.store.js';
import { clearFailures, countFailure, limits, waitSeconds } from '../throttle.js';
import { actForStep } from '../business/signin-step.js';

/** Anything that can send a text message (the SMS gateway adapter). */
export interface SmsSender { send(phone: string, text: string): Promise<unknown> }

export const OTP_TTL_SECONDS = 300;
export const OTP_MAX_ATTEMPTS = 5;

type Params = { uid: string };

/**
 * The provider's sign-in screens: login and password, then a one-time code sent by SMS;
 * consent for third-party clients. Wrong login and wrong password read the same, so the
 * screens tell nobody which accounts exist.
 */
export function interactionRoutes(app: FastifyInstance, deps: { provider: Provider; db: Db; sms: SmsSender; smsInbox?: string }): void {
  const { provider, db, sms, smsInbox } = deps;

  const { page, details, expired, finish } = screens(provider);
  const actFor = actForStep({ provider, db });

  function loginForm(request: FastifyRequest, reply: FastifyReply, uid: string, error?: string, login = '') {
    const csrf = reply.csrfToken();
    const t = translator(request.locale);
    return page(request, reply, t('signin.title'), () => (
      <>
        <h1>{t('signin.title')}</h1>
        <p class="lead">{t('signin.lead')}</p>
        {!error && (request.query as { reset?: string } | undefined)?.reset === 'done' && <p class="notice" role="status">{t('reset.done')}</p>}
        <ErrorSummary title={t('signin.problem')} errors={error ? [{ href: '#login', text: error }] : []} />
        <form method="post" action={`/oidc/interaction/${uid}/password`} class="panel" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <Field name="login" label={t('signin.login')} hint={t('signin.login-hint')} value={login} autocomplete="username" required error={error} />
          <Field name="password" label={t('signin.password')} type="password" autocomplete="current-password" required />
          <button class="button" type="submit">{t('signin.continue')}</button>
        </form>
        <p><a href={`/oidc/interaction/${uid}/reset`}>{t('reset.link')}</a></p>
        <p><a href={`/oidc/interaction/${uid}/register`}>{t('register.link')}</a></p>
        <h2>{t('signin.other-ways')}</h2>
        <ul>
          <li><a href={`/oidc/interaction/${uid}/esign`}>{t('signin.with-signature')}</a></li>
          <li><a href={`/oidc/interaction/${uid}/face`}>{t('signin.with-face')}</a></li>
        </ul>
        <p><a href={`/oidc/interaction/${uid}/abort`}>{t('signin.cancel')}</a></p>
      </>
    ), error ? 400 : 200);
  }

  function otpForm(request: FastifyRequest, reply: FastifyReply, uid: string, maskedPhone: string, error?: string) {
    const csrf = reply.csrfToken();
    const t = translator(request.locale);
    return page(request, reply, t('signin.otp-title'), () => (
      <>
        <h1>{t('signin.otp-title')}</h1>
        <p class="lead">{t('signin.otp-sent', { phone: maskedPhone })}</p>
        {smsInbox && <p class="notice">{t('signin.demo-inbox')} <a href={smsInbox}>{smsInbox}</a></p>}
        <ErrorSummary title={t('signin.problem')} errors={error ? [{ href: '#code', text: error }] : []} />
        <form method="post" action={`/oidc/interaction/${uid}/otp`} class="panel" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <Field name="code" label={t('signin.otp-label')} autocomplete="one-time-code" required error={error} />
          <button class="button" type="submit">{t('signin.confirm')}</button>
        </form>
      </>
    ), error ? 400 : 200);
  }

  app.get<{ Params: Params }>('/oidc/interaction/:uid', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    if (interaction.prompt.name === 'login') return loginForm(request, reply, interaction.uid);
    // A client asking `business` first learns whom the person acts for.
    const acting = await actFor.choice(request, reply, interaction);
    if (acting === 'asked') return reply;
    const client = await provider.Client.find(String(interaction.params.client_id));
    const csrf = reply.csrfToken();
    const t = translator(request.locale);
    const scopes = String(interaction.params.scope ?? '').split(' ').filter((s) => s !== 'openid');
    return page(request, reply, t('consent.title'), () => (
      <>
        <h1>{t('consent.title')}</h1>
        <p class="lead">{t('consent.lead', { client: String(client?.clientName ?? client?.clientId ?? '') })}</p>
        <ul>{scopes.map((s) => <li key={s}>{t(`consent.scope.${s}`)}</li>)}</ul>
        {acting && <p class="notice">{acting.text}</p>}
        <form method="post" action={`/oidc/interaction/${interaction.uid}/consent`}>
          <input type="hidden" name="_csrf" value={csrf} />
          {acting && <input type="hidden" name="acting_for" value={acting.value} />}
          <button class="button" type="submit">{t('consent.allow')}</button>{' '}
          <a class="button button--secondary" href={`/oidc/interaction/${interaction.uid}/abort`}>{t('consent.deny')}</a>
        </form>
      </>
    ));
  });

  app.post<{ Params: Params; Body: { login?: string; password?: string } }>('/oidc/interaction/:uid/password', {
    schema: { hide: true }, config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
  }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const t = translator(request.locale);
    const login = String(request.body?.login ?? '').trim().slice(0, 64);
    const password = String(request.body?.password ?? '').slice(0, 256);
    if (!login || !password) return loginForm(request, reply, interaction.uid, t('signin.missing'), login);
    const account = await findAccountByLogin(db, login);
    // An unknown login is held back by the same rule as an account, so delays reveal nothing.
    const keys = [account ? limits.account(account.id) : limits.login(login), limits.address(request.ip)];
    const wait = await waitSeconds(db, keys);
    const valid = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || wait > 0 || !valid) {
      if (wait === 0) await countFailure(db, keys);
      await audit(db, { action: 'signin.failed', subject: account?.id ?? null, ip: request.ip, detail: { reason: wait > 0 ? 'throttled' : 'password' } });
      return loginForm(request, reply, interaction.uid, wait > 0 ? t('signin.wait-seconds', { count: wait }) : t('signin.wrong'), login);
    }
    await clearFailures(db, keys.slice(0, 1));
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await db.insertInto('identity_otp').values({
      id: interaction.uid, person_id: account.id, purpose: 'signin', code_hash: sha256(`${interaction.uid}:${code}`),
      expires_at: new Date(Date.now() + OTP_TTL_SECONDS * 1000), consumed_at: null,
    }).onConflict((oc) => oc.column('id').doUpdateSet({ code_hash: sha256(`${interaction.uid}:${code}`), attempts: 0, expires_at: new Date(Date.now() + OTP_TTL_SECONDS * 1000), person_id: account.id })).execute();
    try {
      await sms.send(account.phone ?? '', translator(account.locale as Locale)('signin.sms-text', { code }));
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, 'sign-in code not sent');
      return loginForm(request, reply, interaction.uid, t('signin.sms-failed'), login);
    }
    return otpForm(request, reply, interaction.uid, maskPhone(account.phone ?? ''));
  });

  app.post<{ Params: Params; Body: { code?: string } }>('/oidc/interaction/:uid/otp', {
    schema: { hide: true }, config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
  }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const t = translator(request.locale);
    const otp = await db.updateTable('identity_otp').set({ attempts: sql`attempts + 1` })
      .where('id', '=', interaction.uid).where('purpose', '=', 'signin').where('consumed_at', 'is', null).returningAll().executeTakeFirst();
    if (!otp || new Date(otp.expires_at) < new Date() || otp.attempts > OTP_MAX_ATTEMPTS) return expired(request, reply);
    const person = otp.person_id ? await findPerson(db, otp.person_id) : undefined;
    const code = String(request.body?.code ?? '').replace(/\s/g, '').slice(0, 12);
    if (!person || sha256(`${interaction.uid}:${code}`) !== otp.code_hash) {
      await audit(db, { action: 'signin.code-failed', subject: otp.person_id, ip: request.ip });
      return otpForm(request, reply, interaction.uid, maskPhone(person?.phone ?? ''), t('signin.code-wrong'));
    }
    // Take the code once: a replayed form finds it consumed.
    const taken = await db.updateTable('identity_otp').set({ consumed_at: sql`now()` }).where('id', '=', otp.id).where('consumed_at', 'is', null).executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) return expired(request, reply);
    await audit(db, { actor: person.id, action: 'signin', subject: person.id, ip: request.ip, detail: { method: 'password+sms', client: interaction.params.client_id } });
    await finish(request, reply, { login: { accountId: person.id, amr: ['pwd', 'sms'] } });
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/consent', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid || interaction.prompt.name !== 'consent') return expired(request, reply);
    const accountId = interaction.session?.accountId;
    if (!accountId) return expired(request, reply);
    const remember = await actFor.accept(request, interaction, accountId);
    if (!remember) return expired(request, reply);
    const grant = interaction.grantId ? (await provider.Grant.find(interaction.grantId))! : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
    const missing = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await remember(grantId);
    await audit(db, { actor: accountId, action: 'consent', subject: String(interaction.params.client_id), ip: request.ip, detail: { scopes: missing.missingOIDCScope ?? [] } });
    reply.hijack();
    await provider.interactionFinished(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  app.get<{ Params: Params }>('/oidc/interaction/:uid/abort', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    await finish(request, reply, { error: 'access_denied', error_description: 'The user cancelled the sign-in' });
  });
}

/** +998 90 ***-**-67: enough for the user to recognise their number, little for anyone else. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length < 7 ? '***' : `+${digits.slice(0, 3)} ${digits.slice(3, 5)} ***-**-${digits.slice(-2)}`;
}
