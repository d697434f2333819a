import { local } from '../../platform/index.js';
import { Button, Layout, Pagination, SearchBox, Select } from '../../web/index.js';
import type { Page } from '../catalog.service.js';
import { AUDIENCES, SERVICE_TYPES, type Service } from '../catalog.types.js';
import type { SearchFilters } from '../index.js';
import { ServiceList, type ViewContext } from './shared.js';

export interface SearchParams extends SearchFilters { q: string; page: number }

export function searchHref(locale: string, params: SearchParams, page: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, page: page > 1 ? String(page) : '' })) if (value) query.set(key, String(value));
  const text = query.toString();
  return `/${locale}/search${text ? `?${text}` : ''}`;
}

export function SearchPage({ params, results, ctx }: { params: SearchParams; results: Page<Service>; ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  const title = params.q ? t('search.results-for', { q: params.q }) : t('search.title');
  const any = { value: '', label: t('search.any') };
  return (
    <Layout locale={locale} t={t} title={title} path={searchHref('', params, params.page).slice(1)} breadcrumbs={[{ label: t('search.title') }]} headerSearch={false}>
      <h1>{title}</h1>
      <SearchBox action={`/${locale}/search`} value={params.q} t={t} large />
      <div class="layout layout--filters">
        <form class="panel" action={`/${locale}/search`} method="get" aria-labelledby="filters">
          <h2 id="filters">{t('search.filters')}</h2>
          <input type="hidden" name="q" value={params.q} />
          <Select name="sphere" label={t('search.sphere')} value={params.sphere}
            options={[any, ...snap.spheres.map((s) => ({ value: s.id, label: local(s.name, locale) }))]} />
          <Select name="agency" label={t('search.agency')} value={params.agency}
            options={[any, ...snap.agencies.map((a) => ({ value: a.id, label: local(a.name, locale) })).sort((a, b) => a.label.localeCompare(b.label))]} />
          <Select name="audience" label={t('search.audience')} value={params.audience}
            options={[any, ...AUDIENCES.map((a) => ({ value: a, label: t(`service.audience.${a}`) }))]} />
          <Select name="type" label={t('search.type')} value={params.type}
            options={[any, ...SERVICE_TYPES.map((v) => ({ value: v, label: t(`service.type.${v}`) }))]} />
          <Button secondary>{t('search.apply-filters')}</Button>
        </form>
        <div>
          <p class="count" role="status">{t('search.found', { count: results.total })}</p>
          {results.total === 0 ? <p>{t('search.nothing')}</p> : <ServiceList services={results.items} ctx={ctx} />}
          <Pagination page={results.page} pages={results.pages} href={(p) => searchHref(locale, params, p)} t={t} />
        </div>
      </div>
    </Layout>
  );
}
