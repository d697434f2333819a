// Test support: a fresh database per test file (PGlite in memory, or a new database on
// the PostgreSQL server of DATABASE_URL, dropped afterwards) and the whole app on it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServer } from 'node:net';
import { createApp, type App } from './app.js';
import { loadConfig, openDatabase, type Config, type Database } from './platform/index.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * Reads the SMS gateway stand-in's inbox over HTTP, as a person would read their phone.
 * `lastCode` gives the newest six-digit code sent to a phone; `count` how many messages it got.
 */
export class SmsInbox {
  constructor(readonly url: string) {}
  async messages(phone: string): Promise<{ message: string }[]> {
    const res = await fetch(`${this.url}?phone=${encodeURIComponent(phone)}`);
    const body = await res.json() as { message: string }[] | { messages?: { message: string }[]; data?: { message: string }[] };
    return Array.isArray(body) ? body : body.messages ?? body.data ?? [];
  }
  async lastCode(phone: string): Promise<string | undefined> {
    return (await this.messages(phone))[0]?.message.match(/\b\d{6}\b/)?.[0];
  }
  async count(phone: string): Promise<number> { return (await this.messages(phone)).length; }
}

/** Reads the Telegram Bot API stand-in's record of what the bot sent, newest first, as a chat would see it. */
export class TelegramInbox {
  constructor(readonly url: string) {}
  async messages(chatId: string | number): Promise<{ message_id: number; chat_id: string; text: string }[]> {
    return (await fetch(`${this.url}?chat_id=${encodeURIComponent(String(chatId))}`)).json() as Promise<{ message_id: number; chat_id: string; text: string }[]>;
  }
}

/** Reads the SMTP stand-in's record of the mail it accepted, newest first, as a mailbox would show it. */
export class MailInbox {
  constructor(readonly url: string) {}
  async messages(to: string): Promise<{ from: string; to: string[]; subject: string; text: string }[]> {
    return (await fetch(`${this.url}?to=${encodeURIComponent(to)}`)).json() as Promise<{ from: string; to: string[]; subject: string; text: string }[]>;
  }
}

/**
 * A session for a person as if they had signed in (portal or back office), optionally acting
 * for a business; returns the cookie header value. For tests of what comes after sign-in.
 */
export async function signIn(app: Pick<App, 'ctx'>, personId: string, options: { audience?: 'portal' | 'office'; actingFor?: string } = {}): Promise<string> {
  const value = randomBytes(24).toString('base64url');
  const audience = options.audience ?? 'portal';
  await app.ctx.db.insertInto('identity_session').values({
    id_hash: createHash('sha256').update(value).digest('base64url'), ref: `ref-${value}`, person_id: personId, acting_for: options.actingFor ?? null, audience,
    expires_at: new Date(Date.now() + 3600_000), revoked_at: null, user_agent: 'test', ip: '127.0.0.1', id_token: null,
  }).execute();
  return `${audience === 'office' ? 'osid' : 'sid'}=${value}`;
}

/** A form's CSRF token and the CSRF cookie that goes with it (without the session cookie), read from a page that cookie opens. */
export async function csrfFor(app: Pick<App, 'server'>, url: string, cookie: string): Promise<{ token: string; cookie: string }> {
  const page = await app.server.inject({ url, headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`no CSRF token on ${url} (${page.statusCode})`);
  return { token, cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** A database of its own for one test file; `close()` drops it. */
export async function testDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ dataDir: 'memory://' });
  const name = `darcha_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ url: target.toString(), poolSize: 20 });
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestApp extends App {
  /** The base URL the server listens on, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The inbox of the SMS gateway stand-in the app sends through. */
  sms: SmsInbox;
  /** The inbox of the Telegram Bot API stand-in the bot sends through. */
  telegram: TelegramInbox;
  /** The inbox of the SMTP stand-in that e-mail notifications go through. */
  mail: MailInbox;
  config: Config;
}

/** The whole platform with demo data on a fresh database, listening on a free port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-test-'));
  // The issuer URL must be known before the app is built, so the port is chosen first.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const database = await testDatabase();
  const app = await createApp(config, { database });
  await app.server.listen({ port, host: '127.0.0.1' });
  return {
    ...app,
    config,
    url,
    sms: new SmsInbox(app.smsInbox!),
    telegram: new TelegramInbox(app.telegramInbox!),
    mail: new MailInbox(app.mailInbox!),
    async close() {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
