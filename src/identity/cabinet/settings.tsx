import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { AppError, isLocale, LOCALE_INFO, LOCALES, translator, type Db, type Locale, type Translate } from '../../platform/index.js';
import { Button, ErrorSummary, Field, Select } from '../../web/index.js';
import { principal } from '../access.js';
import { audit } from '../identity.store.js';
import { CHANNELS, countNotifications, type Channel } from '../notify.js';
import type { Sessions } from '../sessions.js';
import { issueLinkCode, LINK_CODE_TTL_MINUTES } from '../telegram/index.js';
import type { TelegramChannel } from '../telegram-channel.js';
import { sendCabinetPage } from './nav.js';

const EMAIL = /^[^\s@"<>()[\],;:\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

interface Values { locale: string; channels: string[]; email: string }
type Errors = Partial<Record<'locale' | 'channels' | 'email', string>>;
interface Stored { locale: string; channels: string[]; email: string | null; phone: string | null; telegram_chat_id: string | null }

/** A form field that may come once (a string) or repeated (an array); anything else is not from our form. */
function list(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length <= 10 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/** What the person asked for, checked: the errors name the fields, in the page's language. */
export function checkSettings(body: Record<string, unknown>, stored: Pick<Stored, 'phone' | 'telegram_chat_id'>, t: Translate): { values: Values; errors: Errors } {
  const errors: Errors = {};
  const channels = list(body.channels);
  const locale = typeof body.locale === 'string' ? body.locale : '';
  const email = typeof body.email === 'string' ? body.email.trim() : '';
  if (channels === undefined || (body.locale !== undefined && typeof body.locale !== 'string') || (body.email !== undefined && typeof body.email !== 'string')) {
    throw new AppError('bad-request', 400);
  }
  const chosen = [...new Set(channels)];
  if (!isLocale(locale)) errors.locale = t('mycab.settings.error.locale');
  if (email && (email.length > 254 || !EMAIL.test(email))) errors.email = t('mycab.settings.error.email');
  else if (!email && chosen.includes('email')) errors.email = t('mycab.settings.error.email-needed');
  if (chosen.some((c) => !(CHANNELS as readonly string[]).includes(c))) errors.channels = t('mycab.settings.error.channel');
  else if (chosen.includes('telegram') && !stored.telegram_chat_id) errors.channels = t('mycab.settings.error.telegram');
  else if (chosen.includes('sms') && !stored.phone) errors.channels = t('mycab.settings.error.phone');
  return { values: { locale, channels: chosen, email: email.slice(0, 254) }, errors };
}

/**
 * Settings: preferred language (of SMS and Telegram texts), notification channels, email; and
 * linking a Telegram chat through the bot (a one-time code in a deep link), or unlinking it.
 */
export function settingsRoutes(app: FastifyInstance, deps: { db: Db; sessions: Sessions; telegram?: TelegramChannel }): void {
  const { db, sessions, telegram } = deps;
  const load = (personId: string): Promise<Stored> => db.selectFrom('identity_person')
    .select(['locale', 'channels', 'email', 'phone', 'telegram_chat_id']).where('id', '=', personId).executeTakeFirstOrThrow();

  async function page(request: FastifyRequest, reply: FastifyReply, state: { values?: Values; errors?: Errors; code?: { code: string; link: string }; status?: number; notice?: string } = {}) {
    const l = request.locale;
    const t = translator(l);
    const personId = principal(request).person.id;
    const stored = await load(personId);
    const { unread } = await countNotifications(db, personId);
    const values = state.values ?? { locale: stored.locale, channels: stored.channels, email: stored.email ?? '' };
    const errors = state.errors ?? {};
    const csrf = reply.csrfToken();
    const linked = !!stored.telegram_chat_id;
    const channelHint: Record<Channel, string> = {
      sms: stored.phone ? t('mycab.settings.sms-to', { phone: `+${stored.phone}` }) : t('mycab.settings.no-phone'),
      email: t('mycab.settings.email-to'),
      telegram: linked ? t('mycab.settings.telegram-linked') : t('mycab.settings.telegram-first'),
    };
    return sendCabinetPage(request, reply, {
      section: 'settings', title: t('mycab.settings.title'), unread, status: state.status, children: <>
        <h1>{t('mycab.settings.title')}</h1>
        {state.notice && <p class="notice" role="status">{state.notice}</p>}
        <ErrorSummary title={t('mycab.settings.problem')} errors={(Object.entries(errors) as [string, string][]).map(([k, v]) => ({ href: `#${k === 'channels' ? 'channel-sms' : k}`, text: v }))} />
        <form method="post" action={`/${l}/cabinet/settings`} class="panel" novalidate>
          <h2>{t('mycab.settings.notifications')}</h2>
          <input type="hidden" name="_csrf" value={csrf} />
          {errors.locale && <p class="field__error" id="locale-error">{errors.locale}</p>}
          <Select name="locale" label={t('mycab.settings.locale')} value={values.locale}
            options={LOCALES.map((x) => ({ value: x, label: LOCALE_INFO[x].name }))} />
          {/* Not a `.field`: its rules would stretch the checkboxes to full width. */}
          <fieldset aria-describedby={errors.channels ? 'channels-error' : 'channels-hint'}>
            <legend><strong>{t('mycab.settings.channels')}</strong></legend>
            <p class="field__hint" id="channels-hint">{t('mycab.settings.channels-hint')}</p>
            {errors.channels && <p class="field__error" id="channels-error">{errors.channels}</p>}
            {CHANNELS.filter((c) => c !== 'telegram' || telegram || linked).map((c) => {
              const disabled = c === 'telegram' && !linked && !values.channels.includes('telegram');
              return (
                <div class="checkbox" key={c}>
                  <input type="checkbox" id={`channel-${c}`} name="channels" value={c} checked={values.channels.includes(c)} disabled={disabled}
                    aria-describedby={`channel-${c}-hint`} />
                  {' '}<label for={`channel-${c}`}>{t(`mycab.settings.channel.${c}`)}</label>
                  {' '}<span class="field__hint" id={`channel-${c}-hint`}>{channelHint[c]}</span>
                </div>
              );
            })}
          </fieldset>
          <Field name="email" type="email" label={t('mycab.settings.email')} hint={t('mycab.settings.email-hint')} value={values.email} error={errors.email} autocomplete="email" />
          <Button>{t('mycab.settings.save')}</Button>
        </form>
        {telegram && (
          <section class="panel" aria-labelledby="telegram">
            <h2 id="telegram">{t('mycab.telegram.title')}</h2>
            {linked ? <>
              <p>{t('mycab.telegram.linked')}</p>
              <form method="post" action={`/${l}/cabinet/settings/telegram/unlink`}>
                <input type="hidden" name="_csrf" value={csrf} />
                <button class="button button--secondary" type="submit">{t('mycab.telegram.unlink')}</button>
              </form>
            </> : state.code ? <>
              <p>{t('mycab.telegram.open', { minutes: LINK_CODE_TTL_MINUTES })}</p>
              <p><a class="button" href={state.code.link} rel="noopener">{t('mycab.telegram.open-bot', { bot: `@${telegram.username}` })}</a></p>
              <p>{t('mycab.telegram.or-send', { bot: `@${telegram.username}` })} <code id="telegram-code">/start {state.code.code}</code></p>
            </> : <>
              <p>{t('mycab.telegram.why')}</p>
              <form method="post" action={`/${l}/cabinet/settings/telegram`}>
                <input type="hidden" name="_csrf" value={csrf} />
                <button class="button" type="submit">{t('mycab.telegram.link')}</button>
              </form>
            </>}
            {telegram.inboxUrl && <p class="notice">{t('mycab.telegram.demo')} <a href={telegram.inboxUrl}>{telegram.inboxUrl}</a></p>}
          </section>
        )}
      </>,
    });
  }

  for (const l of LOCALES) {
    app.get<{ Querystring: { saved?: string } }>(`/${l}/cabinet/settings`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) =>
      page(request, reply, { notice: request.query.saved === '1' ? translator(l)('mycab.settings.saved') : undefined }));

    app.post<{ Body: Record<string, unknown> }>(`/${l}/cabinet/settings`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const person = principal(request).person;
      const before = await load(person.id);
      const { values, errors } = checkSettings(typeof request.body === 'object' && request.body !== null ? request.body : {}, before, translator(l));
      if (Object.keys(errors).length > 0) return page(request, reply, { values, errors, status: 400 });
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('identity_person')
          .set({ locale: values.locale as Locale, channels: JSON.stringify(values.channels), email: values.email || null })
          .where('id', '=', person.id).execute();
        await audit(trx, {
          actor: person.id, action: 'settings.changed', subject: person.id, ip: request.ip,
          detail: { locale: values.locale, channels: values.channels, emailChanged: (before.email ?? '') !== values.email },
        });
      });
      // The session holds the person (language, email): every process reloads it.
      await sessions.changed(person.id);
      return reply.redirect(`/${l}/cabinet/settings?saved=1`, 303);
    });

    if (!telegram) continue;

    // The code is shown once, on this answer: only its hash is kept.
    app.post(`/${l}/cabinet/settings/telegram`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const person = principal(request).person;
      if ((await load(person.id)).telegram_chat_id) return reply.redirect(`/${l}/cabinet/settings`, 303); // unlink first
      const { code } = await issueLinkCode(db, person.id);
      await audit(db, { actor: person.id, action: 'telegram.code-issued', subject: person.id, ip: request.ip });
      return page(request, reply, { code: { code, link: `https://t.me/${telegram.username}?start=${code}` } });
    });

    app.post(`/${l}/cabinet/settings/telegram/unlink`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const person = principal(request).person;
      await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('identity_person')
          .set({ telegram_chat_id: null, channels: sql`channels - 'telegram'` })
          .where('id', '=', person.id).where('telegram_chat_id', 'is not', null).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) await audit(trx, { actor: person.id, action: 'telegram.unlinked', subject: person.id, ip: request.ip });
      });
      return reply.redirect(`/${l}/cabinet/settings`, 303);
    });
  }
}
