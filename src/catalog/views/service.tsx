import type { ComponentChildren } from 'preact';
import { local } from '../../platform/index.js';
import { Button, Layout, SummaryList, Tag } from '../../web/index.js';
import type { Service } from '../catalog.types.js';
import { money, termText, type ViewContext } from './shared.js';

export function ServicePage({ service, ctx }: { service: Service; ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  const name = local(service.name, locale);
  const sphere = snap.sphere(service.sphereId);
  const agency = snap.agency(service.agencyId);
  const fee = snap.fee(service);
  const feeText: ComponentChildren = !fee || fee.bhm === 0
    ? t('service.free')
    : (
      <>
        {t('service.fee-bhm', { bhm: fee.bhm, amount: money(locale, t, fee.fullTiyin) })}
        {fee.discount > 0 && service.channels.includes('portal') && (
          <><br /><span class="price-online">{t('service.fee-online', { amount: money(locale, t, fee.onlineTiyin), discount: fee.discount })}</span></>
        )}
      </>
    );
  const rows: [string, ComponentChildren][] = [
    [t('service.agency'), agency ? <a href={`/${locale}/agencies/${agency.id}`}>{local(agency.name, locale)}</a> : ''],
    [t('service.type-label'), <>{t(`service.type.${service.type}`)}<br /><span class="count">{t(`service.type-help.${service.type}`)}</span></>],
    [t('service.audience-label'), service.audience.map((a) => t(`service.audience.${a}`)).join(', ')],
    [t('service.channels-label'), service.channels.map((c) => t(`service.channel.${c}`)).join(', ')],
    [t('service.fee-label'), feeText],
    [t('service.term-label'), termText(t, service)],
    [t('service.result-label'), local(service.result, locale)],
  ];
  const canApply = service.type !== 'informational' && service.channels.includes('portal');
  return (
    <Layout locale={locale} t={t} title={name} path={`/services/${service.id}`} description={local(service.summary, locale)}
      breadcrumbs={[
        { href: `/${locale}/spheres`, label: t('spheres.title') },
        ...(sphere ? [{ href: `/${locale}/spheres/${sphere.id}`, label: local(sphere.name, locale) }] : []),
        { label: name },
      ]}>
      <div class="layout">
        <div>
          <h1>{name}</h1>
          <p class="card__meta"><Tag kind={service.type}>{t(`service.type.${service.type}`)}</Tag>{service.audience.map((a) => <Tag key={a}>{t(`service.audience.${a}`)}</Tag>)}</p>
          <p class="lead">{local(service.summary, locale)}</p>
          {canApply && <p><Button href={`/${locale}/services/${service.id}/apply`}>{t('service.apply')}</Button></p>}
          <section class="panel" aria-labelledby="facts"><h2 id="facts">{t('service.facts')}</h2><SummaryList rows={rows} /></section>
          <section class="panel" aria-labelledby="documents">
            <h2 id="documents">{t('service.documents')}</h2>
            {service.documents.length > 0
              ? <ul>{service.documents.map((d, i) => <li key={i}>{local(d, locale)}</li>)}</ul>
              : <p>{t('service.no-documents')}</p>}
          </section>
          <section class="panel" aria-labelledby="steps">
            <h2 id="steps">{t('service.steps')}</h2>
            <ol class="steps">{service.steps.map((s, i) => <li key={i}>{local(s, locale)}</li>)}</ol>
          </section>
          <section class="panel" aria-labelledby="legal">
            <h2 id="legal">{t('service.legal-basis')}</h2>
            <ul>{service.legalBasis.map((b, i) => (
              <li key={i}>
                {b.url ? <a href={b.url} rel="noopener">{local(b.act, locale)}</a> : local(b.act, locale)}
                {b.article && <>, {t('service.article', { article: b.article })}</>}
              </li>
            ))}</ul>
          </section>
        </div>
        {agency && (
          <aside class="panel" aria-labelledby="contacts">
            <h2 id="contacts">{t('service.contacts')}</h2>
            <p><a href={`/${locale}/agencies/${agency.id}`}>{local(agency.name, locale)}</a></p>
            <p>{local(agency.address, locale)}</p>
            <p>{local(agency.hours, locale)}</p>
            <p><a href={`tel:${agency.phone.replace(/[^+\d]/g, '')}`}>{agency.phone}</a><br /><a href={`mailto:${agency.email}`}>{agency.email}</a></p>
            <p class="count">{t('service.popularity', { count: service.popularity })}</p>
          </aside>
        )}
      </div>
    </Layout>
  );
}
