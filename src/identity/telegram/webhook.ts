import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { AppError, DEFAULT_LOCALE, enqueue, isLocale, localeFromAcceptLanguage, t, type Db, type Locale } from '../../platform/index.js';
import { audit, sha256 } from '../identity.store.js';

export const LINK_CODE_TTL_MINUTES = 15;
/** The outbox topic of the bot's answers (sent by `telegramReplySender`). */
export const TELEGRAM_REPLY_TOPIC = 'identity.telegram-reply';

/**
 * A one-time code that links a Telegram chat to the person: stored hashed, valid 15 minutes;
 * making a new one drops the person's older ones. The code goes in the bot's deep link
 * (`?start=<code>`, which takes up to 64 of `A-Za-z0-9_-`).
 */
export async function issueLinkCode(db: Db, personId: string): Promise<{ code: string; expiresAt: Date }> {
  const code = randomBytes(12).toString('base64url');
  const expiresAt = new Date(Date.now() + LINK_CODE_TTL_MINUTES * 60_000);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('identity_telegram_link').where('person_id', '=', personId).execute();
    await trx.insertInto('identity_telegram_link').values({ code_hash: sha256(code), person_id: personId, expires_at: expiresAt }).execute();
  });
  return { code, expiresAt };
}

/** The parts of a Telegram Update we read (https://core.telegram.org/bots/api#update). */
interface Update {
  update_id: number;
  message?: { chat: { id: number; type: string }; from?: { language_code?: string }; text?: string };
}

/** The Update, or undefined when the body is not one. Updates of other kinds pass with no message. */
function readUpdate(body: unknown): Update | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { update_id: updateId, message } = body as Record<string, unknown>;
  if (!Number.isSafeInteger(updateId)) return undefined;
  if (message === undefined) return { update_id: updateId as number };
  if (typeof message !== 'object' || message === null) return undefined;
  const { chat, from, text } = message as Record<string, unknown>;
  const { id, type } = (typeof chat === 'object' && chat !== null ? chat : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(id) || typeof type !== 'string') return undefined;
  if (text !== undefined && typeof text !== 'string') return undefined;
  const language = typeof from === 'object' && from !== null ? (from as Record<string, unknown>).language_code : undefined;
  return { update_id: updateId as number, message: { chat: { id: id as number, type }, from: { language_code: typeof language === 'string' ? language : undefined }, text } };
}

const digest = (value: string) => createHash('sha256').update(value).digest();
const START = /^\/start(?:@[A-Za-z0-9_]+)?(?:\s+([A-Za-z0-9_-]{1,64}))?\s*$/;

type Outcome = 'linked' | 'unknown' | 'expired' | 'taken' | 'already' | 'help' | 'private-only';

/**
 * Telegram's updates for the bot, by webhook: `/start <code>` from a private chat links it to
 * the person who made the code. The secret token proves the caller is Telegram; every
 * well-formed update gets 200 at once (the bot's answer is queued), or Telegram sends it again.
 */
export function telegramRoutes(app: FastifyInstance, deps: { db: Db; webhookSecret: string }): void {
  const { db } = deps;
  const secret = digest(deps.webhookSecret);

  app.post('/telegram/webhook', { bodyLimit: 64 * 1024, schema: { hide: true }, config: { access: 'public', csrf: false } }, async (request, reply) => {
    const given = request.headers['x-telegram-bot-api-secret-token'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), secret)) throw new AppError('unauthorized', 401);
    const update = readUpdate(request.body);
    if (!update) throw new AppError('bad-request', 400);
    const message = update.message;
    if (!message || message.text === undefined) return reply.code(200).send();

    const chatId = String(message.chat.id);
    const start = START.exec(message.text.trim());
    let locale: Locale = localeFromAcceptLanguage(message.from?.language_code) ?? DEFAULT_LOCALE;
    const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
      const holder = await trx.selectFrom('identity_person').select(['id', 'locale']).where('telegram_chat_id', '=', chatId).executeTakeFirst();
      if (message.chat.type !== 'private') return 'private-only';
      if (!start?.[1]) return 'help';
      // Taking the code and linking are one step: a code replayed (or sent twice at once) links once.
      const code = await trx.deleteFrom('identity_telegram_link').where('code_hash', '=', sha256(start[1]))
        .returning(['person_id', 'expires_at']).executeTakeFirst();
      if (!code) return holder ? 'already' : 'unknown';
      if (new Date(code.expires_at).getTime() <= Date.now()) return 'expired';
      if (holder && holder.id !== code.person_id) return 'taken';
      const person = await trx.updateTable('identity_person')
        .set({ telegram_chat_id: chatId, channels: sql`case when channels ? 'telegram' then channels else channels || '["telegram"]'::jsonb end` })
        .where('id', '=', code.person_id).returning(['locale']).executeTakeFirstOrThrow();
      if (isLocale(person.locale)) locale = person.locale;
      await audit(trx, { actor: code.person_id, action: 'telegram.linked', subject: code.person_id, ip: request.ip, detail: { chatId } });
      return 'linked';
    }).catch((error: { code?: string }) => {
      // Another person's code linked this chat at the same moment: the unique chat id refused ours.
      if (error.code === '23505') return 'taken' as const;
      throw error;
    });
    if (outcome !== 'linked') {
      // The person's own language when the chat is theirs already.
      const holder = await db.selectFrom('identity_person').select('locale').where('telegram_chat_id', '=', chatId).executeTakeFirst();
      if (holder && isLocale(holder.locale)) locale = holder.locale;
    }
    await enqueue(db, TELEGRAM_REPLY_TOPIC, { chatId, text: t(locale, `tgbot.${outcome}`, { minutes: LINK_CODE_TTL_MINUTES }) });
    return reply.code(200).send();
  });
}
