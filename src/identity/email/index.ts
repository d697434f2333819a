// The e-mail channel of notifications: SMTP through nodemailer, and a local SMTP stand-in.

/** `new SmtpMailer({ url, from }).send({ to, subject, text })`; throws MailError (`rejected` for a permanent refusal). */
export { SmtpMailer, MailError, type Mail, type MailErrorKind } from './smtp.adapter.js';
/** `startSmtpStandin({ user, password }) → { url, inboxUrl, messages(to?), close() }`. */
export { startSmtpStandin, type SmtpStandin, type StandinMail } from './smtp.standin.js';
