import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Env = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(:\\d+)?$' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ default: './data' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  COOKIE_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  CATALOG_POLL_MS: Type.Integer({ minimum: 100, default: 2000 }),
  SMS_GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_GATEWAY_EMAIL: Type.Optional(Type.String({ minLength: 3 })),
  SMS_GATEWAY_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  FACE_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  FACE_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  FACE_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  // The Telegram bot that sends notifications and links chats (Bot API, webhook updates).
  TELEGRAM_BOT_TOKEN: Type.Optional(Type.String({ pattern: '^\\d+:[A-Za-z0-9_-]+$' })),
  TELEGRAM_BOT_USERNAME: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{3,31}$' })),
  TELEGRAM_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TELEGRAM_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{16,256}$' })),
  // E-mail notifications: the SMTP relay (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS) and the sender's
  // address; outside production with none given, a local SMTP stand-in.
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  SMTP_FROM: Type.Optional(Type.String({ pattern: '^[^\\s@<>]+@[^\\s@<>]+$' })),
  // The exchange (X-Road style): `serve` starts the demo gateways itself unless GATEWAYS=off;
  // a gateway run alone fetches the signed configuration from EXCHANGE_CENTRAL_URL (default
  // PUBLIC_URL), refreshes it every EXCHANGE_CONF_REFRESH_MS, gives up on a peer after
  // EXCHANGE_TIMEOUT_MS, and with EXCHANGE_TLS=true gateways talk over mutual TLS.
  GATEWAYS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  EXCHANGE_CENTRAL_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  EXCHANGE_CONF_REFRESH_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  EXCHANGE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  EXCHANGE_TLS: Type.Boolean({ default: false }),
  // Payments (src/payments): Payme's merchant id and key, Click's service, merchant and secret key, and where the
  // processors' checkout pages are (one URL, or Payme's and Click's separated by a comma). Outside production,
  // demo values and a local stand-in processor; in production all six are given together.
  PAYME_MERCHANT_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  PAYME_KEY: Type.Optional(Type.String({ minLength: 8 })),
  CLICK_SERVICE_ID: Type.Optional(Type.String({ pattern: '^\\d{1,12}$' })),
  CLICK_MERCHANT_ID: Type.Optional(Type.String({ pattern: '^\\d{1,12}$' })),
  CLICK_SECRET_KEY: Type.Optional(Type.String({ minLength: 8 })),
  PAYMENTS_CHECKOUT_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s,]+(,https?://[^\\s,]+)?$' })),
});
type Env = Static<typeof Env>;

export interface Config extends Env {
  production: boolean;
  publicUrl: string;
  cookieSecret: string;
  dataDir: string;
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment once at start. Every problem is listed in one
 * message so that an operator fixes them all in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Env> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(Env.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  Object.assign(raw, overrides);
  const converted = Value.Convert(Env, Value.Default(Env, raw));
  const errors = [...Value.Errors(Env, converted)];
  if (errors.length > 0) {
    const byName = new Map<string, string>();
    for (const e of errors) {
      const name = e.instancePath.replace(/^\//, '');
      if (byName.has(name)) continue;
      const choices = (Env.properties as Record<string, { anyOf?: { const: string }[] }>)[name]?.anyOf?.map((s) => s.const);
      const reason = choices ? `must be one of ${choices.join(', ')}` : e.message;
      byName.set(name, `  ${name}: ${reason} (got ${JSON.stringify(raw[name] ?? null)})`);
    }
    const lines = [...byName.values()];
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const parsed = converted as Env;
  const production = parsed.NODE_ENV === 'production';
  if (production && !parsed.COOKIE_SECRET) throw new ConfigError('Invalid configuration:\n  COOKIE_SECRET: required in production (at least 32 characters)');
  if (production && !parsed.PUBLIC_URL) throw new ConfigError('Invalid configuration:\n  PUBLIC_URL: required in production (e.g. https://darcha.example.uz)');
  if (production && !parsed.SMS_GATEWAY_URL) throw new ConfigError('Invalid configuration:\n  SMS_GATEWAY_URL: required in production (the Eskiz gateway, e.g. https://notify.eskiz.uz), with SMS_GATEWAY_EMAIL and SMS_GATEWAY_PASSWORD');
  // A bot is all four settings or none; without TELEGRAM_API_URL outside production, a stand-in is used.
  const telegram = [parsed.TELEGRAM_API_URL, parsed.TELEGRAM_BOT_TOKEN, parsed.TELEGRAM_BOT_USERNAME, parsed.TELEGRAM_WEBHOOK_SECRET];
  if ((production ? telegram.some(Boolean) : !!parsed.TELEGRAM_API_URL) && !telegram.every(Boolean)) {
    throw new ConfigError('Invalid configuration:\n  TELEGRAM_API_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_BOT_USERNAME, TELEGRAM_WEBHOOK_SECRET: give all four (a Telegram bot) or none');
  }
  const payments = [parsed.PAYME_MERCHANT_ID, parsed.PAYME_KEY, parsed.CLICK_SERVICE_ID, parsed.CLICK_MERCHANT_ID, parsed.CLICK_SECRET_KEY, parsed.PAYMENTS_CHECKOUT_URL];
  if (production && payments.some(Boolean) && !payments.every(Boolean)) {
    throw new ConfigError('Invalid configuration:\n  PAYME_MERCHANT_ID, PAYME_KEY, CLICK_SERVICE_ID, CLICK_MERCHANT_ID, CLICK_SECRET_KEY, PAYMENTS_CHECKOUT_URL: give all six in production');
  }
  const dataDir = resolve(parsed.DATA_DIR);
  return {
    ...parsed,
    production,
    dataDir,
    publicUrl: parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`,
    cookieSecret: parsed.COOKIE_SECRET ?? developmentSecret(dataDir),
  };
}

// Outside production a secret is made on first start and kept beside the data, so that
// no secret is ever committed and cookies survive restarts.
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'cookie-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
