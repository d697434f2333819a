import { local } from '../../platform/index.js';
import { Layout, SearchBox } from '../../web/index.js';
import { ServiceCard, type ViewContext } from './shared.js';

export function HomePage({ ctx }: { ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  return (
    <Layout locale={locale} t={t} title={t('home.title')} path="/" description={t('home.lead')} headerSearch={false}>
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.lead', { count: snap.services.length })}</p>
      <SearchBox action={`/${locale}/search`} t={t} large />
      <section aria-labelledby="popular">
        <h2 id="popular">{t('home.popular')}</h2>
        <ul class="grid grid--3">{snap.services.slice(0, 9).map((s) => <li key={s.id}><ServiceCard service={s} ctx={ctx} /></li>)}</ul>
      </section>
      <section aria-labelledby="spheres">
        <h2 id="spheres">{t('home.spheres')}</h2>
        <SphereGrid ctx={ctx} />
      </section>
    </Layout>
  );
}

export function SphereGrid({ ctx, level = 3 }: { ctx: ViewContext; level?: 2 | 3 }) {
  const { locale, t, snap } = ctx;
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <ul class="grid grid--3">
      {snap.spheres.map((s) => (
        <li key={s.id} class="card">
          <Heading class="card__title"><a href={`/${locale}/spheres/${s.id}`}>{local(s.name, locale)}</a></Heading>
          <p class="count">{t('common.services-count', { count: snap.countIn({ sphere: s.id }) })}</p>
        </li>
      ))}
    </ul>
  );
}
