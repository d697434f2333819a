import type { ComponentChildren } from 'preact';
import { LOCALES, LOCALE_INFO, type Locale, type Translate } from '../platform/index.js';
import { assetUrl } from './assets.js';
import { Breadcrumbs, LanguageNav, SearchBox, type Crumb } from './components.js';

export interface PageProps {
  locale: Locale;
  t: Translate;
  title: string;
  /** The path after the locale prefix, with its query, so the language switcher keeps the page. */
  path: string;
  description?: string;
  breadcrumbs?: Crumb[];
  /** False on the home page, which has its own large search box. */
  headerSearch?: boolean;
  /** Who is signed in and whom they act for, on personal and business pages: a bar under the header. */
  account?: AccountBar;
  children: ComponentChildren;
}

/** The account bar's texts, already in the page's language: `actingFor` is the whole phrase ("acting for …"). */
export interface AccountBar { name: string; actingFor?: string; switchUrl: string; switchLabel: string }

/** The page shell of the portal: header with language switcher, main, footer. */
export function Layout({ locale, t, title, path, description, breadcrumbs, headerSearch = true, account, children }: PageProps) {
  const home = `/${locale}/`;
  return (
    <html lang={LOCALE_INFO[locale].tag}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${t('common.site-name')}`}</title>
        {description && <meta name="description" content={description} />}
        <link rel="stylesheet" href={assetUrl('style.css')} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        {LOCALES.map((l) => <link rel="alternate" hrefLang={LOCALE_INFO[l].tag} href={`/${l}${path}`} key={l} />)}
      </head>
      <body>
        <a class="skip-link" href="#main">{t('common.skip-to-content')}</a>
        <header class="header">
          <div class="container header__bar">
            <a class="header__logo" href={home}><span class="header__mark" aria-hidden="true">D</span>{t('common.site-name')}</a>
            <nav class="header__nav" aria-label={t('common.main-menu')}>
              <a href={`/${locale}/spheres`}>{t('nav.services')}</a>
              <a href={`/${locale}/agencies`}>{t('nav.agencies')}</a>
              <a href={`/${locale}/cabinet`}>{t('nav.cabinet')}</a>
            </nav>
            <LanguageNav locale={locale} t={t} href={(l) => `/${l}${path}`} />
          </div>
          {headerSearch && <div class="container header__search"><SearchBox action={`/${locale}/search`} t={t} id="header-q" /></div>}
          {account && (
            <div class="account-bar">
              <div class="container account-bar__row">
                <p class="account-bar__who"><strong>{account.name}</strong>{account.actingFor && <> · <span class="account-bar__acting">{account.actingFor}</span></>}</p>
                <a href={account.switchUrl}>{account.switchLabel}</a>
              </div>
            </div>
          )}
        </header>
        <main id="main" class="container main" tabIndex={-1}>
          {breadcrumbs && <Breadcrumbs items={[{ href: home, label: t('nav.home') }, ...breadcrumbs]} t={t} />}
          {children}
        </main>
        <footer class="footer">
          <div class="container footer__grid">
            <p>{t('footer.about')}</p>
            <ul>
              <li><a href={`/${locale}/spheres`}>{t('nav.services')}</a></li>
              <li><a href={`/${locale}/agencies`}>{t('nav.agencies')}</a></li>
              <li><a href="/api/docs">{t('footer.api')}</a></li>
            </ul>
            <p class="footer__small">{t('footer.licence')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}
