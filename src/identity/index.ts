import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { AppContext, Module } from '../platform/index.js';
import { identityMigrations } from './identity.tables.js';
import { interactionRoutes, type SmsSender } from './oidc/interactions.js';
import { registrationRoutes, resetRoutes } from './registration/index.js';
import { createProvider, OIDC_ROUTES, saveClient } from './oidc/provider.js';
import { cabinetRoutes } from './cabinet/cabinet.js';
import { businessRoutes, type ServiceList } from './business/business.js';
import { clientRoutes } from './rp.js';
import { accessCheck } from './access.js';
import { Sessions } from './sessions.js';
import { officeRoutes, type AgencyList } from './office/office.js';
import { seedDemoPeople } from './demo.js';
import { openCa, openFaceChannel, type FaceChannel } from './channels.js';
import { methodRoutes } from './oidc/methods.js';
import type { Ca } from './pki/index.js';
import type { EmailChannel } from './email-channel.js';
import { NOTIFY_TOPIC, notificationSender, telegramReplySender, TELEGRAM_REPLY_TOPIC } from './notify.js';
import { telegramRoutes } from './telegram/index.js';
import type { TelegramChannel } from './telegram-channel.js';

export type { IdentityTables } from './identity.tables.js';
export type { SmsSender } from './oidc/interactions.js';
export { saveClient } from './oidc/provider.js';
export { hashPassword, verifyPassword } from './password.js';
export { Sessions, businessesOf, type Session, type Role, type RoleGrant, type ActingFor, type Audience } from './sessions.js';
export { principal, allows, mayActIn, maySeeRecord, officeScope } from './access.js';
export { officePage } from './office/office.js';
export { DEMO_ACCOUNTS, demoKeyFile } from './demo.js';
export { demoFacePhoto } from './face/index.js';
export { openSmsChannel, type SmsChannel } from './sms-channel.js';
export { logDataAccess, type DataAccess } from './data-access.js';
export { notify, notifySteps, type Notification } from './notify.js';
export { openTelegramChannel, type TelegramChannel } from './telegram-channel.js';
export { openEmailChannel, type EmailChannel } from './email-channel.js';
/** A page inside the personal cabinet (its navigation beside, no-store), for the modules that fill its sections. */
export { sendCabinetPage, type CabinetSection } from './cabinet/nav.js';
export { accountBar } from './business/account.js';
export { audit } from './identity.store.js';
// The demo CA for other modules: the exchange issues its members' and centre's certificates.
export { openCa } from './channels.js';
export { issueSystemCertificate, readCaCertificate, type Ca, type SystemCertificateOptions } from './pki/ca.js';
export { readDemoPopulation, Prng, parsePinfl, PinflError, parseStir, StirError, districtById, regionById, UZ_REGIONS, DISTRICTS, type District, type DemoPerson, type DemoBusiness, type DemoPopulation, type PlaceName, type RegionId } from './people/index.js';

export interface IdentityOptions {
  /** Sends the one-time codes; the demo wires the SMS gateway stand-in. Not needed to migrate. */
  sms?: SmsSender;
  /** The SMS stand-in's inbox, shown on the code screen outside production. */
  smsInbox?: string;
  /** The agencies of the catalog, for the roles an administrator grants. */
  agencies?: AgencyList;
  /** The Telegram bot (or its stand-in) for notifications and chat linking; none: no Telegram. */
  telegram?: TelegramChannel;
  /** The mail relay (or its stand-in) for e-mail notifications; none: notifications chosen for e-mail stay in the cabinet. */
  mail?: EmailChannel;
  /** The catalog's services, for the scope of a power of representation. */
  services?: ServiceList;
}

/** People, accounts, the OpenID Connect provider (OneID), sign-in, sessions and the cabinet. */
export function identityModule(options: IdentityOptions = {}): Module {
  let provider: Provider | undefined;
  let secrets: Record<'portal' | 'office', string> | undefined;
  let sessions: Sessions | undefined;
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
      ({ provider, secrets } = await createProvider(ctx.db, ctx.config));
      sessions = new Sessions(ctx.db, ctx.config);
      await sessions.listen(ctx);
      ca ??= await openCa(ctx.config);
      face = await openFaceChannel(ctx.config);
      // Notifications and the bot's answers go out after commit, retried by the outbox.
      ctx.outbox.on(NOTIFY_TOPIC, notificationSender({ db: ctx.db, sms: options.sms, telegram: options.telegram?.bot, mailer: options.mail?.mailer, publicUrl: ctx.config.publicUrl, log: ctx.log }));
      if (options.telegram) ctx.outbox.on(TELEGRAM_REPLY_TOPIC, telegramReplySender({ telegram: options.telegram.bot, log: ctx.log }));
    },
    async stop() { await face?.close(); await sessions?.close(); },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!provider || !sessions || !secrets) throw new Error('identity routes registered before start');
      app.checkAccess = accessCheck(sessions);
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
        app.route({ method: methods, url, handler: mount, config: { csrf: false, access: 'public' }, schema: { hide: true } });
      }
      if (!options.sms) throw new Error('identity needs an SMS sender to serve sign-in');
      interactionRoutes(app, { provider, db: ctx.db, sms: options.sms, smsInbox: options.smsInbox });
      registrationRoutes(app, { provider, db: ctx.db, sms: options.sms, smsInbox: options.smsInbox });
      resetRoutes(app, { provider, db: ctx.db, sms: options.sms, smsInbox: options.smsInbox });
      methodRoutes(app, { provider, db: ctx.db, ca: ca!, face: face!.matcher, demo: !ctx.config.production });
      for (const audience of ['portal', 'office'] as const) clientRoutes(app, { db: ctx.db, config: ctx.config, sessions, secret: secrets[audience], audience });
      cabinetRoutes(app, { db: ctx.db, sessions, telegram: options.telegram });
      if (options.telegram) telegramRoutes(app, { db: ctx.db, webhookSecret: options.telegram.webhookSecret });
      businessRoutes(app, { db: ctx.db, sessions, services: options.services ?? (() => []) });
      officeRoutes(app, { db: ctx.db, sessions, agencies: options.agencies ?? (() => []) });
    },
    ready: () => provider !== undefined,
  };
}

export { OIDC_ROUTES };
