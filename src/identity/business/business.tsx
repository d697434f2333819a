import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { AppError, LOCALES, local, translator, type Db, type Locale, type LocalText, type Translate } from '../../platform/index.js';
import { Button, ErrorSummary, Field, Layout, renderPage, sendPage, SummaryList, Table, type Crumb } from '../../web/index.js';
import { principal } from '../access.js';
import { audit } from '../identity.store.js';
import { districtById } from '../people/index.js';
import { businessesOf, type ActingFor, type Sessions } from '../sessions.js';
import { accountBar, actForUrl } from './account.js';
import { activePowers, businessName, findBusiness, fullName, grantPower, personName, revokePower, type PowerRow } from './business.store.js';
import { lastDay } from './dates.js';
import { parsePowerForm, type PowerFormErrors, type PowerFormValues } from './power-form.js';

/** The catalog's services, for the scope of a power. */
export type ServiceList = () => { id: string; name: LocalText }[];

const MAX_REASON = 500;
const EMPTY_FORM: PowerFormValues = { pinfl: '', scope: 'all', services: '', until: '' };

/**
 * Acting for a business on the portal: choosing whom one acts for, the legal entity's
 * cabinet, and the powers of representation its director grants and revokes.
 */
export function businessRoutes(app: FastifyInstance, deps: { db: Db; sessions: Sessions; services: ServiceList }): void {
  const { db, sessions, services } = deps;

  for (const l of LOCALES) {
    const t = translator(l);
    const cabinet: Crumb = { href: `/${l}/cabinet`, label: t('cabinet.title') };
    const businessHome = `/${l}/business`;
    const powersUrl = `${businessHome}/powers`;

    const page = (request: FastifyRequest, reply: FastifyReply, p: { title: string; path: string; breadcrumbs: Crumb[]; body: ComponentChildren }) =>
      sendPage(request, reply.header('cache-control', 'no-store'), renderPage(
        <Layout locale={l} t={t} title={p.title} path={p.path} breadcrumbs={p.breadcrumbs} account={accountBar(principal(request), l)}>{p.body}</Layout>,
      ));

    app.get(actForUrl(l), { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const businesses = await businessesOf(db, session.person.id);
      const current = session.actingFor?.businessId ?? 'self';
      const choice = (value: string, label: string, detail?: string) => (
        <li key={value}>
          <button class={value === current ? 'button' : 'button button--secondary'} type="submit" name="business" value={value} aria-current={value === current ? 'true' : undefined}>
            {label}{detail && <span class="choices__detail">{detail}</span>}{value === current && <span class="choices__detail">{t('business.act-for.current')}</span>}
          </button>
        </li>
      );
      return page(request, reply, {
        title: t('business.act-for.title'), path: '/cabinet/act-for', breadcrumbs: [cabinet, { label: t('business.act-for.title') }],
        body: <>
          <h1>{t('business.act-for.title')}</h1>
          <p class="lead">{t('business.act-for.lead')}</p>
          <form method="post" action={actForUrl(l)}>
            <input type="hidden" name="_csrf" value={reply.csrfToken()} />
            <ul class="choices">
              {choice('self', t('business.act-for.self'), personName(session.person.nameLatin, session.person.nameCyrillic, l))}
              {businesses.map((b) => choice(b.id, businessName(b.name, l),
                `${t('business.stir-value', { stir: b.stir })} · ${t(b.director_id === session.person.id ? 'business.act-for.as-director' : 'business.act-for.as-representative')}`))}
            </ul>
          </form>
          {businesses.length === 0 && <p>{t('business.act-for.none')}</p>}
        </>,
      });
    });

    app.post<{ Body: { business?: unknown } }>(actForUrl(l), { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const value = request.body?.business;
      if (typeof value !== 'string' || !value || value.length > 64) throw new AppError('bad-request', 400);
      const businessId = value === 'self' ? null : value;
      // Refused without a valid power; the session stays as it was.
      if (!await sessions.actFor(session, businessId)) throw new AppError('forbidden', 403);
      await audit(db, { actor: session.person.id, action: 'acting.switched', subject: businessId, ip: request.ip, detail: { from: session.actingFor?.businessId ?? null } });
      return reply.redirect(businessId ? businessHome : `/${l}/cabinet`, 303);
    });

    app.get(businessHome, { schema: { hide: true }, config: { access: 'business' } }, async (request, reply) => {
      const session = principal(request);
      const acting = session.actingFor!;
      const business = await findBusiness(db, acting.businessId);
      if (!business) return reply.callNotFound();
      const powers = await activePowers(db, business.id, acting.director ? undefined : session.person.id);
      const district = districtById(business.district);
      const name = businessName(business.name, l);
      const empty = (id: string, text: string) => (
        <section aria-labelledby={id} key={id}><h2 id={id}>{t(`business.cabinet.${id}`)}</h2><p>{text}</p></section>
      );
      return page(request, reply, {
        title: name, path: '/business', breadcrumbs: [cabinet, { label: t('business.cabinet.title') }],
        body: <>
          <h1>{name}</h1>
          <p class="lead">{t(acting.director ? 'business.cabinet.as-director' : 'business.cabinet.as-representative')}</p>
          <section class="panel" aria-labelledby="business-data">
            <h2 id="business-data">{t('business.cabinet.data')}</h2>
            <SummaryList rows={[
              [t('business.cabinet.name'), name],
              [t('business.stir'), business.stir],
              [t('business.cabinet.legal-form'), t(`business.legal-form.${business.legal_form}`)],
              [t('business.cabinet.registered-on'), business.registered_on],
              [t('business.cabinet.address'), business.address],
              [t('business.cabinet.district'), district ? businessName(district.name, l) : business.district],
              [t('business.cabinet.region'), t(`region.${business.region}`)],
              [t('business.cabinet.director'), personName(business.director_latin, business.director_cyrillic, l)],
            ]} />
          </section>
          {empty('applications', t('business.cabinet.applications-none'))}
          {empty('appeals', t('business.cabinet.appeals-none'))}
          {empty('documents', t('business.cabinet.documents-none'))}
          <section aria-labelledby="powers">
            <h2 id="powers">{t('business.powers.title')}</h2>
            <p>{acting.director
              ? (powers.length === 0 ? t('business.powers.none') : t('business.cabinet.powers-count', { count: powers.length }))
              : powers.map((p) => t('business.cabinet.your-power', { date: lastDay(p.expires_at), scope: scopeText(p.scope, t, l, services) })).join(' ')}</p>
            <p><a href={powersUrl}>{t(acting.director ? 'business.cabinet.manage-powers' : 'business.cabinet.see-power')}</a></p>
          </section>
        </>,
      });
    });

    app.get<{ Querystring: { done?: string } }>(powersUrl, { schema: { hide: true }, config: { access: 'business' } }, async (request, reply) =>
      powersPage(request, reply, { done: request.query.done }));

    app.post<{ Body: Record<string, unknown> }>(powersUrl, { schema: { hide: true }, config: { access: 'business' } }, async (request, reply) => {
      const session = principal(request);
      const acting = session.actingFor!;
      // Only the director grants powers; to anyone else this form does not exist.
      if (!acting.director) return reply.callNotFound();
      const catalog = services();
      const form = parsePowerForm(request.body ?? {}, catalog.length > 0 ? new Set(catalog.map((s) => s.id)) : null);
      if (!form.power) return powersPage(request, reply.code(400), { values: form.values, errors: form.errors });
      const granted = await grantPower(db, { businessId: acting.businessId, ...form.power, by: session.person.id, ip: request.ip });
      if ('reason' in granted) {
        return powersPage(request, reply.code(400), { values: form.values, errors: { pinfl: { key: `pinfl-${granted.reason}` } } });
      }
      await sessions.changed(granted.personId);
      return reply.redirect(`${powersUrl}?done=granted`, 303);
    });

    app.post<{ Params: { id: string }; Body: { reason?: unknown } }>(`${powersUrl}/:id/revoke`, { schema: { hide: true }, config: { access: 'business' } }, async (request, reply) => {
      const session = principal(request);
      const acting = session.actingFor!;
      if (!acting.director || request.params.id.length > 64) return reply.callNotFound();
      const reason = typeof request.body?.reason === 'string' ? request.body.reason.trim() : '';
      if (reason.length > MAX_REASON) throw new AppError('bad-request', 400);
      const personId = await revokePower(db, { businessId: acting.businessId, powerId: request.params.id, by: session.person.id, reason: reason || null, ip: request.ip });
      if (!personId) return reply.callNotFound();
      // The representative's sessions drop the business now, in every process.
      await sessions.changed(personId);
      return reply.redirect(`${powersUrl}?done=revoked`, 303);
    });

    async function powersPage(request: FastifyRequest, reply: FastifyReply, state: { done?: string; values?: PowerFormValues; errors?: PowerFormErrors }) {
      const session = principal(request);
      const acting = session.actingFor!;
      const powers = await activePowers(db, acting.businessId, acting.director ? undefined : session.person.id);
      const csrf = reply.csrfToken();
      const errors = state.errors ?? {};
      const values = state.values ?? EMPTY_FORM;
      const message = (field: keyof PowerFormValues) => errors[field] && t(`business.powers.error.${errors[field]!.key}`, errors[field]!.params);
      const anchors: Record<keyof PowerFormValues, string> = { pinfl: '#pinfl', scope: '#scope-all', services: '#services', until: '#until' };
      const done = state.done === 'granted' || state.done === 'revoked' ? state.done : undefined;
      const title = t('business.powers.title');
      return page(request, reply, {
        title, path: '/business/powers', breadcrumbs: [cabinet, { href: businessHome, label: businessName(acting.name, l) }, { label: title }],
        body: <>
          <h1>{title}</h1>
          {done && <p class="notice" role="status">{t(`business.powers.${done}`)}</p>}
          <p class="lead">{t(acting.director ? 'business.powers.lead-director' : 'business.powers.lead-representative')}</p>
          {powers.length === 0 ? <p>{t('business.powers.none')}</p> : (
            <PowersTable powers={powers} acting={acting} csrf={csrf} t={t} l={l} services={services} />
          )}
          {acting.director && (
            <form method="post" action={powersUrl} class="panel grant-form" novalidate>
              <h2 id="grant">{t('business.powers.grant')}</h2>
              <ErrorSummary title={t('business.powers.problem')}
                errors={(Object.keys(anchors) as (keyof PowerFormValues)[]).filter((f) => errors[f]).map((f) => ({ href: anchors[f], text: message(f)! }))} />
              <input type="hidden" name="_csrf" value={csrf} />
              <Field name="pinfl" label={t('business.powers.pinfl')} hint={t('business.powers.pinfl-hint')} value={values.pinfl} error={message('pinfl')} required />
              <fieldset class={errors.scope ? 'field field--error' : 'field'}>
                <legend>{t('business.powers.scope')}</legend>
                {errors.scope && <p class="field__error" id="scope-error">{message('scope')}</p>}
                <div class="radio">
                  <input type="radio" id="scope-all" name="scope" value="all" checked={values.scope !== 'some'} />
                  <label for="scope-all">{t('business.powers.scope-all')}</label>
                </div>
                <div class="radio">
                  <input type="radio" id="scope-some" name="scope" value="some" checked={values.scope === 'some'} />
                  <label for="scope-some">{t('business.powers.scope-some')}</label>
                </div>
              </fieldset>
              <Field name="services" label={t('business.powers.services')} hint={t('business.powers.services-hint')} value={values.services} error={message('services')} />
              <Field name="until" type="date" label={t('business.powers.until')} hint={t('business.powers.until-hint')} value={values.until} error={message('until')} required />
              <Button>{t('business.powers.grant-button')}</Button>
            </form>
          )}
        </>,
      });
    }
  }
}

function scopeText(scope: string[], t: Translate, l: Locale, services?: ServiceList): string {
  if (scope.includes('*')) return t('business.powers.scope-all');
  const names = new Map((services?.() ?? []).map((s) => [s.id, local(s.name, l)]));
  return scope.map((id) => names.get(id) ?? id).join(', ');
}

function PowersTable({ powers, acting, csrf, t, l, services }: { powers: PowerRow[]; acting: ActingFor; csrf: string; t: Translate; l: Locale; services: ServiceList }) {
  const head = [t('business.powers.person'), t('business.powers.pinfl-column'), t('business.powers.scope'), t('business.powers.until-column')];
  return (
    <Table caption={t('business.powers.caption')} head={acting.director ? [...head, t('business.powers.action')] : head}
      rows={powers.map((p) => {
        const name = personName(p.name_latin, p.name_cyrillic, l);
        const row: ComponentChildren[] = [name, p.pinfl ?? '—', scopeText(p.scope, t, l, services), lastDay(p.expires_at)];
        if (acting.director) {
          row.push(
            <form method="post" action={`/${l}/business/powers/${p.id}/revoke`} class="revoke-form">
              <input type="hidden" name="_csrf" value={csrf} />
              <label for={`reason-${p.id}`}>{t('business.powers.reason')}</label>
              <input id={`reason-${p.id}`} name="reason" type="text" maxLength={MAX_REASON} />
              <button class="button button--secondary" type="submit">{t('business.powers.revoke')}<span class="visually-hidden"> {t('business.powers.revoke-whose', { name: fullName(p.name_latin) })}</span></button>
            </form>,
          );
        }
        return row;
      })} />
  );
}
