import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translator, type Locale, type Translate } from '../../platform/index.js';
import { Layout, renderPage, sendPage, type Crumb } from '../../web/index.js';
import { principal } from '../access.js';
import { accountBar } from '../business/account.js';

/** The cabinet's pages, in the order of its navigation; `path` after `/{locale}/cabinet`. */
export const CABINET_SECTIONS = [
  { key: 'overview', path: '' },
  { key: 'state', path: '/state' },
  { key: 'applications', path: '/applications' },
  { key: 'appeals', path: '/appeals' },
  { key: 'documents', path: '/documents' },
  { key: 'notifications', path: '/notifications' },
  { key: 'settings', path: '/settings' },
] as const;
export type CabinetSection = (typeof CABINET_SECTIONS)[number]['key'];

/** The cabinet's own navigation, beside its pages; unread notifications counted. */
export function CabinetNav({ l, t, current, unread }: { l: Locale; t: Translate; current: CabinetSection; unread: number }) {
  return (
    <nav class="panel cabinet-nav" aria-label={t('mycab.nav.label')}>
      <ul class="results">
        {CABINET_SECTIONS.map((s) => (
          <li key={s.key}>
            <a href={`/${l}/cabinet${s.path}`} aria-current={s.key === current ? 'page' : undefined}>
              {s.key === current ? <strong>{t(`mycab.nav.${s.key}`)}</strong> : t(`mycab.nav.${s.key}`)}
            </a>
            {s.key === 'notifications' && unread > 0 && <> <span class="tag">{unread}<span class="visually-hidden"> {t('mycab.nav.unread', { count: unread })}</span></span></>}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Sends a cabinet page: the portal's layout, the cabinet's navigation beside the content, and
 * `cache-control: no-store`, as every personal page.
 */
export function sendCabinetPage(request: FastifyRequest, reply: FastifyReply, page: {
  section: CabinetSection; title: string; unread: number; path?: string; status?: number; children: ComponentChildren;
}) {
  const l = request.locale;
  const t = translator(l);
  const section = CABINET_SECTIONS.find((s) => s.key === page.section)!;
  const crumbs: Crumb[] = page.section === 'overview'
    ? [{ label: t('cabinet.title') }]
    : [{ href: `/${l}/cabinet`, label: t('cabinet.title') }, { label: page.title }];
  return sendPage(request, reply.code(page.status ?? 200).header('cache-control', 'no-store'), renderPage(
    <Layout locale={l} t={t} title={page.title} path={`/cabinet${page.path ?? section.path}`} breadcrumbs={crumbs} account={accountBar(principal(request), l)}>
      <div class="layout layout--filters">
        <CabinetNav l={l} t={t} current={page.section} unread={page.unread} />
        <div>{page.children}</div>
      </div>
    </Layout>,
  ));
}
