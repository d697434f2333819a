import { local } from '../../platform/index.js';
import { Layout } from '../../web/index.js';
import type { Sphere } from '../catalog.types.js';
import { SphereGrid } from './home.js';
import { ServiceList, type ViewContext } from './shared.js';

export function SpheresPage({ ctx }: { ctx: ViewContext }) {
  const { locale, t } = ctx;
  return (
    <Layout locale={locale} t={t} title={t('spheres.title')} path="/spheres" breadcrumbs={[{ label: t('spheres.title') }]}>
      <h1>{t('spheres.title')}</h1>
      <SphereGrid ctx={ctx} level={2} />
    </Layout>
  );
}

export function SpherePage({ sphere, ctx }: { sphere: Sphere; ctx: ViewContext }) {
  const { locale, t, snap } = ctx;
  const services = snap.find('', { sphere: sphere.id }, 1, 1000).items;
  const name = local(sphere.name, locale);
  return (
    <Layout locale={locale} t={t} title={name} path={`/spheres/${sphere.id}`}
      breadcrumbs={[{ href: `/${locale}/spheres`, label: t('spheres.title') }, { label: name }]}>
      <h1>{name}</h1>
      <p class="count">{t('common.services-count', { count: services.length })}</p>
      <ServiceList services={services} ctx={ctx} level={2} />
    </Layout>
  );
}
