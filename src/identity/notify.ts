import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { sql, type RawBuilder } from 'kysely';
import { DEFAULT_LOCALE, isLocale, t, type Db, type OutboxHandler, type Params } from '../platform/index.js';
import type { SmsSender } from './oidc/interactions.js';
import { MailError, type SmtpMailer } from './email/index.js';
import { SmsError } from './sms/index.js';
import { TELEGRAM_REPLY_TOPIC, TelegramError, type TelegramBot } from './telegram/index.js';

/** The outbox topics of the identity module's messages: notifications, and the bot's answers. */
export const NOTIFY_TOPIC = 'identity.notify';
export { TELEGRAM_REPLY_TOPIC };

/** Where a notification may go besides the cabinet; the person chooses in the settings. */
export const CHANNELS = ['sms', 'email', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Notification {
  personId: string;
  /** When the notification concerns a business the person acts for. */
  businessId?: string | null;
  /** A message key of the locale catalogues; each reader sees it in their own language. */
  messageKey: string;
  params?: Params;
  /** A page of the portal, as a path after the locale prefix (`/cabinet/applications`). */
  link?: string | null;
}

const KEY = /^[a-z0-9][a-z0-9._-]{0,119}$/i;
const LINK = /^\/(?!\/)[^\s\\]{0,499}$/;

/**
 * Tells a person something: the cabinet lists it at once, and after commit it goes out by SMS
 * Telegram and e-mail as the person chose. Pass the transaction that made
 * the change, so that nobody is told of something rolled back; each channel is an outbox event
 * of its own, retried on failure without sending twice through the others.
 * @example await notify(trx, { personId, messageKey: 'mycab.notice.welcome', params: { name: 'Aziz' }, link: '/cabinet' });
 */
export async function notify(db: Db, notification: Notification): Promise<number> {
  const { params = {}, link = null } = notification;
  // Mistakes of the calling module, not of a user: they fail loudly.
  if (link !== null && !LINK.test(link)) throw new TypeError('notify: link must be a path of the portal after the locale, e.g. /cabinet');
  if (Object.values(params).some((v) => typeof v !== 'string' && typeof v !== 'number')) throw new TypeError('notify: params must be strings or numbers');
  // One statement: notifications are written inside other modules' hot transactions (a submission).
  const { rows } = await sql<{ id: string }>`
    with notify_when as (select 1), ${notifySteps({ ...notification, params: sql`${JSON.stringify(params)}::jsonb`, link: sql`${link}::text`, when: 'notify_when' })}
    select id from notify_kept`.execute(db);
  if (!rows[0]) throw new TypeError(`notify: no person ${notification.personId}`);
  return Number(rows[0].id);
}

/**
 * notify() as the steps of another module's statement, for a change that is itself one
 * statement (filing an appeal): a notification for each row of the step named `when`, with
 * params and link as SQL over that row's columns. Adds the steps notify_person, notify_kept
 * (the notification's id) and notify_queued, each followed by a comma but the last.
 * @example sql`with made as (insert … returning id, number), ${notifySteps({ personId, messageKey, params: sql`jsonb_build_object('number', made.number)`, link: sql`'/cabinet/appeals/' || made.id`, when: 'made' })} select number from made`
 */
export function notifySteps(n: { personId: string; businessId?: string | null; messageKey: string; params: RawBuilder<unknown>; link: RawBuilder<unknown>; when: string }): RawBuilder<unknown> {
  if (!KEY.test(n.messageKey)) throw new TypeError(`notify: not a message key: ${JSON.stringify(n.messageKey)}`);
  if (!/^[a-z_]+$/.test(n.when)) throw new TypeError('notify: when must name a step of the statement');
  // The channels an event is queued for: SMS and Telegram (the sender checks phone and chat at
  // sending time), e-mail only with an address.
  return sql`
    notify_person as (select channels, email from identity_person where id = ${n.personId}),
    notify_kept as (
      insert into identity_notification (person_id, business_id, message_key, params, link, read_at)
      select ${n.personId}, ${n.businessId ?? null}, ${n.messageKey}, ${n.params}, ${n.link}, null from notify_person, ${sql.table(n.when)}
      returning id
    ), notify_queued as (
      insert into outbox (topic, payload)
      select ${NOTIFY_TOPIC}, jsonb_build_object('notificationId', notify_kept.id, 'channel', c.channel)
      from notify_kept, notify_person, jsonb_array_elements_text(notify_person.channels) as c(channel)
      where c.channel in ('sms', 'telegram') or (c.channel = 'email' and notify_person.email is not null)
    )`;
}

export interface NotificationRow { id: number; at: Date; message_key: string; params: Params; link: string | null; read_at: Date | null; business_id: string | null }

/** A person's notifications, newest first, a page at a time (past the last page: the last); with how many there are and how many are unread. */
export async function notificationsOf(db: Db, personId: string, want: { page: number; size: number }): Promise<{ rows: NotificationRow[]; total: number; unread: number; page: number; pages: number }> {
  const counts = await countNotifications(db, personId);
  const pages = Math.max(1, Math.ceil(counts.total / want.size));
  const page = Math.min(Math.max(1, want.page), pages);
  const rows = await db.selectFrom('identity_notification').select(['id', 'at', 'message_key', 'params', 'link', 'read_at', 'business_id'])
    .where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').limit(want.size).offset((page - 1) * want.size).execute();
  return { rows: rows.map((r) => ({ ...r, id: Number(r.id) })), ...counts, page, pages };
}

export async function countNotifications(db: Db, personId: string): Promise<{ total: number; unread: number }> {
  const row = await db.selectFrom('identity_notification')
    .select([sql<number>`count(*)`.as('total'), sql<number>`count(*) filter (where read_at is null)`.as('unread')])
    .where('person_id', '=', personId).executeTakeFirstOrThrow();
  return { total: Number(row.total), unread: Number(row.unread) };
}

/** Marks all of a person's notifications read; how many were unread. */
export async function markAllRead(db: Db, personId: string): Promise<number> {
  const result = await db.updateTable('identity_notification').set({ read_at: sql<Date>`now()` })
    .where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

interface NotificationToSend { message_key: string; params: Params; link: string | null; locale: string | null; phone: string | null; telegram_chat_id: string | null; email: string | null }

export interface SenderDeps { db: Db; sms?: SmsSender; telegram?: TelegramBot; mailer?: SmtpMailer; publicUrl: string; log: Logger }

/**
 * Delivers one notification through one channel, in the person's preferred language, to the
 * phone or chat they have at sending time. A failure worth retrying is thrown (the outbox
 * tries again later); one that cannot succeed (a number that is not a mobile number, a chat
 * that blocked the bot) is logged and dropped.
 */
export function notificationSender(deps: SenderDeps): OutboxHandler {
  const { db, sms, telegram, mailer, publicUrl, log } = deps;
  // The outbox hands out its events fifty at a time, all at once: their notifications are read
  // in one query rather than one each (a round trip per event, as many as the submissions).
  const notifications = new DataLoader<number, NotificationToSend | undefined>(async (ids) => {
    const rows = await db.selectFrom('identity_notification').innerJoin('identity_person', 'identity_person.id', 'identity_notification.person_id')
      .select(['identity_notification.id', 'identity_notification.message_key', 'identity_notification.params', 'identity_notification.link', 'identity_person.locale', 'identity_person.phone', 'identity_person.telegram_chat_id', 'identity_person.email'])
      .where('identity_notification.id', '=', sql<number>`any(${[...ids]}::bigint[])`).execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.map((id) => byId.get(id));
  }, { cache: false, maxBatchSize: 100 });
  return async (payload: { notificationId: number; channel: Channel }) => {
    const row = await notifications.load(payload.notificationId);
    if (!row) return;
    const locale = isLocale(row.locale) ? row.locale : DEFAULT_LOCALE;
    const text = t(locale, row.message_key, row.params);
    try {
      if (payload.channel === 'sms' && row.phone) {
        if (!sms) throw new Error('no SMS sender configured');
        await sms.send(row.phone, `${t(locale, 'common.site-name')}: ${text}`);
      } else if (payload.channel === 'telegram' && row.telegram_chat_id) {
        if (!telegram) { log.warn({ notification: payload.notificationId }, 'no Telegram bot configured; notification not sent there'); return; }
        await telegram.sendMessage(row.telegram_chat_id, row.link ? `${text}\n${publicUrl}/${locale}${row.link}` : text);
      } else if (payload.channel === 'email' && row.email) {
        if (!mailer) { log.warn({ notification: payload.notificationId }, 'no mail relay configured; notification not sent by e-mail'); return; }
        const site = t(locale, 'common.site-name');
        const body = [text, row.link ? `${publicUrl}/${locale}${row.link}` : null, '', `— ${site}`, t(locale, 'mycab.notice.email-footer', { url: `${publicUrl}/${locale}/cabinet/settings` })];
        await mailer.send({ to: row.email, subject: `${site}: ${oneLine(text)}`, text: body.filter((l) => l !== null).join('\n') });
      }
    } catch (error) {
      if ((error instanceof SmsError && error.kind === 'invalid-phone') || (error instanceof TelegramError && error.kind === 'rejected') || (error instanceof MailError && error.kind === 'rejected')) {
        log.warn({ notification: payload.notificationId, channel: payload.channel, err: error.reason }, 'notification cannot be delivered; dropped');
        return;
      }
      throw error;
    }
  };
}

/** Sends a reply of the bot (queued by the webhook, so that Telegram gets its answer at once). */
export function telegramReplySender(deps: { telegram: TelegramBot; log: Logger }): OutboxHandler {
  return async (payload: { chatId: string; text: string }) => {
    try {
      await deps.telegram.sendMessage(payload.chatId, payload.text);
    } catch (error) {
      if (error instanceof TelegramError && error.kind === 'rejected') { deps.log.warn({ err: error.reason }, 'bot reply cannot be delivered; dropped'); return; }
      throw error;
    }
  };
}

/** A subject line: no line breaks, at most 120 characters. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
