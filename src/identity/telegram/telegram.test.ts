import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigError, loadConfig } from '../../platform/index.js';
import { startTelegramStandin, TelegramBot, TelegramError, type TelegramStandin } from './index.js';

const token = '123456789:AAE-test_token';
let standin: TelegramStandin;

before(async () => { standin = await startTelegramStandin({ token, username: 'darcha_test_bot' }); });
after(() => standin.close());

test('sendMessage through the adapter arrives in the stand-in, with the Bot API\'s answer', async () => {
  const bot = new TelegramBot({ apiUrl: standin.url, token });
  const sent = await bot.sendMessage(42, 'Salom');
  assert.equal(sent.chat.id, 42);
  assert.equal(sent.text, 'Salom');
  assert.ok(Number.isInteger(sent.message_id) && Number.isInteger(sent.date));
  await bot.sendMessage('43', 'Other chat');
  const inbox = await (await fetch(`${standin.url}/standin/messages?chat_id=42`)).json() as { chat_id: string; text: string }[];
  assert.deepEqual(inbox.map((m) => [m.chat_id, m.text]), [['42', 'Salom']]);
  assert.equal(standin.messages().length, 2);
  const me = await bot.getMe();
  assert.equal(me.username, 'darcha_test_bot');
  assert.equal(me.is_bot, true);
});

test('the stand-in speaks the Bot API\'s errors: wrong token 401, unknown method 404, bad parameters 400', async () => {
  const wrong = await fetch(`${standin.url}/bot999:nope/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":1,"text":"x"}' });
  assert.equal(wrong.status, 401);
  assert.deepEqual(await wrong.json(), { ok: false, error_code: 401, description: 'Unauthorized' });
  const unknown = await fetch(`${standin.url}/bot${token}/sendTelepathy`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { ok: boolean }).ok, false);
  const form = await fetch(`${standin.url}/bot${token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'chat_id=7&text=by+form' });
  assert.equal(((await form.json()) as { result: { text: string } }).result.text, 'by form');
  const query = await fetch(`${standin.url}/bot${token}/getMe`);
  assert.equal(((await query.json()) as { ok: boolean }).ok, true);
});

test('the adapter turns failures into TelegramError: retry when it may help, not when it cannot', async () => {
  const wrongToken = new TelegramBot({ apiUrl: standin.url, token: '1:wrong' });
  await assert.rejects(wrongToken.sendMessage(1, 'x'), (error: unknown) => {
    assert.ok(error instanceof TelegramError);
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.errorCode, 401);
    assert.equal(error.reason, 'Unauthorized');
    assert.ok(!error.message.includes('wrong') && !error.reason.includes('wrong'), 'the token is never in the error');
    return true;
  });
  const bot = new TelegramBot({ apiUrl: standin.url, token });
  await assert.rejects(bot.sendMessage('not-a-chat', 'x'), (error: unknown) => error instanceof TelegramError && error.kind === 'rejected' && error.errorCode === 400);
  await assert.rejects(bot.sendMessage(1, '   '), (error: unknown) => error instanceof TelegramError && error.kind === 'rejected' && /text is empty/.test(error.reason));
  const long = await bot.sendMessage(1, 'y'.repeat(5000));
  assert.equal(long.text?.length, 4096, 'longer texts are cut to Telegram\'s limit');
  const down = new TelegramBot({ apiUrl: 'http://127.0.0.1:9', token, timeoutMs: 2000 });
  await assert.rejects(down.sendMessage(1, 'x'), (error: unknown) => error instanceof TelegramError && error.kind === 'unavailable' && error.reason === 'network');
});

test('setWebhook is kept with its secret token', async () => {
  const bot = new TelegramBot({ apiUrl: standin.url, token });
  await bot.setWebhook('http://127.0.0.1:1/telegram/webhook', 'secret_token-1234567890');
  assert.deepEqual(standin.webhook(), { url: 'http://127.0.0.1:1/telegram/webhook', secretToken: 'secret_token-1234567890' });
  await assert.rejects(bot.setWebhook('http://127.0.0.1:1/x', 'bad secret!'), TelegramError);
});

test('configuration: a Telegram bot is all four settings or none', () => {
  const production = { NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://darcha.example.uz', SMS_GATEWAY_URL: 'https://notify.eskiz.uz', DATA_DIR: '/tmp/darcha-config-test' };
  const bot = { TELEGRAM_API_URL: 'https://api.telegram.org', TELEGRAM_BOT_TOKEN: '123:abc-DEF_1', TELEGRAM_BOT_USERNAME: 'darcha_bot', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) };
  assert.equal(loadConfig(production).TELEGRAM_API_URL, undefined);
  assert.equal(loadConfig({ ...production, ...bot }).TELEGRAM_BOT_USERNAME, 'darcha_bot');
  for (const missing of Object.keys(bot)) {
    const partial: Record<string, string> = { ...production, ...bot };
    delete partial[missing];
    assert.throws(() => loadConfig(partial), (error: unknown) => error instanceof ConfigError && /give all four/.test(error.message), missing);
  }
  // Outside production a secret alone is fine (the stand-in uses it); a real API URL needs the rest.
  assert.equal(loadConfig({ DATA_DIR: '/tmp/darcha-config-test', TELEGRAM_WEBHOOK_SECRET: 'b'.repeat(20) }).TELEGRAM_WEBHOOK_SECRET, 'b'.repeat(20));
  assert.throws(() => loadConfig({ DATA_DIR: '/tmp/darcha-config-test', TELEGRAM_API_URL: 'https://api.telegram.org' }), /give all four/);
  assert.throws(() => loadConfig({ DATA_DIR: '/tmp/darcha-config-test', TELEGRAM_BOT_TOKEN: 'not a token' }), /TELEGRAM_BOT_TOKEN/);
});
