import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../platform/index.js';
import { startTelegramStandin, TelegramBot } from './telegram/index.js';

export interface TelegramChannel {
  bot: TelegramBot;
  /** The bot's username, for the `https://t.me/<username>?start=<code>` deep link. */
  username: string;
  /** What Telegram sends in `X-Telegram-Bot-Api-Secret-Token` with every update. */
  webhookSecret: string;
  /** Outside production, where the stand-in shows the messages the bot sent. */
  inboxUrl?: string;
  close(): Promise<void>;
}

/**
 * The Telegram bot of this installation: the Bot API at TELEGRAM_API_URL, or, outside
 * production with none configured, a local stand-in of the Bot API on a free port. Either
 * way the bot's webhook is pointed at `PUBLIC_URL/telegram/webhook`; in production with no
 * bot configured there is no channel (undefined) and the cabinet offers no Telegram.
 */
export async function openTelegramChannel(config: Config, log?: Logger): Promise<TelegramChannel | undefined> {
  const webhookUrl = `${config.publicUrl}/telegram/webhook`;
  if (config.TELEGRAM_API_URL) {
    const bot = new TelegramBot({ apiUrl: config.TELEGRAM_API_URL, token: config.TELEGRAM_BOT_TOKEN! });
    const webhookSecret = config.TELEGRAM_WEBHOOK_SECRET!;
    // Best effort: Telegram may be unreachable at start; the operator can set the webhook later.
    await bot.setWebhook(webhookUrl, webhookSecret).catch((error: Error) => log?.warn({ err: error.message }, 'Telegram webhook not set'));
    return { bot, username: config.TELEGRAM_BOT_USERNAME!, webhookSecret, close: async () => {} };
  }
  if (config.production) return undefined;
  const token = `${randomInt(100_000_000, 999_999_999)}:${randomBytes(24).toString('base64url')}`;
  const username = config.TELEGRAM_BOT_USERNAME ?? 'darcha_demo_bot';
  const webhookSecret = config.TELEGRAM_WEBHOOK_SECRET ?? randomBytes(24).toString('base64url');
  const standin = await startTelegramStandin({ token, username });
  const bot = new TelegramBot({ apiUrl: standin.url, token });
  await bot.setWebhook(webhookUrl, webhookSecret);
  return { bot, username, webhookSecret, inboxUrl: `${standin.url}/standin/messages`, close: () => standin.close() };
}
