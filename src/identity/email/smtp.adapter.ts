import type { Transporter } from 'nodemailer';

export type MailErrorKind = 'unavailable' | 'rejected';

/** Why a message was not sent: `rejected` (a permanent 5xx answer: retrying will not help) or `unavailable`. */
export class MailError extends Error {
  constructor(readonly kind: MailErrorKind, readonly reason: string) {
    super(`mail ${kind}: ${reason}`);
  }
}

export interface Mail { to: string; subject: string; text: string }

/** Sends e-mail over SMTP (nodemailer): `smtp://user:pass@host:587` or `smtps://…` for implicit TLS. */
export class SmtpMailer {
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly options: { url: string; from: string; timeoutMs?: number }) {}

  // nodemailer is loaded with the first message, not at start.
  private opened(): Promise<Transporter> {
    return this.transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      const timeout = this.options.timeoutMs ?? 10_000;
      const transport = nodemailer.createTransport(this.options.url, { from: this.options.from });
      // nodemailer reads the timeouts from the options object, not from the URL.
      Object.assign((transport as unknown as { options: Record<string, unknown> }).options, {
        connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
      });
      return transport;
    });
  }

  /** Sends one message; the server's message id. */
  async send(mail: Mail): Promise<{ id: string }> {
    try {
      const info = await (await this.opened()).sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      return { id: info.messageId };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const reason = (error as Error).message;
      throw new MailError(code !== undefined && code >= 500 ? 'rejected' : 'unavailable', reason);
    }
  }

  close(): void { void this.transport?.then((t) => t.close()); }
}
