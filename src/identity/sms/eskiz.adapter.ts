// Sign-in codes and notifications go out through Eskiz.uz (notify.eskiz.uz), the SMS gateway
// most Uzbek services use. Its API: `POST /api/auth/login` (email, password) → a bearer token
// valid 30 days; `POST /api/message/sms/send` (mobile_phone 998XXXXXXXXX, message, from,
// callback_url) → `{ id, message, status: 'waiting' }`; `GET /api/message/sms/status_by_id/{id}`.
// Fields go urlencoded (Eskiz documents multipart/form-data and takes urlencoded and JSON as
// well, which its widely used clients send), through undici's request: fetch cost ~400 µs of
// CPU a message, a notification's whole cost.
import type { Dispatcher } from 'undici';
import { AppError } from '../../platform/index.js';
import { undici } from '../undici.js';

/** Why a message was not sent: the gateway is unreachable or failing, it refused our call (credentials, sender name, text), or the number is not an Uzbek mobile number. */
export type SmsErrorKind = 'unavailable' | 'rejected' | 'invalid-phone';

const STATUS: Record<SmsErrorKind, number> = { unavailable: 503, rejected: 502, 'invalid-phone': 422 };

/** A message that was not sent; code `sms.<kind>` for the one error handler. Never carries the password, the token or the text. */
export class SmsError extends AppError {
  constructor(
    readonly kind: SmsErrorKind,
    /** For the log: Eskiz's message, or `timeout`, `network`, `bad-response`, `HTTP <status>`. */
    readonly reason: string,
  ) {
    super(`sms.${kind}`, STATUS[kind]);
    this.name = 'SmsError';
  }
}

/**
 * An Uzbek mobile number as Eskiz wants it, `998XXXXXXXXX`, from what people type:
 * `+998 90 123-45-67`, `998901234567`, `(90) 123 45 67`, `901234567`. Throws SmsError('invalid-phone').
 * @example normalizePhone('+998 90 123-45-67') // '998901234567'
 */
export function normalizePhone(input: string): string {
  const compact = input.trim().replace(/[\s\-().]/g, '');
  const match = /^(?:\+?998)?([1-9]\d{8})$/.exec(compact);
  // A leading + must be followed by the country code: "+901234567" is some other country.
  if (!match || (compact.startsWith('+') && !compact.startsWith('+998'))) throw new SmsError('invalid-phone', 'format');
  return `998${match[1]}`;
}

export interface EskizOptions {
  /** Gateway base, default `https://notify.eskiz.uz`; the stand-in's `url` in demo and tests. */
  url?: string;
  email: string;
  password: string;
  /** Sender name (nick) assigned to the account; Eskiz's shared one, `4546`, by default. */
  from?: string;
  /** Where Eskiz posts delivery reports, if anywhere. */
  callbackUrl?: string;
  /** Budget for one `send` or `status` call, login and retry included; default 5000 ms. */
  timeoutMs?: number;
}

interface Answer { status: number; body: Record<string, unknown> }

/**
 * Sends SMS through Eskiz.uz. Logs in on first use and again, once, when a call is refused
 * with 401 (the token expired or was revoked); `/auth/refresh` is not used because it needs
 * a token that is still valid, and a login works in every case.
 * @example
 * const sms = new EskizSmsSender({ url, email, password });
 * const { id } = await sms.send('+998 90 123 45 67', 'Darcha: 123456'); // throws SmsError
 */
export class EskizSmsSender {
  private readonly base: string;
  private token?: Promise<string>;

  constructor(private readonly options: EskizOptions) {
    this.base = (options.url ?? 'https://notify.eskiz.uz').replace(/\/$/, '');
  }

  /** Sends `text` to `phone` (any form `normalizePhone` takes); Eskiz's request id. Throws SmsError. */
  async send(phone: string, text: string): Promise<{ id: string }> {
    const form = new URLSearchParams();
    form.set('mobile_phone', normalizePhone(phone));
    form.set('message', text);
    form.set('from', this.options.from ?? '4546');
    if (this.options.callbackUrl) form.set('callback_url', this.options.callbackUrl);
    const { body } = await this.authorised('POST', '/api/message/sms/send', form);
    if (typeof body.id !== 'string' && typeof body.id !== 'number') throw new SmsError('unavailable', 'bad-response');
    return { id: String(body.id) };
  }

  /** Delivery status of a sent message (`NEW`, `ACCEPTED`, `DELIVERED`, `REJECTED`, …). Throws SmsError. */
  async status(id: string): Promise<string> {
    const { body } = await this.authorised('GET', `/api/message/sms/status_by_id/${encodeURIComponent(id)}`);
    const status = (body.data as { status?: unknown } | undefined)?.status;
    if (typeof status !== 'string') throw new SmsError('unavailable', 'bad-response');
    return status;
  }

  private async authorised(method: string, path: string, form?: URLSearchParams): Promise<Answer> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 5000);
    for (let attempt = 0; ; attempt++) {
      const token = this.token ?? (this.token = this.login(signal));
      let bearer: string;
      try { bearer = await token; } catch (error) {
        if (this.token === token) this.token = undefined; // the next call tries again
        throw error;
      }
      const answer = await this.call(method, path, form, signal, bearer);
      if (answer.status === 401 && attempt === 0) {
        if (this.token === token) this.token = undefined;
        continue;
      }
      return check(answer);
    }
  }

  private async login(signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams();
    form.set('email', this.options.email);
    form.set('password', this.options.password);
    const { body } = check(await this.call('POST', '/api/auth/login', form, signal));
    const token = (body.data as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) throw new SmsError('unavailable', 'bad-response');
    return token;
  }

  private async call(method: string, path: string, form: URLSearchParams | undefined, signal: AbortSignal, bearer?: string): Promise<Answer> {
    let status: number, text: string;
    try {
      const response = await (await undici()).request(`${this.base}${path}`, {
        method: method as Dispatcher.HttpMethod, signal, body: form?.toString(),
        headers: { accept: 'application/json', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new SmsError('unavailable', (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    let body: unknown;
    try { body = JSON.parse(text); } catch { body = undefined; }
    if (status >= 200 && status < 300 && (typeof body !== 'object' || body === null)) throw new SmsError('unavailable', 'bad-response');
    return { status, body: (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown> };
  }
}

/** Turns an error answer into SmsError; a success passes through. */
function check(answer: Answer): Answer {
  const { status, body } = answer;
  if (status >= 200 && status < 300) return answer;
  const reason = typeof body.message === 'string' ? body.message.slice(0, 200) : `HTTP ${status}`;
  if (status >= 500 || status === 429 || status === 408) throw new SmsError('unavailable', reason);
  // Eskiz names the field it did not accept; ours was normalised, so this is rare.
  if (/mobile_phone|phone number/i.test(reason)) throw new SmsError('invalid-phone', reason);
  throw new SmsError('rejected', reason);
}
