import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, type Locale } from '../i18n.js';
import type { AppError } from '../errors.js';

/** RFC 9457 problem details, as every API error is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: { pointer: string; detail: string }[];
}

export function toProblem(error: AppError, locale: Locale, instance: string): Problem {
  return {
    type: `/problems/${error.code}`,
    title: t(locale, `errors.${error.code}.title`, error.params),
    status: error.status,
    detail: t(locale, `errors.${error.code}.detail`, error.params),
    instance,
    code: error.code,
    ...(error.errors.length > 0 ? { errors: error.errors } : {}),
  };
}

/** True when the caller is a program rather than a browser asking for a page. */
export function wantsProblem(request: FastifyRequest): boolean {
  const path = request.url;
  if (path.startsWith('/api/') || path.startsWith('/api?')) return true;
  const accept = request.headers.accept ?? '';
  return !accept.includes('text/html') && (accept.includes('json') || accept === '');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
