import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { AppContext, Module } from '../platform/index.js';
import { identityMigrations } from './identity.tables.js';
import { interactionRoutes, type SmsSender } from './oidc/interactions.js';
import { createProvider, OIDC_ROUTES, saveClient } from './oidc/provider.js';
import { portalRoutes } from './portal.js';
import { seedDemoPeople } from './demo.js';
import { openCa, openFaceChannel, type FaceChannel } from './channels.js';
import { methodRoutes } from './oidc/methods.js';
import type { Ca } from './pki/index.js';

export type { IdentityTables } from './identity.tables.js';
export type { SmsSender } from './oidc/interactions.js';
export { saveClient } from './oidc/provider.js';
export { hashPassword, verifyPassword } from './password.js';
export { currentSession, type Session } from './sessions.js';
export { DEMO_ACCOUNTS, demoKeyFile } from './demo.js';
export { demoFacePhoto } from './face/index.js';
export { openSmsChannel, type SmsChannel } from './sms-channel.js';
export { logDataAccess, type DataAccess } from './data-access.js';

export interface IdentityOptions {
  /** Sends the one-time codes; the demo wires the SMS gateway stand-in. Not needed to migrate. */
  sms?: SmsSender;
  /** The SMS stand-in's inbox, shown on the code screen outside production. */
  smsInbox?: string;
}

/** People, accounts, the OpenID Connect provider (OneID), sign-in, sessions and the cabinet. */
export function identityModule(options: IdentityOptions = {}): Module {
  let provider: Provider | undefined;
  let portalSecret = '';
  let ca: Ca | undefined;
  let face: FaceChannel | undefined;
  return {
    name: 'identity',
    migrations: identityMigrations,
    async seed(ctx: AppContext) {
      ca ??= await openCa(ctx.config);
      return seedDemoPeople(ctx.db, ctx.config, ca);
    },
    async start(ctx: AppContext) {
      ({ provider, portalSecret } = await createProvider(ctx.db, ctx.config));
      ca ??= await openCa(ctx.config);
      face = await openFaceChannel(ctx.config);
    },
    async stop() { await face?.close(); },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!provider) throw new Error('identity routes registered before start');
      const callback = provider.callback();
      // The provider is a Koa app: hand it the raw request, with the body Fastify already read
      // and the security headers every response carries.
      const mount = (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value as string);
        (request.raw as unknown as { body?: unknown }).body = request.body;
        callback(request.raw, reply.raw);
      };
      const methods: ('GET' | 'POST' | 'OPTIONS' | 'DELETE')[] = ['GET', 'POST', 'OPTIONS', 'DELETE'];
      // Token, revocation and logout requests come from clients with their own proofs (client
      // secret, PKCE, the provider's own xsrf field), not from our forms.
      for (const url of ['/.well-known/openid-configuration', '/oidc/*']) {
        app.route({ method: methods, url, handler: mount, config: { csrf: false }, schema: { hide: true } });
      }
      if (!options.sms) throw new Error('identity needs an SMS sender to serve sign-in');
      interactionRoutes(app, { provider, db: ctx.db, sms: options.sms, smsInbox: options.smsInbox });
      methodRoutes(app, { provider, db: ctx.db, ca: ca!, face: face!.matcher, demo: !ctx.config.production });
      portalRoutes(app, { db: ctx.db, config: ctx.config, portalSecret });
    },
    ready: () => provider !== undefined,
  };
}

export { OIDC_ROUTES };
