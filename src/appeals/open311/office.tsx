// The administrator's page for Open311 clients: register one (its key shown once), see who
// has a key, revoke a key at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { audit, officePage, principal } from '../../identity/index.js';
import { LOCALES, translator, type Db, type Locale } from '../../platform/index.js';
import { Button, ErrorSummary, Field, SummaryList, Table } from '../../web/index.js';
import { issueClient, listClients, revokeClient } from './clients.js';
import { day } from './views.js';

const ADMIN = { schema: { hide: true }, config: { access: 'admin' as const } };

export function open311OfficeRoutes(app: FastifyInstance, deps: { db: Db; publicUrl: string }): void {
  const { db } = deps;
  for (const l of LOCALES) {
    const t = translator(l);

    app.get(`/${l}/office/open311`, ADMIN, async (request, reply) => clientsPage(request, reply, l));

    app.post<{ Body: Record<string, string | undefined> }>(`/${l}/office/open311/clients`, ADMIN, async (request, reply) => {
      const body = request.body ?? {};
      const name = String(body.name ?? '').trim();
      const contact = String(body.contact ?? '').trim();
      const errors: Record<string, string> = {};
      if (name.length < 2 || name.length > 100) errors.name = t('appeals.open311.office.error-name');
      if (contact.length < 3 || contact.length > 200) errors.contact = t('appeals.open311.office.error-contact');
      if (Object.keys(errors).length > 0) return clientsPage(request, reply.code(400), l, { errors, values: { name, contact } });
      const admin = principal(request);
      const issued = await db.transaction().execute(async (trx) => {
        const client = await issueClient(trx, { name, contact });
        await audit(trx, { actor: admin.person.id, action: 'open311.client-issued', subject: client.id, ip: request.ip, detail: { name } });
        return client;
      });
      // The key is in this answer only; reloading the page does not show it again.
      return clientsPage(request, reply.code(201), l, { issued: { ...issued, name } });
    });

    app.post<{ Params: { id: string } }>(`/${l}/office/open311/clients/:id/revoke`, ADMIN, async (request, reply) => {
      const admin = principal(request);
      const revoked = await db.transaction().execute(async (trx) => {
        if (!await revokeClient(trx, request.params.id)) return false;
        await audit(trx, { actor: admin.person.id, action: 'open311.client-revoked', subject: request.params.id, ip: request.ip });
        return true;
      });
      if (!revoked) return reply.callNotFound();
      return reply.redirect(`/${l}/office/open311`, 303);
    });
  }

  async function clientsPage(request: FastifyRequest, reply: FastifyReply, l: Locale, state: {
    errors?: Record<string, string>; values?: { name: string; contact: string }; issued?: { id: string; key: string; name: string };
  } = {}) {
    const t = translator(l);
    const csrf = reply.csrfToken();
    const clients = await listClients(db);
    const errors = state.errors ?? {};
    return officePage(request, reply, {
      title: t('appeals.open311.office.title'), path: '/open311', section: 'open311',
      breadcrumbs: [{ label: t('appeals.open311.office.title') }],
      body: <>
        <h1>{t('appeals.open311.office.title')}</h1>
        <p class="lead">{t('appeals.open311.office.intro', { url: `${deps.publicUrl.replace(/\/$/, '')}/open311/v2/discovery.xml` })}</p>
        {state.issued && (
          <section class="panel" aria-labelledby="issued" role="status">
            <h2 id="issued">{t('appeals.open311.office.key-title', { name: state.issued.name })}</h2>
            <p>{t('appeals.open311.office.key-once')}</p>
            <SummaryList rows={[[t('appeals.open311.office.key'), <code data-testid="open311-key">{state.issued.key}</code>]]} />
          </section>
        )}
        <ErrorSummary title={t('appeals.open311.office.problem')} errors={Object.entries(errors).map(([k, v]) => ({ href: `#${k}`, text: v }))} />
        <form method="post" action={`/${l}/office/open311/clients`} class="panel" novalidate>
          <h2>{t('appeals.open311.office.register')}</h2>
          <input type="hidden" name="_csrf" value={csrf} />
          <Field name="name" label={t('appeals.open311.office.name')} hint={t('appeals.open311.office.name-hint')} value={state.values?.name} error={errors.name} required />
          <Field name="contact" label={t('appeals.open311.office.contact')} hint={t('appeals.open311.office.contact-hint')} value={state.values?.contact} error={errors.contact} required />
          <Button>{t('appeals.open311.office.register-button')}</Button>
        </form>
        <h2>{t('appeals.open311.office.clients')}</h2>
        {clients.length === 0 ? <p>{t('appeals.open311.office.none')}</p> : (
          <Table caption={t('appeals.open311.office.clients')}
            head={[t('appeals.open311.office.name'), t('appeals.open311.office.contact'), t('appeals.open311.office.created'), t('appeals.open311.office.status'), t('appeals.open311.office.action')]}
            rows={clients.map((c) => [
              c.name, c.contact, day(c.createdAt, l),
              c.revokedAt ? t('appeals.open311.office.revoked', { date: day(c.revokedAt, l) }) : t('appeals.open311.office.active'),
              c.revokedAt ? '—' : (
                <form method="post" action={`/${l}/office/open311/clients/${c.id}/revoke`} class="inline-form">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button class="button button--secondary" type="submit">{t('appeals.open311.office.revoke')}</button>
                </form>
              ),
            ])} />
        )}
      </>,
    });
  }
}
