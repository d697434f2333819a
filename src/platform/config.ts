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
