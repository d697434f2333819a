import nodemailer, { type Transporter } from 'nodemailer';

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
  private readonly transport: Transporter;

  constructor(options: { url: string; from: string; timeoutMs?: number }) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport(options.url, { from: options.from });
    // nodemailer reads the timeouts from the options object, not from the URL.
    Object.assign((this.transport as unknown as { options: Record<string, unknown> }).options, {
      connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    });
  }

  /** Sends one message; the server's message id. */
  async send(mail: Mail): Promise<{ id: string }> {
    try {
      const info = await this.transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      return { id: info.messageId };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const reason = (error as Error).message;
      throw new MailError(code !== undefined && code >= 500 ? 'rejected' : 'unavailable', reason);
    }
  }

  close(): void { this.transport.close(); }
}
