import { randomBytes } from 'node:crypto';
import type { Config } from '../platform/index.js';
import { SmtpMailer, startSmtpStandin } from './email/index.js';

export interface EmailChannel {
  mailer: SmtpMailer;
  /** Outside production, where the stand-in shows the mail it accepted. */
  inboxUrl?: string;
  close(): Promise<void>;
}

/**
 * The mail relay of this installation: SMTP_URL, or, outside production with none configured,
 * a local SMTP stand-in on a free port. In production without SMTP_URL there is no e-mail
 * channel (undefined): notifications chosen for e-mail stay in the cabinet.
 */
export async function openEmailChannel(config: Config): Promise<EmailChannel | undefined> {
  const from = config.SMTP_FROM ?? `no-reply@${new URL(config.publicUrl).hostname}`;
  if (config.SMTP_URL) {
    const mailer = new SmtpMailer({ url: config.SMTP_URL, from });
    return { mailer, close: async () => mailer.close() };
  }
  if (config.production) return undefined;
  const standin = await startSmtpStandin({ user: 'darcha', password: randomBytes(16).toString('base64url') });
  const mailer = new SmtpMailer({ url: standin.url, from: from.endsWith('@localhost') ? 'no-reply@darcha.localhost' : from });
  return { mailer, inboxUrl: standin.inboxUrl, close: async () => { mailer.close(); await standin.close(); } };
}
