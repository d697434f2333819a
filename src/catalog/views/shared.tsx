import { formatNumber, local, type Locale, type Translate } from '../../platform/index.js';
import { Card, Tag } from '../../web/index.js';
import type { CatalogSnapshot } from '../catalog.service.js';
import type { Service } from '../catalog.types.js';

/** What every catalog view is given. */
export interface ViewContext { locale: Locale; t: Translate; snap: CatalogSnapshot }

export function money(locale: Locale, t: Translate, tiyin: number): string {
  return t('money.sum', { amount: formatNumber(locale, tiyin / 100) });
}

export function termText(t: Translate, service: Service): string {
  if (service.term.days === 0) return t('service.term-immediate');
  return t(`service.term-${service.term.kind}`, { count: service.term.days });
}

export function ServiceCard({ service, ctx, level }: { service: Service; ctx: ViewContext; level?: 2 | 3 }) {
  const { locale, t, snap } = ctx;
  return (
    <Card href={`/${locale}/services/${service.id}`} title={local(service.name, locale)} level={level}
      meta={<>
        <Tag kind={service.type}>{t(`service.type.${service.type}`)}</Tag>
        {service.audience.map((a) => <Tag key={a}>{t(`service.audience.${a}`)}</Tag>)}
        <span class="count">{local(snap.agency(service.agencyId)?.name, locale)}</span>
      </>}>
      {local(service.summary, locale)}
    </Card>
  );
}

export function ServiceList({ services, ctx, level }: { services: Service[]; ctx: ViewContext; level?: 2 | 3 }) {
  return <ul class="results">{services.map((s) => <li key={s.id}><ServiceCard service={s} ctx={ctx} level={level} /></li>)}</ul>;
}
