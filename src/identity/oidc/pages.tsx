import type { KoaContextWithOIDC } from 'oidc-provider';
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, translator, type Locale } from '../../platform/index.js';
import { Layout, renderPage } from '../../web/index.js';

// Pages the provider itself renders (sign-out confirmation, errors), in the user's
// language and the portal's layout; no inline script, so the CSP holds.

function localeOf(ctx: KoaContextWithOIDC): Locale {
  const uiLocale = String(ctx.oidc?.params?.ui_locales ?? '').split(' ')[0];
  if (isLocale(uiLocale)) return uiLocale;
  const cookie = /(?:^|;\s*)lang=([a-z]+)/.exec(ctx.get('cookie'))?.[1];
  if (isLocale(cookie)) return cookie;
  return localeFromAcceptLanguage(ctx.get('accept-language')) ?? DEFAULT_LOCALE;
}

function send(ctx: KoaContextWithOIDC, html: Buffer) {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const locale = localeOf(ctx);
  const t = translator(locale);
  send(ctx, renderPage(
    <Layout locale={locale} t={t} title={t('signout.title')} path="/">
      <h1>{t('signout.title')}</h1>
      <p class="lead">{t('signout.question')}</p>
      <div dangerouslySetInnerHTML={{ __html: form }} />
      <p>
        <button class="button" type="submit" form="op.logoutForm" value="yes" name="logout">{t('signout.yes')}</button>{' '}
        <button class="button button--secondary" type="submit" form="op.logoutForm">{t('signout.no')}</button>
      </p>
    </Layout>,
  ).html);
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const locale = localeOf(ctx);
  const t = translator(locale);
  send(ctx, renderPage(
    <Layout locale={locale} t={t} title={t('signout.done')} path="/">
      <h1>{t('signout.done')}</h1>
      <p><a href={`/${locale}/`}>{t('errors.go-home')}</a></p>
    </Layout>,
  ).html);
}

export async function renderError(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }): Promise<void> {
  const locale = localeOf(ctx);
  const t = translator(locale);
  send(ctx, renderPage(
    <Layout locale={locale} t={t} title={t('signin.error-title')} path="/">
      <h1>{t('signin.error-title')}</h1>
      <p class="lead">{t('signin.error-detail')}</p>
      <p class="count"><code>{String(out.error ?? '')}</code>{out.error_description ? `: ${String(out.error_description)}` : ''}</p>
      <p><a href={`/${locale}/`}>{t('errors.go-home')}</a></p>
    </Layout>,
  ).html);
}
