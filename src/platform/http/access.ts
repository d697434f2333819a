import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call a route. Every route declares it (`config: { access }`); the identity module
 * enforces it, and a test tries every route with every demo role.
 * - `public`: anyone, or a machine caller with its own proof (client secret, signature).
 * - `person`: signed in to the portal. `business`: on the portal, acting for a business.
 * - `staff`: signed in to the back office with any role; `officer` (or a head), `head`,
 *   `editor`, `admin`: signed in to the back office with that role.
 */
export type Access = 'public' | 'person' | 'business' | 'staff' | 'officer' | 'head' | 'editor' | 'admin';
export const ACCESS_LEVELS: readonly Access[] = ['public', 'person', 'business', 'staff', 'officer', 'head', 'editor', 'admin'];

/** One route as registered: what the authorization test walks through. */
export interface RouteEntry { method: string; url: string; access: Access | undefined }

/** Lets a request through, or throws (401/403) or replies (a redirect to sign in). */
export type AccessCheck = (request: FastifyRequest, reply: FastifyReply, access: Exclude<Access, 'public'>) => Promise<void>;
