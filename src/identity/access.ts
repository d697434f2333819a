import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type Access, type AccessCheck } from '../platform/index.js';
import { SIGNIN } from './rp.js';
import type { Audience, Role, Session, Sessions } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the access check of a protected route. */
    principal?: Session;
  }
}

const PORTAL_ACCESS = new Set<Access>(['person', 'business']);
const audienceOf = (access: Access): Audience => (PORTAL_ACCESS.has(access) ? 'portal' : 'office');

/** Whether a signed-in session may call a route of this access (who it is; records are checked by the handler). */
export function allows(session: Session, access: Exclude<Access, 'public'>): boolean {
  const has = (...roles: Role[]) => session.roles.some((r) => roles.includes(r.role));
  switch (access) {
    case 'person': return true;
    case 'business': return session.actingFor !== null;
    case 'staff': return session.roles.length > 0;
    case 'officer': return has('officer', 'head');
    case 'head': return has('head');
    case 'editor': return has('editor');
    case 'admin': return has('admin');
  }
}

/**
 * The check every protected route runs before its handler: a page asked without a session
 * goes to sign-in and comes back; an API call or a form post gets 401; a session without
 * the role gets 403.
 */
export function accessCheck(sessions: Sessions): AccessCheck {
  return async (request: FastifyRequest, reply: FastifyReply, access) => {
    const audience = audienceOf(access);
    const session = await sessions.current(request, audience);
    if (!session) {
      if (request.method === 'GET' && !request.url.startsWith('/api/')) {
        return reply.header('cache-control', 'no-store').redirect(`${SIGNIN[audience](request.locale)}?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new AppError('unauthorized', 401);
    }
    request.principal = session;
    if (!allows(session, access)) throw new AppError('forbidden', 403);
  };
}

/** The caller of a protected route; the access check has set it. */
export function principal(request: FastifyRequest): Session {
  if (!request.principal) throw new AppError('unauthorized', 401);
  return request.principal;
}

/** Whether the person may act for their business in this service (a power's scope). */
export function mayActIn(session: Session, serviceId: string): boolean {
  return !!session.actingFor && (session.actingFor.scope.includes('*') || session.actingFor.scope.includes(serviceId));
}

/**
 * Whether a back-office user may see a record of an agency: an officer only within their
 * agency, and within their unit and district when their role names one; a head of the
 * agency sees all of it. Modules filter their queries by the same rule (`officeScope`).
 */
export function maySeeRecord(session: Session, record: { agencyId: string; unit?: string | null; region?: string | null; district?: string | null }): boolean {
  return session.roles.some((r) => {
    if (r.agencyId !== record.agencyId) return false;
    if (r.role === 'head') return true;
    if (r.role !== 'officer') return false;
    return (!r.unit || r.unit === record.unit) && (!r.region || r.region === record.region) && (!r.district || r.district === record.district);
  });
}

/** The agencies (with unit, region, district limits) whose records a back-office user may see. */
export function officeScope(session: Session): { agencyId: string; unit: string | null; region: string | null; district: string | null }[] {
  return session.roles.filter((r) => (r.role === 'officer' || r.role === 'head') && r.agencyId).map((r) => (r.role === 'head'
    ? { agencyId: r.agencyId!, unit: null, region: null, district: null }
    : { agencyId: r.agencyId!, unit: r.unit, region: r.region, district: r.district }));
}
