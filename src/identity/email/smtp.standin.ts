// A local SMTP server standing in for the mail relay in the demo and the tests: it speaks
// SMTP (smtp-server, from the nodemailer project), takes the mail of one account (AUTH
// PLAIN/LOGIN), answers 550 for addresses at `.invalid` (RFC 2606: never deliverable, so
// tests can see a permanent refusal), and keeps what it accepted in memory, parsed, for
// `GET /standin/messages` on its own HTTP port (the inbox of the demo).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { SMTPServer } from 'smtp-server';

export interface StandinMail { id: string; from: string; to: string[]; subject: string; text: string; receivedAt: string }

export interface SmtpStandin {
  /** `smtp://user:pass@127.0.0.1:port`, for SmtpMailer. */
  url: string;
  /** The HTTP inbox, `GET …/standin/messages?to=address`. */
  inboxUrl: string;
  /** What was accepted, newest first; to one address when given. */
  messages(to?: string): StandinMail[];
  close(): Promise<void>;
}

const LIMIT = 1024 * 1024;

export async function startSmtpStandin(options: { user: string; password: string }): Promise<SmtpStandin> {
  let kept: StandinMail[] = [];
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: false, size: LIMIT, logger: false, banner: 'Darcha SMTP stand-in',
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase().endsWith('.invalid')) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      } else callback();
    },
    onData(stream, session, callback) {
      // mailparser is loaded with the first message, not at start.
      import('mailparser').then(({ simpleParser }) => simpleParser(stream)).then((mail) => {
        kept = [{
          id: randomUUID(), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject ?? '', text: (mail.text ?? '').trim(),
          receivedAt: new Date().toISOString(),
        }, ...kept].slice(0, 1000);
        callback();
      }, (error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const smtpPort = (server.server.address() as AddressInfo).port;

  const messages = (to?: string) => (to ? kept.filter((m) => m.to.some((a) => a.toLowerCase() === to.toLowerCase())) : kept);
  const inbox = Fastify({ logger: false });
  inbox.get('/standin/messages', async (request) => messages((request.query as { to?: string }).to));
  const inboxUrl = `${await inbox.listen({ port: 0, host: '127.0.0.1' })}/standin/messages`;
  return {
    url: `smtp://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@127.0.0.1:${smtpPort}`,
    inboxUrl, messages,
    async close() {
      await inbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
