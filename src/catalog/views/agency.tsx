import { local } from '../../platform/index.js';
import { Layout, SummaryList, Table } from '../../web/index.js';
import type { Agency } from '../catalog.types.js';
import { ServiceList, type ViewContext } from './shared.js';

export function AgenciesPage({ ctx }: { ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  const sorted = [...snap.agencies].sort((a, b) => local(a.name, locale).localeCompare(local(b.name, locale), locale === 'en' ? 'en' : locale === 'ru' ? 'ru' : 'uz'));
  return (
    <Layout locale={locale} t={t} title={t('agencies.title')} path="/agencies" breadcrumbs={[{ label: t('agencies.title') }]}>
      <h1>{t('agencies.title')}</h1>
      <Table caption={t('agencies.caption', { count: sorted.length })} head={[t('agencies.name'), t('agencies.region'), t('agencies.services')]}
        rows={sorted.map((a) => [
          <a href={`/${locale}/agencies/${a.id}`}>{local(a.name, locale)}</a>,
          t(`region.${a.region}`),
          String(snap.countIn({ agency: a.id })),
        ])} />
    </Layout>
  );
}

export function AgencyPage({ agency, ctx }: { agency: Agency; ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  const name = local(agency.name, locale);
  const parent = agency.parentId ? snap.agency(agency.parentId) : undefined;
  const children = snap.agencies.filter((a) => a.parentId === agency.id);
  const services = snap.find('', { agency: agency.id }, 1, 1000).items;
  return (
    <Layout locale={locale} t={t} title={name} path={`/agencies/${agency.id}`}
      breadcrumbs={[{ href: `/${locale}/agencies`, label: t('agencies.title') }, { label: name }]}>
      <h1>{name}</h1>
      <div class="panel">
        <SummaryList rows={[
          ...(parent ? [[t('agencies.parent'), <a href={`/${locale}/agencies/${parent.id}`}>{local(parent.name, locale)}</a>] as [string, preact.ComponentChildren]] : []),
          [t('agencies.region'), t(`region.${agency.region}`)],
          [t('agencies.address'), local(agency.address, locale)],
          [t('agencies.hours'), local(agency.hours, locale)],
          [t('agencies.phone'), <a href={`tel:${agency.phone.replace(/[^+\d]/g, '')}`}>{agency.phone}</a>],
          [t('agencies.email'), <a href={`mailto:${agency.email}`}>{agency.email}</a>],
          ...(agency.website ? [[t('agencies.website'), <a href={agency.website} rel="noopener">{agency.website}</a>] as [string, preact.ComponentChildren]] : []),
        ]} />
      </div>
      {children.length > 0 && (
        <>
          <h2>{t('agencies.subordinate')}</h2>
          <ul>{children.map((c) => <li key={c.id}><a href={`/${locale}/agencies/${c.id}`}>{local(c.name, locale)}</a></li>)}</ul>
        </>
      )}
      <h2>{t('agencies.services-title', { count: services.length })}</h2>
      {services.length > 0 ? <ServiceList services={services} ctx={ctx} /> : <p>{t('agencies.no-services')}</p>}
    </Layout>
  );
}
