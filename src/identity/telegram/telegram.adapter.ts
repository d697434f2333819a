// Notifications and the chat-linking bot go through the Telegram Bot API
// (https://core.telegram.org/bots/api): `POST {api}/bot<token>/<method>` with a JSON body;
// every answer is `{ ok: true, result }` or `{ ok: false, error_code, description,
// parameters?: { retry_after } }`. Updates come to us by webhook (`setWebhook` with a
// `secret_token` that Telegram echoes in `X-Telegram-Bot-Api-Secret-Token`).
import { AppError } from '../../platform/index.js';
import { undici } from '../undici.js';

/**
 * Why a call failed: Telegram is unreachable, failing or asks us to wait (`unavailable`, worth
 * retrying); it refused the call for good, e.g. the chat is unknown or blocked the bot (`rejected`).
 */
export type TelegramErrorKind = 'unavailable' | 'rejected';

/** A failed Bot API call; code `telegram.<kind>`. Never carries the token. */
export class TelegramError extends AppError {
  constructor(
    readonly kind: TelegramErrorKind,
    /** For the log: Telegram's description, or `timeout`, `network`, `bad-response`, `HTTP <status>`. */
    readonly reason: string,
    /** Telegram's error_code, when it answered. */
    readonly errorCode?: number,
  ) {
    super(`telegram.${kind}`, kind === 'unavailable' ? 503 : 502);
    this.name = 'TelegramError';
  }
}

export interface TelegramBotOptions {
  /** Bot API base, default `https://api.telegram.org`; the stand-in's `url` in demo and tests. */
  apiUrl?: string;
  /** The bot's token from @BotFather, `123456:ABC…`. */
  token: string;
  /** Budget for one call; default 5000 ms. */
  timeoutMs?: number;
}

export interface SentMessage { message_id: number; date: number; chat: { id: number }; text?: string }
export interface BotUser { id: number; is_bot: boolean; first_name: string; username?: string }

/**
 * A Telegram bot: sends messages and manages its webhook.
 * @example
 * const bot = new TelegramBot({ token });
 * await bot.sendMessage(123456789, 'Darcha: your application was accepted'); // throws TelegramError
 */
export class TelegramBot {
  private readonly base: string;

  constructor(private readonly options: TelegramBotOptions) {
    this.base = `${(options.apiUrl ?? 'https://api.telegram.org').replace(/\/$/, '')}/bot${options.token}`;
  }

  /** Sends plain text (up to 4096 characters, longer is cut) to a chat. */
  sendMessage(chatId: number | string, text: string): Promise<SentMessage> {
    return this.call<SentMessage>('sendMessage', { chat_id: chatId, text: text.slice(0, 4096) });
  }

  getMe(): Promise<BotUser> {
    return this.call<BotUser>('getMe');
  }

  /** Points Telegram's updates at `url`; Telegram then sends `secretToken` with each. */
  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call<boolean>('setWebhook', { url, secret_token: secretToken, allowed_updates: ['message'] });
  }

  private async call<T>(method: string, body?: Record<string, unknown>): Promise<T> {
    let status: number, text: string;
    try {
      // undici's request rather than fetch: a fifth of the CPU per message (see the SMS adapter).
      const response = await (await undici()).request(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new TelegramError('unavailable', (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    let answer: { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown } | undefined;
    try { answer = JSON.parse(text); } catch { answer = undefined; }
    if (answer?.ok === true && 'result' in answer) return answer.result as T;
    const code = typeof answer?.error_code === 'number' ? answer.error_code : status;
    const reason = typeof answer?.description === 'string' ? answer.description.slice(0, 200) : answer ? `HTTP ${status}` : 'bad-response';
    // 400 (chat not found, text empty) and 403 (blocked by the user) will not change by retrying;
    // 401 (a wrong token), 429 (flood control) and 5xx may, once the operator or Telegram recovers.
    throw new TelegramError(code === 400 || code === 403 ? 'rejected' : 'unavailable', reason, code);
  }
}
