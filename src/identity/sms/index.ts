// The SMS channel: one-time sign-in codes now, notifications later. Eskiz.uz adapter and a local stand-in of its API.

/** Sends SMS over Eskiz.uz (`send(phone, text) → { id }`, `status(id)`); logs in lazily, re-logs once on 401; throws SmsError. */
export { EskizSmsSender, type EskizOptions } from './eskiz.adapter.js';
/** Why a message was not sent: `kind` 'unavailable' | 'rejected' | 'invalid-phone', code `sms.<kind>`. */
export { SmsError, type SmsErrorKind } from './eskiz.adapter.js';
/** `+998 90 123-45-67`, `998901234567`, `901234567` → `998901234567`; anything else throws SmsError('invalid-phone'). */
export { normalizePhone } from './eskiz.adapter.js';
/** The Eskiz stand-in for demo and tests: `startEskizStandin({ port?, email, password }) → { url, close(), messages(phone?), expireTokens() }`. */
export { startEskizStandin, type EskizStandin, type EskizStandinOptions, type StandinMessage } from './eskiz.standin.js';
