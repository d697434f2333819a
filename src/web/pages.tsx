import type { Locale, Translate } from '../platform/index.js';
import { Layout } from './layout.js';

/** Where the Apply buttons lead until the sign-on (OneID) is in place. */
export function signInPage(locale: Locale, t: Translate) {
  return (
    <Layout locale={locale} t={t} title={t('signin.title')} path="/signin" breadcrumbs={[{ label: t('signin.title') }]}>
      <h1>{t('signin.title')}</h1>
      <p class="lead">{t('signin.lead')}</p>
      <div class="notice"><p>{t('signin.unavailable')}</p></div>
      <p><a href={`/${locale}/`}>{t('errors.go-home')}</a></p>
    </Layout>
  );
}
