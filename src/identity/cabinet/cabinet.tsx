import type { FastifyInstance } from 'fastify';
import { LOCALES, translator, type Db } from '../../platform/index.js';
import { Button, SummaryList, Table } from '../../web/index.js';
import { principal } from '../access.js';
import { audit } from '../identity.store.js';
import { dataAccessesOf } from '../data-access.js';
import { countNotifications } from '../notify.js';
import type { Sessions } from '../sessions.js';
import type { TelegramChannel } from '../telegram-channel.js';
import { sendCabinetPage } from './nav.js';
import { notificationRoutes } from './notifications.js';
import { settingsRoutes } from './settings.js';

/**
 * What will fill the cabinet's sections that other modules own; until then each says what will
 * appear there. Documents are the documents module's wallet (`/{l}/cabinet/documents`), applications
 * the applications module's pages (`/{l}/cabinet/applications`).
 */
/**
 * The personal cabinet: an overview (my data, who looked at it, my sessions), my applications,
 * appeals and documents, notifications and settings (language, channels, Telegram).
 */
export function cabinetRoutes(app: FastifyInstance, deps: { db: Db; sessions: Sessions; telegram?: TelegramChannel }): void {
  const { db, sessions } = deps;
  for (const l of LOCALES) {
    app.get(`/${l}/cabinet`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const t = translator(l);
      const { person } = session;
      const active = await sessions.list(person.id);
      const accesses = await dataAccessesOf(db, person.id);
      const { unread } = await countNotifications(db, person.id);
      const csrf = reply.csrfToken();
      const name = [person.nameLatin.first, person.nameLatin.middle, person.nameLatin.last].filter(Boolean).join(' ');
      return sendCabinetPage(request, reply, { section: 'overview', title: t('cabinet.title'), unread, children: <>
          <h1>{t('cabinet.title')}</h1>
          <p class="lead">{t('cabinet.welcome', { name })}</p>
          {unread > 0 && <p class="notice"><a href={`/${l}/cabinet/notifications`}>{t('mycab.overview.unread', { count: unread })}</a></p>}
          <section class="panel" aria-labelledby="my-data">
            <h2 id="my-data">{t('cabinet.my-data')}</h2>
            <SummaryList rows={[
              [t('cabinet.name'), name],
              ...(person.nameCyrillic ? [[t('cabinet.name-cyrillic'), [person.nameCyrillic.first, person.nameCyrillic.middle, person.nameCyrillic.last].filter(Boolean).join(' ')] as [string, string]] : []),
              ...(person.pinfl ? [[t('cabinet.pinfl'), person.pinfl] as [string, string]] : []),
              ...(person.documentNumber ? [[t('cabinet.document'), `${person.documentNumber} (${person.documentCountry ?? ''})`] as [string, string]] : []),
              [t('cabinet.birth-date'), person.birthDate],
              [t('cabinet.phone'), person.phone ?? '—'],
            ]} />
          </section>
          <section aria-labelledby="data-access">
            <h2 id="data-access">{t('cabinet.data-access')}</h2>
            {accesses.length === 0 ? <p>{t('cabinet.data-access-none')}</p> : (
              <Table caption={t('cabinet.data-access-caption')} head={[t('cabinet.access-when'), t('cabinet.access-who'), t('cabinet.access-why'), t('cabinet.access-what')]}
                rows={accesses.map((a) => [
                  new Date(a.at).toISOString().slice(0, 16).replace('T', ' '),
                  `${a.accessor}${a.agency_id ? ` (${a.agency_id})` : ''}`,
                  a.purpose,
                  (a.fields as string[]).join(', '),
                ])} />
            )}
          </section>
          <section aria-labelledby="my-sessions">
            <h2 id="my-sessions">{t('cabinet.sessions')}</h2>
            <Table caption={t('cabinet.sessions-caption')} head={[t('cabinet.session-started'), t('cabinet.session-device'), t('cabinet.session-action')]}
              rows={active.map((s) => [
                new Date(s.created_at).toISOString().slice(0, 16).replace('T', ' '),
                `${s.user_agent?.slice(0, 60) ?? ''} ${s.ip ?? ''}`,
                s.ref === session.ref ? t('cabinet.this-session') : (
                  <form method="post" action={`/${l}/cabinet/sessions/revoke`}>
                    <input type="hidden" name="_csrf" value={csrf} /><input type="hidden" name="ref" value={s.ref} />
                    <button class="button button--secondary" type="submit">{t('cabinet.revoke')}</button>
                  </form>
                ),
              ])} />
          </section>
          <form method="post" action={`/${l}/signout`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <button class="button button--secondary" type="submit">{t('cabinet.signout')}</button>
          </form>
      </> });
    });

    app.post<{ Body: { ref?: string } }>(`/${l}/cabinet/sessions/revoke`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      if (await sessions.revoke(session.person.id, String(request.body?.ref ?? ''))) {
        await audit(db, { actor: session.person.id, action: 'session.revoked', subject: String(request.body?.ref), ip: request.ip });
      }
      return reply.redirect(`/${l}/cabinet`, 303);
    });

  }
  notificationRoutes(app, { db });
  settingsRoutes(app, { db, sessions, telegram: deps.telegram });
}
