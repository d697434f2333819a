import type { FastifyInstance } from 'fastify';
import { LOCALE_INFO, LOCALES, t as translate, translator, type Db, type Locale } from '../../platform/index.js';
import { Pagination, Tag } from '../../web/index.js';
import { principal } from '../access.js';
import { markAllRead, notificationsOf } from '../notify.js';
import { sendCabinetPage } from './nav.js';

const PAGE_SIZE = 20;

/** Date and time as people in Uzbekistan read them, in the page's language. */
export const when = (l: Locale, at: Date | string) =>
  new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tashkent' }).format(new Date(at));

/** My notifications: newest first, a page at a time, each in the reader's language; unread ones marked. */
export function notificationRoutes(app: FastifyInstance, deps: { db: Db }): void {
  const { db } = deps;
  for (const l of LOCALES) {
    app.get<{ Querystring: { page?: string } }>(`/${l}/cabinet/notifications`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const t = translator(l);
      const person = principal(request).person;
      const asked = Number.parseInt(String(request.query.page ?? '1'), 10);
      const { rows, total, unread, page, pages } = await notificationsOf(db, person.id, { page: Number.isSafeInteger(asked) && asked >= 1 ? asked : 1, size: PAGE_SIZE });
      return sendCabinetPage(request, reply, {
        section: 'notifications', title: t('mycab.notifications.title'), unread, path: `/notifications${page > 1 ? `?page=${page}` : ''}`,
        children: <>
          <h1>{t('mycab.notifications.title')}</h1>
          <p class="lead">{unread > 0 ? t('mycab.overview.unread', { count: unread }) : t('mycab.notifications.all-read')}</p>
          {unread > 0 && (
            <form method="post" action={`/${l}/cabinet/notifications/read`}>
              <input type="hidden" name="_csrf" value={reply.csrfToken()} />
              <button class="button button--secondary" type="submit">{t('mycab.notifications.mark-read')}</button>
            </form>
          )}
          {total === 0 ? (
            <section class="panel" aria-labelledby="empty">
              <h2 id="empty">{t('mycab.notifications.empty')}</h2>
              <p>{t('mycab.notifications.what')}</p>
            </section>
          ) : (
            <ul class="results" aria-label={t('mycab.notifications.title')}>
              {rows.map((n) => (
                <li class="card notification" key={n.id} data-unread={n.read_at ? undefined : 'true'}>
                  <p class="card__meta">
                    {!n.read_at && <Tag kind="new">{t('mycab.notifications.new')}</Tag>}
                    <time datetime={new Date(n.at).toISOString()}>{when(l, n.at)}</time>
                  </p>
                  <p class="card__text">{n.read_at ? translate(l, n.message_key, n.params) : <strong>{translate(l, n.message_key, n.params)}</strong>}</p>
                  {n.link && <a href={`/${l}${n.link}`}>{t('mycab.notifications.open')}</a>}
                </li>
              ))}
            </ul>
          )}
          <Pagination page={page} pages={pages} t={t} href={(p) => `/${l}/cabinet/notifications?page=${p}`} />
        </>,
      });
    });

    app.post(`/${l}/cabinet/notifications/read`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      await markAllRead(db, principal(request).person.id);
      return reply.redirect(`/${l}/cabinet/notifications`, 303);
    });
  }
}
