import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { sql } from 'kysely';
import { LOCALES, local, translator, type Db, type Locale, type LocalText, type Translate } from '../../platform/index.js';
import { Button, ErrorSummary, Field, OfficeLayout, renderPage, Select, sendPage, SummaryList, Table } from '../../web/index.js';
import { principal } from '../access.js';
import { audit, PERSON_COLUMNS, toPerson } from '../identity.store.js';
import type { Role, Session, Sessions } from '../sessions.js';
import { REGION_IDS } from '../people/index.js';
import { queueCounts, QUEUES } from '../../applications/index.js';

export const ROLES: Role[] = ['officer', 'head', 'editor', 'admin'];
export type AgencyList = () => { id: string; name: LocalText }[];

const fullName = (n: { first: string; middle?: string; last: string }) => [n.first, n.middle, n.last].filter(Boolean).join(' ');

/** Renders a back-office page in its shell for the signed-in user. */
export function officePage(request: FastifyRequest, reply: FastifyReply, page: { title: string; path: string; section: string; body: ComponentChildren; breadcrumbs?: { href?: string; label: string }[] }) {
  const l = request.locale;
  const t = translator(l);
  const session = principal(request);
  return sendPage(request, reply.header('cache-control', 'no-store'), renderPage(
    <OfficeLayout locale={l} t={t} title={page.title} path={page.path} section={page.section} csrf={reply.csrfToken()} breadcrumbs={page.breadcrumbs}
      user={{ name: fullName(session.person.nameLatin), roles: [...new Set(session.roles.map((r) => r.role))] }}>
      {page.body}
    </OfficeLayout>,
  ));
}

/**
 * The back office's own pages in identity: the staff home (queues fill in as the
 * applications and appeals modules land) and the administrator's people and roles.
 */
export function officeRoutes(app: FastifyInstance, deps: { db: Db; sessions: Sessions; agencies: AgencyList }): void {
  const { db, sessions, agencies } = deps;
  const agencyName = (id: string | null, l: Locale) => (id ? local(agencies().find((a) => a.id === id)?.name, l) || id : '—');

  app.get('/office', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').redirect(`/${request.locale}/office`, 302));

  for (const l of LOCALES) {
    const t = translator(l);

    app.get(`/${l}/office`, { schema: { hide: true }, config: { access: 'staff' } }, async (request, reply) => {
      const session = principal(request);
      const has = (...roles: Role[]) => session.roles.some((r) => roles.includes(r.role));
      // The applications module counts its queues within what this officer may see.
      const counts = has('officer', 'head') ? await queueCounts(db, session) : undefined;
      return officePage(request, reply, {
        title: t('office.home.title'), path: '', section: 'home',
        body: <>
          <h1>{t('office.home.greeting', { name: session.person.nameLatin.first })}</h1>
          {counts && (
            <section aria-labelledby="queues">
              <h2 id="queues">{t('office.home.queues')}</h2>
              <ul class="queue-list">
                {QUEUES.map((q) => (
                  <li class="card" key={q}><a href={`/${l}/office/applications?queue=${q}`}><span class="count">{counts[q]}</span>{t(`office.home.queue.${q}`)}</a></li>
                ))}
              </ul>
              {QUEUES.every((q) => counts[q] === 0) && <p class="lead">{t('office.home.queues-empty')}</p>}
            </section>
          )}
          {has('editor') && <p><Button href={`/${l}/office/catalog`}>{t('office.home.open-catalog')}</Button></p>}
          {has('admin') && <p><Button href={`/${l}/office/people`}>{t('office.home.open-people')}</Button></p>}
          <section aria-labelledby="my-roles">
            <h2 id="my-roles">{t('office.home.my-roles')}</h2>
            <RolesTable t={t} l={l} roles={session.roles} agencyName={agencyName} />
          </section>
        </>,
      });
    });

    app.get<{ Querystring: { q?: string } }>(`/${l}/office/people`, { schema: { hide: true }, config: { access: 'admin' } }, async (request, reply) =>
      peoplePage(request, reply, String(request.query.q ?? '').slice(0, 40)));

    app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>(`/${l}/office/people/:id/roles`, { schema: { hide: true }, config: { access: 'admin' } }, async (request, reply) => {
      const admin = principal(request);
      const body = request.body ?? {};
      const person = await db.selectFrom('identity_person').select(['id', 'pinfl']).where('id', '=', request.params.id).executeTakeFirst();
      if (!person) return reply.callNotFound();
      const role = String(body.role ?? '') as Role;
      const agencyId = String(body.agency ?? '');
      const region = String(body.region ?? '');
      const errors: Record<string, string> = {};
      if (!ROLES.includes(role)) errors.role = t('office.people.error-role');
      if (!agencies().some((a) => a.id === agencyId)) errors.agency = t('office.people.error-agency');
      if (region && !(REGION_IDS as readonly string[]).includes(region)) errors.region = t('office.people.error-region');
      const unit = String(body.unit ?? '').trim().slice(0, 80) || null;
      const position = String(body.position ?? '').trim().slice(0, 120) || null;
      if (Object.keys(errors).length > 0) return peoplePage(request, reply.code(400), person.pinfl ?? '', errors);
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('identity_role').values({ id, person_id: person.id, role, agency_id: agencyId, unit, region: region || null, district: null, position, granted_by: admin.person.id, revoked_at: null }).execute();
        await audit(trx, { actor: admin.person.id, action: 'role.granted', subject: person.id, ip: request.ip, detail: { id, role, agencyId, unit, region: region || null, position } });
      });
      await sessions.changed(person.id);
      return reply.redirect(`/${l}/office/people?q=${encodeURIComponent(person.pinfl ?? '')}`, 303);
    });

    app.post<{ Params: { id: string; roleId: string } }>(`/${l}/office/people/:id/roles/:roleId/revoke`, { schema: { hide: true }, config: { access: 'admin' } }, async (request, reply) => {
      const admin = principal(request);
      const { id, roleId } = request.params;
      const revoked = await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('identity_role').set({ revoked_at: sql`now()` })
          .where('id', '=', roleId).where('person_id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await audit(trx, { actor: admin.person.id, action: 'role.revoked', subject: id, ip: request.ip, detail: { id: roleId } });
        return true;
      });
      if (!revoked) return reply.callNotFound();
      await sessions.changed(id);
      const person = await db.selectFrom('identity_person').select('pinfl').where('id', '=', id).executeTakeFirst();
      return reply.redirect(`/${l}/office/people?q=${encodeURIComponent(person?.pinfl ?? '')}`, 303);
    });
  }

  async function peoplePage(request: FastifyRequest, reply: FastifyReply, q: string, errors: Record<string, string> = {}) {
    const l = request.locale;
    const t = translator(l);
    const digits = q.replace(/\D/g, '');
    const row = digits.length >= 9 ? await db.selectFrom('identity_person').select(PERSON_COLUMNS)
      .where((eb) => eb.or([eb('pinfl', '=', digits), eb('phone', '=', digits.length === 9 ? `998${digits}` : digits)])).executeTakeFirst() : undefined;
    const person = row && toPerson(row);
    const roles = person ? await db.selectFrom('identity_role').selectAll().where('person_id', '=', person.id).where('revoked_at', 'is', null).orderBy('granted_at').execute() : [];
    const csrf = reply.csrfToken();
    const options = (items: { value: string; label: string }[]) => [{ value: '', label: t('office.people.choose') }, ...items];
    return officePage(request, reply, {
      title: t('office.people.title'), path: `/people${q ? `?q=${encodeURIComponent(q)}` : ''}`, section: 'people',
      breadcrumbs: [{ label: t('office.people.title') }],
      body: <>
        <h1>{t('office.people.title')}</h1>
        <ErrorSummary title={t('office.people.problem')} errors={Object.entries(errors).map(([k, v]) => ({ href: `#${k}`, text: v }))} />
        <form method="get" action={`/${l}/office/people`} class="panel" role="search">
          <Field name="q" label={t('office.people.search')} hint={t('office.people.search-hint')} value={q} />
          <Button>{t('office.people.find')}</Button>
        </form>
        {q && !person && <p>{t('office.people.not-found')}</p>}
        {person && <>
          <h2>{fullName(person.nameLatin)}</h2>
          <SummaryList rows={[[t('cabinet.pinfl'), person.pinfl ?? '—'], [t('cabinet.phone'), person.phone ?? '—']]} />
          <h3>{t('office.home.my-roles')}</h3>
          {roles.length === 0 ? <p>{t('office.people.no-roles')}</p> : (
            <Table caption={t('office.people.roles-caption')} head={[t('office.people.role'), t('office.people.agency'), t('office.people.unit'), t('office.people.region'), t('office.people.action')]}
              rows={roles.map((r) => [
                t(`office.role.${r.role}`), agencyName(r.agency_id, l), r.unit ?? '—', r.region ? t(`region.${r.region}`) : '—',
                <form method="post" action={`/${l}/office/people/${person.id}/roles/${r.id}/revoke`} class="inline-form">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button class="button button--secondary" type="submit">{t('office.people.revoke')}</button>
                </form>,
              ])} />
          )}
          <form method="post" action={`/${l}/office/people/${person.id}/roles`} class="panel" novalidate>
            <h3>{t('office.people.grant')}</h3>
            <input type="hidden" name="_csrf" value={csrf} />
            <Select name="role" label={t('office.people.role')} options={options(ROLES.map((r) => ({ value: r, label: t(`office.role.${r}`) })))} />
            {errors.role && <p class="field__error">{errors.role}</p>}
            <Select name="agency" label={t('office.people.agency')} options={options(agencies().map((a) => ({ value: a.id, label: local(a.name, l) })).sort((a, b) => a.label.localeCompare(b.label)))} />
            {errors.agency && <p class="field__error">{errors.agency}</p>}
            <Field name="unit" label={t('office.people.unit')} />
            <Select name="region" label={t('office.people.region')} options={[{ value: '', label: t('office.people.all-regions') }, ...REGION_IDS.map((r) => ({ value: r, label: t(`region.${r}`) }))]} />
            {errors.region && <p class="field__error">{errors.region}</p>}
            <Field name="position" label={t('office.people.position')} />
            <Button>{t('office.people.grant-button')}</Button>
          </form>
        </>}
      </>,
    });
  }
}

function RolesTable({ t, l, roles, agencyName }: { t: Translate; l: Locale; roles: Session['roles']; agencyName: (id: string | null, l: Locale) => string }) {
  return (
    <Table caption={t('office.people.roles-caption')} head={[t('office.people.role'), t('office.people.agency'), t('office.people.unit'), t('office.people.region')]}
      rows={roles.map((r) => [t(`office.role.${r.role}`), agencyName(r.agencyId, l), r.unit ?? '—', r.region ? t(`region.${r.region}`) : '—'])} />
  );
}
