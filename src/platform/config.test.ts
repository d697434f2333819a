import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

test('defaults give a working development configuration', () => {
  const config = loadConfig({ DATA_DIR: '/tmp/darcha-config-test' });
  assert.equal(config.PORT, 3000);
  assert.equal(config.production, false);
  assert.equal(config.publicUrl, 'http://localhost:3000');
  assert.ok(config.cookieSecret.length >= 32);
  assert.equal(loadConfig({ DATA_DIR: '/tmp/darcha-config-test' }).cookieSecret, config.cookieSecret, 'the development secret is kept');
});

test('every invalid value is named in one clear message', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /PORT: must be integer/);
    assert.match(error.message, /LOG_LEVEL: must be one of fatal, error/);
    assert.match(error.message, /DATABASE_URL: must match/);
    return true;
  });
});

test('production requires a cookie secret, a public URL and a real SMS gateway', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /COOKIE_SECRET: required in production/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40) }), /PUBLIC_URL: required/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://darcha.example.uz' }), /SMS_GATEWAY_URL: required/);
  const config = loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://darcha.example.uz', SMS_GATEWAY_URL: 'https://notify.eskiz.uz' });
  assert.equal(config.production, true);
});
