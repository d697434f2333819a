import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS, notify } from '../index.js';

const SECRET = 'test-webhook-secret-7f3a9c1e5b';
let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const foreigner = DEMO_ACCOUNTS[1];
let updateId = 1000;

before(async () => {
  app = await startTestApp({ TELEGRAM_WEBHOOK_SECRET: SECRET });
  await app.ctx.db.updateTable('identity_person').set({ locale: 'en' }).where('id', 'in', [citizen.id, foreigner.id]).execute();
});
after(() => app.close());

/** A message update as Telegram posts it to the webhook. */
function update(chatId: number, text: string, options: { type?: string; language?: string } = {}) {
  return {
    update_id: updateId++,
    message: {
      message_id: updateId, date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: options.type ?? 'private', first_name: 'Test' },
      from: { id: chatId, is_bot: false, first_name: 'Test', language_code: options.language ?? 'en' },
      text,
    },
  };
}
const webhook = (body: unknown, secret: string | null = SECRET) => app.server.inject({
  method: 'POST', url: '/telegram/webhook', payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
});

/** Presses "Link Telegram" in the settings; the code and deep link shown once. */
async function linkCode(personId: string): Promise<{ code: string; body: string }> {
  const cookie = await signIn(app, personId);
  const csrf = await csrfFor(app, '/en/cabinet/settings', cookie);
  const response = await app.server.inject({
    method: 'POST', url: '/en/cabinet/settings/telegram', payload: `_csrf=${encodeURIComponent(csrf.token)}`,
    headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const code = /href="https:\/\/t\.me\/darcha_demo_bot\?start=([A-Za-z0-9_-]+)"/.exec(response.body)?.[1];
  assert.ok(code, 'the deep link is shown');
  assert.ok(response.body.includes(`/start ${code}`), 'and the code, to send by hand');
  return { code, body: response.body };
}
const person = (id: string) => app.ctx.db.selectFrom('identity_person').select(['telegram_chat_id', 'channels']).where('id', '=', id).executeTakeFirstOrThrow();
const audits = (id: string, action: string) => app.ctx.db.selectFrom('identity_audit').select('detail').where('subject', '=', id).where('action', '=', action).execute();
/** The bot's answers to a chat, newest first; they go out through the outbox just after the webhook answered. */
async function replies(chatId: number, count: number) {
  const until = Date.now() + 8000;
  for (;;) {
    const list = await app.telegram.messages(chatId);
    if (list.length >= count || Date.now() > until) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('the code is random, stored only as a hash, for 15 minutes, one at a time', async () => {
  const first = await linkCode(foreigner.id);
  const second = await linkCode(foreigner.id);
  assert.notEqual(first.code, second.code);
  const rows = await app.ctx.db.selectFrom('identity_telegram_link').selectAll().where('person_id', '=', foreigner.id).execute();
  assert.equal(rows.length, 1, 'a new code replaces the old one');
  assert.notEqual(rows[0]!.code_hash, second.code);
  assert.ok(!rows[0]!.code_hash.includes(second.code));
  const minutes = (new Date(rows[0]!.expires_at).getTime() - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15, `${minutes} minutes`);
});

test('a webhook without the right secret token is refused with 401 and links nothing', async () => {
  const { code } = await linkCode(citizen.id);
  for (const secret of [null, '', 'wrong-secret-0000000000', `${SECRET}x`]) {
    const response = await webhook(update(5550001, `/start ${code}`), secret);
    assert.equal(response.statusCode, 401, String(secret));
  }
  assert.equal((await person(citizen.id)).telegram_chat_id, null);
  assert.equal((await app.ctx.db.selectFrom('identity_telegram_link').select('person_id').where('person_id', '=', citizen.id).execute()).length, 1, 'the code is still there');
  assert.deepEqual(await app.telegram.messages(5550001), []);
});

test('Telegram posts /start <code>: the chat is linked, audited, the code gone, and the bot answers through the Bot API', async () => {
  const { code } = await linkCode(citizen.id);
  const response = await webhook(update(5550002, `/start ${code}`));
  assert.equal(response.statusCode, 200);
  const linked = await person(citizen.id);
  assert.equal(linked.telegram_chat_id, '5550002');
  assert.ok(linked.channels.includes('telegram'), 'notifications now go there too');
  assert.deepEqual((await audits(citizen.id, 'telegram.linked')).map((a) => a.detail), [{ chatId: '5550002' }]);
  assert.equal((await app.ctx.db.selectFrom('identity_telegram_link').select('person_id').where('person_id', '=', citizen.id).execute()).length, 0);
  const [reply] = await replies(5550002, 1);
  assert.match(reply!.text, /^Done: this chat is linked to your Darcha account/);

  // Notifications now reach the chat.
  await notify(app.ctx.db, { personId: citizen.id, messageKey: 'mycab.notice.welcome', params: { name: 'Aziz' } });
  assert.ok((await replies(5550002, 2)).some((m) => m.text === 'Welcome to Darcha, Aziz. News about your applications and appeals will come here.'));

  // The settings now offer Telegram as a channel, and unlinking; no second code while linked.
  const cookie = await signIn(app, citizen.id);
  const settings = await app.server.inject({ url: '/en/cabinet/settings', headers: { cookie } });
  assert.match(settings.body, /id="channel-telegram" name="channels" value="telegram" checked aria-describedby/);
  assert.ok(settings.body.includes('action="/en/cabinet/settings/telegram/unlink"'));
  const csrf = await csrfFor(app, '/en/cabinet/settings', cookie);
  const again = await app.server.inject({
    method: 'POST', url: '/en/cabinet/settings/telegram', payload: `_csrf=${encodeURIComponent(csrf.token)}`,
    headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(again.statusCode, 303);
  assert.equal((await app.ctx.db.selectFrom('identity_telegram_link').select('person_id').where('person_id', '=', citizen.id).execute()).length, 0);
});

test('a replayed code does not link twice; another person\'s code cannot take a linked chat', async () => {
  const { code } = await linkCode(foreigner.id);
  const first = update(5550003, `/start ${code}`);
  assert.equal((await webhook(first)).statusCode, 200);
  assert.equal((await person(foreigner.id)).telegram_chat_id, '5550003');
  // Telegram redelivers the same update, and someone replays the code from another chat.
  assert.equal((await webhook(first)).statusCode, 200);
  assert.equal((await webhook(update(5550004, `/start ${code}`))).statusCode, 200);
  assert.equal((await person(foreigner.id)).telegram_chat_id, '5550003');
  assert.equal((await audits(foreigner.id, 'telegram.linked')).length, 1);
  // The outbox promises each answer at least once, not their order.
  const answers = (await replies(5550003, 2)).map((m) => m.text);
  assert.equal(answers.length, 2);
  assert.ok(answers.some((text) => /^Done: this chat is linked/.test(text)));
  assert.ok(answers.some((text) => /already linked to your Darcha account/.test(text)));
  assert.match((await replies(5550004, 1))[0]!.text, /This code is not known/);

  // The citizen's chat (5550002) cannot be taken over with someone else's fresh code.
  const representative = DEMO_ACCOUNTS[3];
  const fresh = await linkCode(representative.id);
  assert.equal((await webhook(update(5550002, `/start ${fresh.code}`))).statusCode, 200);
  assert.equal((await person(citizen.id)).telegram_chat_id, '5550002');
  assert.equal((await person(representative.id)).telegram_chat_id, null);
  assert.equal((await audits(representative.id, 'telegram.linked')).length, 0);
  assert.ok((await replies(5550002, 3)).some((m) => /already linked to another Darcha account/.test(m.text)));

  // The same code sent from two chats at once links one of them.
  const race = await linkCode(representative.id);
  const answers2 = await Promise.all([5550010, 5550011].map((chat) => webhook(update(chat, `/start ${race.code}`))));
  assert.deepEqual(answers2.map((r) => r.statusCode), [200, 200]);
  assert.ok(['5550010', '5550011'].includes((await person(representative.id)).telegram_chat_id ?? ''));
  assert.equal((await audits(representative.id, 'telegram.linked')).length, 1);
});

test('an expired code links nothing and the bot says why, in the writer\'s language', async () => {
  await app.ctx.db.updateTable('identity_person').set({ telegram_chat_id: null }).where('id', '=', foreigner.id).execute();
  const { code } = await linkCode(foreigner.id);
  await app.ctx.db.updateTable('identity_telegram_link').set({ expires_at: new Date(Date.now() - 1000) }).where('person_id', '=', foreigner.id).execute();
  assert.equal((await webhook(update(5550005, `/start ${code}`, { language: 'ru' }))).statusCode, 200);
  assert.equal((await person(foreigner.id)).telegram_chat_id, null);
  assert.match((await replies(5550005, 1))[0]!.text, /^Срок действия кода истёк: код действует 15 минут/);
  assert.equal((await app.ctx.db.selectFrom('identity_telegram_link').select('person_id').where('person_id', '=', foreigner.id).execute()).length, 0, 'the spent code is gone');
});

test('other updates: 200 with nothing done; a group cannot be linked; a broken body is 400', async () => {
  const { code } = await linkCode(foreigner.id);
  assert.equal((await webhook(update(-100123, `/start ${code}`, { type: 'group' }))).statusCode, 200);
  assert.equal((await person(foreigner.id)).telegram_chat_id, null);
  assert.match((await replies(-100123, 1))[0]!.text, /private chat/);
  assert.equal((await webhook(update(5550006, '/start'))).statusCode, 200);
  assert.match((await replies(5550006, 1))[0]!.text, /^This is the Darcha bot/);
  assert.equal((await webhook({ update_id: updateId++, edited_message: { chat: { id: 5550007, type: 'private' }, text: 'hi' } })).statusCode, 200);
  assert.equal((await webhook({ update_id: updateId++, message: { message_id: 1, date: 1, chat: { id: 5550007, type: 'private' }, photo: [] } })).statusCode, 200);
  for (const body of [null, [], 'text', { update_id: 'x' }, { update_id: 1, message: { chat: { id: 'abc', type: 'private' }, text: '/start x' } }, { update_id: 1, message: { chat: { id: 1, type: 'private' }, text: 42 } }]) {
    const response = await webhook(body);
    assert.equal(response.statusCode, 400, JSON.stringify(body));
  }
  const huge = await webhook(update(5550008, 'x'.repeat(100_000)));
  assert.equal(huge.statusCode, 413);
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.deepEqual(await app.telegram.messages(5550007), []);
  assert.equal((await person(foreigner.id)).telegram_chat_id, null);
});

test('the stand-in plays Telegram: a message to the bot reaches the webhook set with setWebhook', async () => {
  const { code } = await linkCode(foreigner.id);
  const standin = app.telegramInbox!.replace(/\/standin\/messages$/, '');
  const response = await fetch(`${standin}/standin/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: 5550009, text: `/start ${code}` }) });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { result: { webhook_status: number } }).result.webhook_status, 200);
  assert.equal((await person(foreigner.id)).telegram_chat_id, '5550009');
});

test('unlinking in the settings ends the link and the Telegram channel', async () => {
  const cookie = await signIn(app, foreigner.id);
  const csrf = await csrfFor(app, '/en/cabinet/settings', cookie);
  const noToken = await app.server.inject({ method: 'POST', url: '/en/cabinet/settings/telegram/unlink', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
  assert.equal(noToken.statusCode, 403);
  assert.equal((await person(foreigner.id)).telegram_chat_id, '5550009');
  const response = await app.server.inject({
    method: 'POST', url: '/en/cabinet/settings/telegram/unlink', payload: `_csrf=${encodeURIComponent(csrf.token)}`,
    headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(response.statusCode, 303);
  const after = await person(foreigner.id);
  assert.equal(after.telegram_chat_id, null);
  assert.ok(!after.channels.includes('telegram'));
  assert.equal((await audits(foreigner.id, 'telegram.unlinked')).length, 1);
});
