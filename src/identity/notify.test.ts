import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../testing.js';
import { DEMO_ACCOUNTS, notify } from './index.js';
import { notificationSender } from './notify.js';
import { SmsError } from './sms/index.js';
import { TelegramError, type TelegramBot } from './telegram/index.js';

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const director = DEMO_ACCOUNTS[2];
const CHAT = '700100200';

before(async () => { app = await startTestApp(); });
after(() => app.close());

/** Waits for what the outbox sends after commit (it polls twice a second). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const pending = async () => (await app.ctx.db.selectFrom('outbox').select('id').where('topic', '=', 'identity.notify').where('dispatched_at', 'is', null).execute()).length;
const setPerson = (id: string, { channels, ...values }: { locale?: string; channels?: string[]; telegram_chat_id?: string | null; email?: string | null }) =>
  app.ctx.db.updateTable('identity_person').set({ ...values, ...(channels ? { channels: JSON.stringify(channels) } : {}) }).where('id', '=', id).execute();

test('notify keeps the notification for the cabinet and sends it by SMS, in the person\'s language', async () => {
  await setPerson(citizen.id, { locale: 'ru', channels: ['sms'], telegram_chat_id: null });
  const before = await app.sms.count(citizen.phone);
  const id = await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Азиз' }, link: '/cabinet' });
  const row = await app.ctx.db.selectFrom('identity_notification').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.person_id, citizen.id);
  assert.equal(row.message_key, 'mycab.notice.welcome');
  assert.deepEqual(row.params, { name: 'Азиз' });
  assert.equal(row.read_at, null);
  const messages = await eventually(() => app.sms.messages(citizen.phone), (m) => m.length > before);
  assert.equal(messages.length, before + 1);
  assert.equal(messages[0]!.message, 'Darcha: Добро пожаловать в Darcha, Азиз. Сюда будут приходить новости о ваших заявлениях и обращениях.');
  assert.equal(await eventually(pending, (n) => n === 0), 0);
});

test('a linked Telegram chat gets the notification with its link; SMS only when chosen', async () => {
  await setPerson(director.id, { locale: 'en', channels: ['telegram'], telegram_chat_id: CHAT });
  const sms = await app.sms.count(director.phone);
  await notify(app.ctx.db, { personId: director.id, businessId: '00000000-0000-4000-9000-000000000001', messageKey: 'mycab.notice.welcome', params: { name: 'Dilnoza' }, link: '/cabinet/notifications' });
  const chat = await eventually(() => app.telegram.messages(CHAT), (m) => m.length > 0);
  assert.equal(chat.length, 1);
  assert.equal(chat[0]!.text, `Welcome to Darcha, Dilnoza. News about your applications and appeals will come here.\n${app.url}/en/cabinet/notifications`);
  await eventually(pending, (n) => n === 0);
  assert.equal(await app.sms.count(director.phone), sms, 'no SMS: the director chose Telegram only');

  // Unlinked after the event was queued: nothing goes to the old chat, and nothing fails.
  await setPerson(director.id, { channels: ['telegram'], telegram_chat_id: CHAT });
  await app.ctx.db.transaction().execute(async (trx) => {
    await notify(trx, { personId: director.id, messageKey: 'mycab.notice.welcome', params: { name: 'D' } });
    await trx.updateTable('identity_person').set({ telegram_chat_id: null }).where('id', '=', director.id).execute();
  });
  await eventually(pending, (n) => n === 0);
  assert.equal((await app.telegram.messages(CHAT)).length, 1);
  const failed = await app.ctx.db.selectFrom('outbox').select('id').where('topic', '=', 'identity.notify').where('last_error', 'is not', null).execute();
  assert.deepEqual(failed, []);
});

test('e-mail goes through SMTP to the relay in the person\'s language; a refused address is dropped, not retried', async () => {
  const address = 'aziz.karimov@example.uz';
  await setPerson(citizen.id, { locale: 'oz', channels: ['email'], email: address });
  const sms = await app.sms.count(citizen.phone);
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Азиз' }, link: '/cabinet/notifications' });
  const mail = await eventually(() => app.mail.messages(address), (m) => m.length > 0);
  assert.equal(mail.length, 1);
  assert.deepEqual(mail[0]!.to, [address]);
  assert.match(mail[0]!.subject, /^Darcha: Darcha порталига хуш келибсиз, Азиз\./u);
  assert.ok(mail[0]!.text.includes(`${app.url}/oz/cabinet/notifications`), mail[0]!.text);
  assert.ok(mail[0]!.text.includes(`${app.url}/oz/cabinet/settings`), 'the footer says where to stop e-mail');
  assert.equal(await app.sms.count(citizen.phone), sms, 'no SMS: e-mail only was chosen');

  // RFC 2606 `.invalid` is refused by the relay with 550: logged and dropped, no retry left pending.
  await setPerson(citizen.id, { email: 'nobody@example.invalid' });
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'X' } });
  assert.equal(await eventually(pending, (n) => n === 0), 0);
  const failed = await app.ctx.db.selectFrom('outbox').select('id').where('topic', '=', 'identity.notify').where('dispatched_at', 'is', null).execute();
  assert.deepEqual(failed, []);
  // Chosen, but no address: nothing is queued for e-mail.
  await setPerson(citizen.id, { email: null });
  const queued = async () => (await app.ctx.db.selectFrom('outbox').select('id').where('topic', '=', 'identity.notify').execute()).length;
  const before = await queued();
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Y' } });
  assert.equal(await queued(), before);
  await setPerson(citizen.id, { locale: 'uz', channels: ['sms'] });
});

test('a notification made in a transaction that is rolled back is neither kept nor sent', async () => {
  await setPerson(citizen.id, { channels: ['sms'] });
  const before = await app.sms.count(citizen.phone);
  const rows = async () => (await app.ctx.db.selectFrom('identity_notification').select('id').where('person_id', '=', citizen.id).execute()).length;
  const kept = await rows();
  await assert.rejects(app.ctx.db.transaction().execute(async (trx) => {
    await notify(trx, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'X' } });
    throw new Error('the change failed');
  }), /the change failed/);
  await new Promise((resolve) => setTimeout(resolve, 1200)); // more than two polls of the outbox
  assert.equal(await rows(), kept);
  assert.equal(await app.sms.count(citizen.phone), before);
});

test('a send that failed for now is thrown back to the outbox to retry; one that never can is dropped', async () => {
  await setPerson(citizen.id, { locale: 'en', channels: [], telegram_chat_id: CHAT });
  const notificationId = await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Z' } });
  const sent: string[] = [];
  let smsFailure: Error | undefined = new SmsError('unavailable', 'timeout');
  let telegramFailure: Error | undefined = new TelegramError('unavailable', 'Too Many Requests: retry after 5', 429);
  const handler = notificationSender({
    db: app.ctx.db, publicUrl: app.url, log: app.ctx.log,
    sms: { send: async (phone, text) => { if (smsFailure) throw smsFailure; sent.push(`${phone}: ${text}`); } },
    telegram: { sendMessage: async (chat: string, text: string) => { if (telegramFailure) throw telegramFailure; sent.push(`${chat}: ${text}`); } } as unknown as TelegramBot,
  });
  const event = { id: 1, topic: 'identity.notify', attempts: 1 };
  await assert.rejects(handler({ notificationId, channel: 'sms' }, event), SmsError);
  await assert.rejects(handler({ notificationId, channel: 'telegram' }, event), TelegramError);
  smsFailure = undefined; telegramFailure = undefined;
  await handler({ notificationId, channel: 'sms' }, { ...event, attempts: 2 });
  await handler({ notificationId, channel: 'telegram' }, { ...event, attempts: 2 });
  assert.deepEqual(sent, [
    `${citizen.phone}: Darcha: Welcome to Darcha, Z. News about your applications and appeals will come here.`,
    `${CHAT}: Welcome to Darcha, Z. News about your applications and appeals will come here.`,
  ]);
  // A chat that blocked the bot, a number that is no mobile number: retrying cannot help.
  telegramFailure = new TelegramError('rejected', 'Forbidden: bot was blocked by the user', 403);
  smsFailure = new SmsError('invalid-phone', 'format');
  await handler({ notificationId, channel: 'telegram' }, event);
  await handler({ notificationId, channel: 'sms' }, event);
  await handler({ notificationId: -1, channel: 'sms' }, event); // gone: nothing to send
  assert.equal(sent.length, 2);
  await setPerson(citizen.id, { channels: ['sms'], telegram_chat_id: null });
});

test('events handled at once are each sent with their own text, their notifications read in one query', async () => {
  await setPerson(citizen.id, { locale: 'en', channels: [] });
  const ids = await Promise.all(['A', 'B', 'C'].map((name) => notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name } })));
  const sent: string[] = [];
  let selects = 0;
  const db = new Proxy(app.ctx.db, { get: (target, prop) => (prop === 'selectFrom' ? (...args: unknown[]) => { selects++; return (target.selectFrom as (...a: unknown[]) => unknown)(...args); } : Reflect.get(target, prop)) });
  const handler = notificationSender({ db, publicUrl: app.url, log: app.ctx.log, sms: { send: async (_phone, text) => { sent.push(text); } } });
  const event = { id: 1, topic: 'identity.notify', attempts: 1 };
  await Promise.all([...ids].reverse().map((notificationId) => handler({ notificationId, channel: 'sms' }, event)));
  assert.equal(selects, 1);
  assert.deepEqual(sent.map((text) => /Welcome to Darcha, (\w)\./.exec(text)?.[1]).sort(), ['A', 'B', 'C']);
  await setPerson(citizen.id, { channels: ['sms'] });
});

test('mistakes of the calling module fail loudly and write nothing', async () => {
  const count = async () => (await app.ctx.db.selectFrom('identity_notification').select('id').execute()).length;
  const before = await count();
  await assert.rejects(notify(app.ctx.db, { personId: citizen.id, messageKey: 'not a key!' }), TypeError);
  await assert.rejects(notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', link: 'https://evil.example/' }), TypeError);
  await assert.rejects(notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', link: '//evil.example/' }), TypeError);
  await assert.rejects(notify(app.ctx.db, { personId: 'nobody', messageKey: 'mycab.notice.welcome' }), TypeError);
  await assert.rejects(notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: { toString: () => 'x' } as unknown as string } }), TypeError);
  assert.equal(await count(), before);
});
