// The author's pages in the cabinet: my appeals (or the business's, acting for one), and each
// with its trail, the answer and its signed document, the rating and the complaint.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principal, sendCabinetPage, type Session } from '../../identity/index.js';
import { AppError, LOCALES, translator, type Db } from '../../platform/index.js';
import { Button, ErrorSummary, Pagination, Table } from '../../web/index.js';
import type { Appeal, AppealFilter } from '../types.js';
import { isUuid, LIMITS } from './form.js';
import { AppealMap } from './map.js';
import { errorList } from './portal.js';
import { attachment, attachmentsOf } from './queries.js';
import type { AppealPagesDeps } from './index.js';
import { Attachments, day, Facts, Radios, StateTag, TextArea, Timeline, when } from './views.js';

const PER_PAGE = 20;

/** Whether a portal user may see an appeal: their own, or the business's they act for now. */
export function authorMaySee(session: Session, a: Pick<Appeal, 'authorKind' | 'authorPersonId' | 'authorBusinessId'>): boolean {
  if (a.authorKind === 'business') return !!session.actingFor && session.actingFor.businessId === a.authorBusinessId;
  return a.authorKind === 'person' && a.authorPersonId === session.person.id;
}

async function unreadOf(db: Db, personId: string): Promise<number> {
  const row = await db.selectFrom('identity_notification').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

const DONE = ['filed', 'rated', 'complained'];
type Form = 'rate' | 'complain';
interface State { errors?: Record<string, string>; values?: Record<string, string>; form?: Form; done?: string; stale?: boolean; status?: number }

export function cabinetAppealRoutes(app: FastifyInstance, deps: AppealPagesDeps): void {
  const { db, appeals } = deps;
  const now = deps.now ?? (() => new Date());

  /** The appeal if this portal user may see it; 404 for anyone else, as if it did not exist. */
  async function mine(session: Session, id: string): Promise<Appeal> {
    const a = await appeals.get(id);
    if (!a || !authorMaySee(session, a)) throw new AppError('not-found', 404);
    return a;
  }

  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/cabinet/appeals`;

    app.get<{ Querystring: { application?: string; page?: string } }>(base, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      // The applications cabinet links here for a complaint about a used service.
      const application = String(request.query.application ?? '');
      if (application) {
        if (!isUuid(application)) throw new AppError('not-found', 404);
        return reply.redirect(`/${l}/appeals/new?application=${application}`, 303);
      }
      const session = principal(request);
      const acting = session.actingFor;
      // Mine, or the business's when acting for one; newest first, a page at a time.
      const mine: AppealFilter = acting ? { authorBusinessId: acting.businessId } : { authorPersonId: session.person.id, authorKind: 'person' };
      const total = await appeals.count(mine);
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const page = Math.min(pages, Math.max(1, Math.floor(Number(request.query.page)) || 1));
      const list = await appeals.list({ ...mine, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
      const unread = await unreadOf(db, session.person.id);
      return sendCabinetPage(request, reply, {
        section: 'appeals', title: t('appeals.ui.my'), unread, children: <>
          <h1>{t('appeals.ui.my')}</h1>
          {acting && <p class="lead">{t('appeals.ui.for-business', { name: l === 'ru' ? acting.name.ru : l === 'en' ? acting.name.en : acting.name.uz })}</p>}
          <p><Button href={`/${l}/appeals/new`}>{t('appeals.ui.new')}</Button> <a href={`/${l}/appeals/status`}>{t('appeals.ui.status.title')}</a></p>
          {list.length === 0 ? (
            <section class="panel" aria-labelledby="empty">
              <h2 id="empty">{t('appeals.ui.none')}</h2>
              <p>{t('appeals.ui.none-what')}</p>
            </section>
          ) : (
            <><Table caption={t('appeals.ui.caption', { count: total })}
              head={[t('appeals.ui.number'), t('appeals.ui.summary'), t('appeals.ui.state'), t('appeals.ui.registered'), t('appeals.ui.due')]}
              rows={list.map((a) => [<a href={`${base}/${a.id}`}>{a.number}</a>, a.summary, <StateTag a={a} t={t} now={now()} />, day(a.registeredAt), a.state === 'open' || a.state === 'assigned' ? day(a.dueAt) : '—'])} />
            <Pagination page={page} pages={pages} href={(n) => `${base}?page=${n}`} t={t} /></>
          )}
        </>,
      });
    });

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${base}/:id`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) =>
      detailPage(request, reply, request.params.id, { done: DONE.includes(String(request.query.done)) ? String(request.query.done) : undefined }));

    async function detailPage(request: FastifyRequest, reply: FastifyReply, id: string, state: State) {
      const session = principal(request);
      const a = await mine(session, id);
      const snapshot = deps.catalog();
      const [events, files, unread] = await Promise.all([appeals.events(a.id), attachmentsOf(db, a.id), unreadOf(db, session.person.id)]);
      const csrf = reply.csrfToken();
      const errors = state.errors ?? {};
      const values = state.values ?? {};
      const complainWithin = appeals.terms(a.kind, a.agencyId).complainWithin;
      // Rating closes the appeal, but the author may still complain while the term runs (the service has the last word).
      const mayComplain = (a.state === 'answered' || (a.state === 'closed' && a.ratedAt !== null)) && !!a.answeredAt
        && now().getTime() <= new Date(a.answeredAt).getTime() + complainWithin.days * (complainWithin.kind === 'working' ? 1.4 : 1) * 86_400_000;
      const status = state.status ?? (state.stale ? 409 : Object.keys(errors).length > 0 ? 400 : 200);
      return sendCabinetPage(request, reply, {
        section: 'appeals', status, title: t('appeals.ui.appeal', { number: a.number }), unread, path: `/appeals/${a.id}`, children: <>
          <h1>{t('appeals.ui.appeal', { number: a.number })}</h1>
          <p class="lead">{a.summary}</p>
          {state.done && <p class="notice" role="status">{t(`appeals.ui.done.${state.done}`, { number: a.number })}</p>}
          {state.stale && <p class="notice" role="status">{t('appeals.ui.stale')}</p>}
          <ErrorSummary title={t('appeals.ui.problem')} errors={errorList(errors)} />
          <Facts a={a} t={t} l={l} snapshot={snapshot} appeals={appeals} now={now()} />
          <section aria-labelledby="appeal-text">
            <h2 id="appeal-text">{t('appeals.ui.body')}</h2>
            <p class="plain-text">{a.body}</p>
          </section>
          {a.lat !== null && a.lon !== null && <AppealMap t={t} lat={a.lat} lon={a.lon} />}
          <Attachments files={files} t={t} href={(fid) => `${base}/${a.id}/files/${fid}`} />

          {a.answer && (
            <section class="panel" aria-labelledby="answer">
              <h2 id="answer">{t('appeals.ui.answer')}</h2>
              <p class="count">{when(a.answeredAt)}{a.executorName && <> · {a.executorName}</>}</p>
              <p class="plain-text">{a.answer}</p>
              {a.answerDocumentId && <p>
                <Button href={`/${l}/cabinet/documents/${a.answerDocumentId}.pdf`} secondary>{t('appeals.ui.download')}</Button>{' '}
                <a href={`/${l}/verify/${a.answerDocumentId}`}>{t('appeals.ui.verify')}</a>
              </p>}
              {a.rating !== null && <p>{t('appeals.ui.rated', { stars: a.rating })}{a.ratingComment && <> — {a.ratingComment}</>}</p>}
            </section>
          )}

          {a.state === 'answered' && (
            <section class="panel" aria-labelledby="rate">
              <h2 id="rate">{t('appeals.ui.rate-title')}</h2>
              <p>{t('appeals.ui.rate-lead', { days: complainWithin.days })}</p>
              <form method="post" action={`${base}/${a.id}/rate`} novalidate>
                <input type="hidden" name="_csrf" value={csrf} />
                <Radios name="stars" legend={t('appeals.ui.stars')} value={state.form === 'rate' ? values.stars : undefined} error={errors.stars}
                  options={[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: t('appeals.ui.star', { count: n }) }))} />
                <TextArea name="comment" label={t('appeals.ui.comment')} value={state.form === 'rate' ? values.comment : ''} error={errors.comment} maxLength={LIMITS.comment} rows={3} />
                <Button>{t('appeals.ui.rate')}</Button>
              </form>
            </section>
          )}

          {mayComplain && (
            <section class="panel" aria-labelledby="complain">
              <h2 id="complain">{t('appeals.ui.complain-title')}</h2>
              <p>{t('appeals.ui.complain-lead')}</p>
              <form method="post" action={`${base}/${a.id}/complain`} novalidate>
                <input type="hidden" name="_csrf" value={csrf} />
                <TextArea name="reason" label={t('appeals.ui.complain-reason')} value={state.form === 'complain' ? values.reason : ''} error={errors.reason} maxLength={LIMITS.reason} rows={4} />
                <Button secondary>{t('appeals.ui.complain')}</Button>
              </form>
            </section>
          )}

          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('appeals.ui.timeline')}</h2>
            <Timeline events={events} t={t} l={l} snapshot={snapshot} forAuthor />
          </section>
          <p><a href={base}>{t('appeals.ui.back-to-my')}</a></p>
        </>,
      });
    }

    /** Runs a change; a stale page (the appeal moved on meanwhile) gets the page again with a word, not a second change. */
    async function change(request: FastifyRequest, reply: FastifyReply, a: Appeal, run: () => Promise<void>, done: string, form: Form, values: Record<string, string>) {
      try {
        await run();
      } catch (error) {
        if (error instanceof AppError && error.code === 'appeals.complaint-too-late') return detailPage(request, reply, a.id, { errors: { reason: t('appeals.ui.error.too-late') }, values, form, status: 409 });
        if (error instanceof AppError && error.status === 409) return detailPage(request, reply, a.id, { stale: true });
        if (error instanceof AppError && error.status === 400 && error.errors.length > 0) {
          return detailPage(request, reply, a.id, { errors: Object.fromEntries(error.errors.map((e) => [form === 'rate' ? 'stars' : 'reason', e.detail])), values, form });
        }
        throw error;
      }
      return reply.redirect(`${base}/${a.id}?done=${done}`, 303);
    }

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/rate`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const a = await mine(session, request.params.id);
      const body = request.body ?? {};
      const stars = Number(body.stars);
      const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
      const values = { stars: String(body.stars ?? ''), comment };
      const errors: Record<string, string> = {};
      if (!Number.isInteger(stars) || stars < 1 || stars > 5) errors.stars = t('appeals.ui.error.stars');
      if (comment.length > LIMITS.comment) errors.comment = t('appeals.ui.error.too-long', { max: LIMITS.comment });
      if (Object.keys(errors).length > 0) return detailPage(request, reply, a.id, { errors, values, form: 'rate' });
      return change(request, reply, a, () => appeals.rate(a.id, session.person.id, { stars, ...(comment ? { comment } : {}) }), 'rated', 'rate', values);
    });

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/complain`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const a = await mine(session, request.params.id);
      const reason = typeof request.body?.reason === 'string' ? request.body.reason.trim() : '';
      const error = !reason ? t('appeals.ui.error.reason') : reason.length > LIMITS.reason ? t('appeals.ui.error.too-long', { max: LIMITS.reason }) : undefined;
      if (error) return detailPage(request, reply, a.id, { errors: { reason: error }, values: { reason }, form: 'complain' });
      return change(request, reply, a, () => appeals.complain(a.id, session.person.id, { reason }), 'complained', 'complain', { reason });
    });

    app.get<{ Params: { id: string; file: string } }>(`${base}/:id/files/:file`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const a = await mine(principal(request), request.params.id);
      return sendAttachment(db, reply, a.id, request.params.file);
    });
  }
}

/** An attachment as a download with its checked type; never shown inline. */
export async function sendAttachment(db: Db, reply: FastifyReply, appealId: string, fileId: string) {
  const row = fileId.length <= 64 ? await attachment(db, appealId, fileId) : undefined;
  if (!row) throw new AppError('not-found', 404);
  return reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.name)}`)
    .type(row.mime).send(row.content);
}
