import type { ComponentChildren } from 'preact';
import { LOCALE_INFO, type Locale, type Translate } from '../platform/index.js';
import { assetUrl } from './assets.js';
import { Breadcrumbs, LanguageNav, type Crumb } from './components.js';

/** A back-office section: shown to those whose roles include one of `roles`. */
interface Section { key: string; path: string; roles: string[] }
const SECTIONS: Section[] = [
  { key: 'home', path: '', roles: ['officer', 'head', 'editor', 'admin'] },
  { key: 'appeals', path: '/appeals', roles: ['officer', 'head'] },
  { key: 'catalog', path: '/catalog', roles: ['editor'] },
  { key: 'people', path: '/people', roles: ['admin'] },
  { key: 'open311', path: '/open311', roles: ['admin'] },
];

export interface OfficePageProps {
  locale: Locale;
  t: Translate;
  title: string;
  /** The path after `/{locale}/office`, so the language switcher keeps the page. */
  path: string;
  /** Which section the page belongs to (`home`, `catalog`, `people`). */
  section: string;
  /** The signed-in user's name and roles (`officer`, `head`, `editor`, `admin`). */
  user: { name: string; roles: string[] };
  /** The CSRF token for the sign-out form. */
  csrf: string;
  breadcrumbs?: Crumb[];
  children: ComponentChildren;
}

/** The back office's own shell: darker header, the sections the user's roles open, sign-out. */
export function OfficeLayout({ locale, t, title, path, section, user, csrf, breadcrumbs, children }: OfficePageProps) {
  const base = `/${locale}/office`;
  return (
    <html lang={LOCALE_INFO[locale].tag}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} — ${t('office.name')}`}</title>
        <link rel="stylesheet" href={assetUrl('style.css')} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
      </head>
      <body class="office">
        <a class="skip-link" href="#main">{t('common.skip-to-content')}</a>
        <header class="header header--office">
          <div class="container header__bar">
            <a class="header__logo" href={base}><span class="header__mark" aria-hidden="true">D</span>{t('office.name')}</a>
            <nav class="header__nav" aria-label={t('office.menu')}>
              {SECTIONS.filter((s) => s.roles.some((r) => user.roles.includes(r))).map((s) => (
                <a href={`${base}${s.path}`} aria-current={s.key === section ? 'page' : undefined} key={s.key}>{t(`office.section.${s.key}`)}</a>
              ))}
            </nav>
            <LanguageNav locale={locale} t={t} href={(l) => `/${l}/office${path}`} />
          </div>
          <div class="container header__user">
            <span>{t('office.signed-in-as', { name: user.name })}</span>
            <span class="tag">{user.roles.map((r) => t(`office.role.${r}`)).join(', ')}</span>
            <form method="post" action={`${base}/signout`} class="inline-form">
              <input type="hidden" name="_csrf" value={csrf} />
              <button class="link-button" type="submit">{t('office.signout')}</button>
            </form>
          </div>
        </header>
        <main id="main" class="container main" tabIndex={-1}>
          {breadcrumbs && <Breadcrumbs items={[{ href: base, label: t('office.section.home') }, ...breadcrumbs]} t={t} />}
          {children}
        </main>
      </body>
    </html>
  );
}
