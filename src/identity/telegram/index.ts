// The Telegram channel: a Bot API adapter, a local stand-in of the Bot API, and the webhook that links chats.

/** Calls the Bot API (`sendMessage`, `getMe`, `setWebhook`); throws TelegramError ('unavailable' worth retrying, 'rejected' not). */
export { TelegramBot, TelegramError, type TelegramBotOptions, type TelegramErrorKind, type SentMessage, type BotUser } from './telegram.adapter.js';
/** The Bot API stand-in for demo and tests: `startTelegramStandin({ port?, token, username }) → { url, close(), messages(chatId?), webhook() }`. */
export { startTelegramStandin, type TelegramStandin, type TelegramStandinOptions, type StandinTelegramMessage } from './telegram.standin.js';
/** `POST /telegram/webhook`: Telegram's updates; `/start <code>` links the chat to the person who made the code. */
export { telegramRoutes, issueLinkCode, LINK_CODE_TTL_MINUTES, TELEGRAM_REPLY_TOPIC } from './webhook.js';
