import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { isLocale, translator, type Db } from '../../platform/index.js';
import { ErrorSummary, Field } from '../../web/index.js';
import { audit, findAccountByLogin } from '../identity.store.js';
import { hashPassword } from '../password.js';
import { revokeAllSessions } from '../sessions.js';
import { normalizePhone } from '../sms/index.js';
import { clearFailures, countFailure, limits, waitSeconds } from '../throttle.js';
import { screens } from '../oidc/screen.js';
import {
  checkCode, closeStep, codeForm, confirmedPerson, field, GET_OPTIONS, hasErrors, passwordErrors, passwordForm, POST_OPTIONS,
  stepExpired, storeCode, type FieldErrors, type FlowDeps, type Params,
} from './steps.js';

/** What the provider keeps for a signed-in person besides the portal's sessions: its own session (SSO), tokens and codes. */
const PROVIDER_KINDS = ['Session', 'AccessToken', 'RefreshToken', 'AuthorizationCode'];

/** Ends the provider's sessions and tokens of a person, so no device gets back in without the new password. */
async function revokeProviderSessions(db: Db, personId: string): Promise<void> {
  await db.deleteFrom('oidc_payload').where('kind', 'in', PROVIDER_KINDS).where(sql<string>`payload->>'accountId'`, '=', personId).execute();
}

/**
 * A forgotten password, inside a sign-in (`/oidc/interaction/:uid/reset`): the login (phone or
 * PINFL), a code sent to the account's phone, a new password. Whether the login has an account
 * shows nowhere: the same screens, the same words, the same throttling, and a code step that
 * no code opens when there is none. The change ends every session of the person.
 */
export function resetRoutes(app: FastifyInstance, deps: FlowDeps): void {
  const { provider, db, sms, smsInbox } = deps;
  const { page, details, expired } = screens(provider);
  const base = (uid: string) => `/oidc/interaction/${uid}/reset`;
  const slot = (uid: string) => ({ id: `${uid}:reset`, uid, purpose: 'reset' });

  function loginForm(request: FastifyRequest, reply: FastifyReply, uid: string, login = '', error?: string) {
    const csrf = reply.csrfToken();
    const t = translator(request.locale);
    return page(request, reply, t('reset.title'), () => (
      <>
        <h1>{t('reset.title')}</h1>
        <p class="lead">{t('reset.lead')}</p>
        <ErrorSummary title={t('signin.problem')} errors={error ? [{ href: '#login', text: error }] : []} />
        <form method="post" action={base(uid)} class="panel" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          <Field name="login" label={t('signin.login')} hint={t('signin.login-hint')} value={login} autocomplete="username" required error={error} />
          <button class="button" type="submit">{t('register.send-code')}</button>
        </form>
        <p><a href={`/oidc/interaction/${uid}`}>{t('reset.back')}</a></p>
      </>
    ), error ? 400 : 200);
  }

  const codeStep = (request: FastifyRequest, reply: FastifyReply, uid: string, error?: string) => {
    const t = translator(request.locale);
    return codeForm(page, request, reply, {
      action: `${base(uid)}/code`, title: t('signin.otp-title'), lead: t('reset.code-sent'), restart: base(uid), smsInbox, error,
    });
  };

  const passwordStep = (request: FastifyRequest, reply: FastifyReply, uid: string, errors?: FieldErrors) => {
    const t = translator(request.locale);
    return passwordForm(page, request, reply, {
      action: `${base(uid)}/password`, title: t('reset.password-title'), lead: t('reset.password-lead'), submit: t('reset.save'), errors,
    });
  };

  app.get<{ Params: Params }>('/oidc/interaction/:uid/reset', GET_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    return loginForm(request, reply, interaction.uid);
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/reset', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const t = translator(request.locale);
    const login = field(request.body, 'login', 64);
    if (!login) return loginForm(request, reply, uid, login, t('reset.login-missing'));
    // A phone number or a PINFL, by its shape only: nothing here says whether it has an account.
    let typed: string;
    const compact = login.replace(/[\s-]/g, '');
    if (/^\d{14}$/.test(compact)) typed = compact;
    else {
      try {
        typed = normalizePhone(login);
      } catch {
        return loginForm(request, reply, uid, login, t('reset.login-format'));
      }
    }
    const account = await findAccountByLogin(db, typed);
    // The same rule whether or not there is an account: the phone it would go to, or what was typed.
    const keys = [limits.sms(account?.phone ?? typed), limits.address(request.ip)];
    const wait = await waitSeconds(db, keys);
    if (wait > 0) return loginForm(request, reply, uid, login, t('signin.wait-seconds', { count: wait }));
    await countFailure(db, keys);
    const code = await storeCode(db, slot(uid), account?.id ?? null);
    await audit(db, { action: 'account.reset-requested', subject: account?.id ?? null, ip: request.ip, detail: { known: Boolean(account) } });
    if (account?.phone) {
      try {
        await sms.send(account.phone, translator(isLocale(account.locale) ? account.locale : request.locale)('reset.sms-text', { code }));
      } catch (error) {
        // Said to nobody: a failure shown here would tell that the account exists.
        request.log.warn({ err: (error as Error).message }, 'reset code not sent');
      }
    }
    return codeStep(request, reply, uid);
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/reset/code', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const result = await checkCode(db, slot(uid), field(request.body, 'code', 20));
    if (result.status === 'wrong') {
      await audit(db, { action: 'account.reset-code-failed', ip: request.ip });
      return codeStep(request, reply, uid, translator(request.locale)('signin.code-wrong'));
    }
    if (result.status === 'expired') return stepExpired(page, request, reply, base(uid));
    return passwordStep(request, reply, uid);
  });

  app.post<{ Params: Params }>('/oidc/interaction/:uid/reset/password', POST_OPTIONS, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const uid = interaction.uid;
    const personId = await confirmedPerson(db, slot(uid));
    if (!personId) return stepExpired(page, request, reply, base(uid));
    const password = field(request.body, 'password', 1000, false);
    const errors = passwordErrors(translator(request.locale), password, field(request.body, 'confirm', 1000, false));
    if (hasErrors(errors)) return passwordStep(request, reply, uid, errors);
    const passwordHash = await hashPassword(password);
    const changed = await db.transaction().execute(async (trx) => {
      if (!(await closeStep(trx, slot(uid), personId))) return false;
      const result = await trx.updateTable('identity_account').set({ password_hash: passwordHash }).where('person_id', '=', personId).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await audit(trx, { actor: personId, action: 'account.password-reset', subject: personId, ip: request.ip });
      return true;
    });
    if (!changed) return stepExpired(page, request, reply, base(uid));
    await revokeAllSessions(db, personId);
    await revokeProviderSessions(db, personId);
    await clearFailures(db, [limits.account(personId)]);
    return reply.header('cache-control', 'no-store').redirect(`/oidc/interaction/${uid}?reset=done`, 303);
  });
}
