import { randomBytes } from 'node:crypto';
import type { Config } from '../platform/index.js';
import { EskizSmsSender, startEskizStandin } from './sms/index.js';
import type { SmsSender } from './oidc/interactions.js';

export interface SmsChannel {
  sender: SmsSender;
  /** Outside production, where the stand-in keeps the messages it was given. */
  inboxUrl?: string;
  close(): Promise<void>;
}

/**
 * The SMS gateway of this installation: Eskiz at SMS_GATEWAY_URL, or, outside
 * production with none configured, a local stand-in of Eskiz's API on a free port,
 * whose inbox shows the codes that would have been sent.
 */
export async function openSmsChannel(config: Config): Promise<SmsChannel> {
  if (config.SMS_GATEWAY_URL) {
    return {
      sender: new EskizSmsSender({ url: config.SMS_GATEWAY_URL, email: config.SMS_GATEWAY_EMAIL ?? '', password: config.SMS_GATEWAY_PASSWORD ?? '' }),
      close: async () => {},
    };
  }
  const email = 'demo@darcha.local';
  const password = randomBytes(16).toString('base64url');
  const standin = await startEskizStandin({ email, password });
  return {
    sender: new EskizSmsSender({ url: standin.url, email, password }),
    inboxUrl: `${standin.url}/standin/messages`,
    close: () => standin.close(),
  };
}
