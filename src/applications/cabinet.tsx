import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principal, sendCabinetPage, type Session } from '../identity/index.js';
import { AppError, LOCALES, local, t as translate, translator, withMultipart, type Db, type Locale } from '../platform/index.js';
import { Button, ErrorSummary, Pagination, SummaryList, Table } from '../web/index.js';
import type { CatalogSnapshot } from '../catalog/index.js';
import type { ApplicationsConfig } from './config.js';
import type { InvoiceLike, PaymentsApi } from './contract.js';
import { ApplicationService, MAX_TEXT } from './service.js';
import { citizenFilter, citizenMaySee, findApplication, type Application } from './store.js';
import { readForm } from './upload.js';
import { day, FileField, Messages, StateTag, TextArea, Timeline, when } from './views.js';

export interface PageDeps {
  db: Db;
  service: ApplicationService;
  payments?: PaymentsApi;
  config: ApplicationsConfig;
  catalog: () => CatalogSnapshot | undefined;
}

const PER_PAGE = 20;
type Errors = Partial<Record<'text' | 'file' | 'stars' | 'comment', string>>;
interface PageState { errors?: Errors; values?: Record<string, string>; done?: string; form?: 'answer' | 'message' | 'rate' }

/** Counts unread notifications for the cabinet's navigation (identity keeps them). */
async function unreadOf(db: Db, personId: string): Promise<number> {
  const row = await db.selectFrom('identity_notification').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An amount in tiyin, written in soʻm the local way. */
export const money = (l: Locale, tiyin: number) => translate(l, 'money.sum', { amount: tiyin / 100 });

/**
 * The applicant's pages in the cabinet: their applications (or, acting for a business, the
 * business's within the power's scope), and each with its timeline, messages, the answer to a
 * request for information, withdrawal, payment, the result and the rating.
 */
export function cabinetApplicationRoutes(app: FastifyInstance, deps: PageDeps): void {
  const { db, service } = deps;
  const maySee = citizenMaySee as (s: Session, a: Application) => boolean;

  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/cabinet/applications`;

    app.get<{ Querystring: { page?: string } }>(base, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const filter = citizenFilter(session);
      const total = Number((await db.selectFrom('applications_application').select((eb) => eb.fn.countAll<number>().as('n')).where(filter).executeTakeFirstOrThrow()).n);
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const page = Math.min(pages, Math.max(1, Number.parseInt(String(request.query.page ?? '1'), 10) || 1));
      const rows = await db.selectFrom('applications_application')
        .select(['id', 'number', 'service_id', 'state', 'active', 'due_at', 'escalated_at', 'submitted_at', 'workflow_id', 'workflow_version', 'invoice_id', 'decision'])
        .where(filter).orderBy('submitted_at', 'desc').orderBy('id').limit(PER_PAGE).offset((page - 1) * PER_PAGE).execute();
      const snapshot = deps.catalog();
      const unread = await unreadOf(db, session.person.id);
      return sendCabinetPage(request, reply, { section: 'applications', title: t('mycab.applications.title'), unread, children: <>
        <h1>{t('mycab.applications.title')}</h1>
        {session.actingFor && <p class="lead">{t('applications.cabinet.for-business', { name: l === 'ru' || l === 'en' ? session.actingFor.name[l] : session.actingFor.name.uz })}</p>}
        {rows.length === 0 ? (
          <section class="panel" aria-labelledby="empty">
            <h2 id="empty">{t('mycab.applications.empty')}</h2>
            <p>{t('mycab.applications.what')}</p>
            <Button href={`/${l}/spheres`} secondary>{t('mycab.to-catalog')}</Button>
          </section>
        ) : <>
          <Table caption={t('applications.cabinet.caption', { count: total })}
            head={[t('applications.number'), t('applications.service'), t('applications.state'), t('applications.submitted'), t('applications.due')]}
            rows={rows.map((r) => {
              const def = service.definitionOf(r);
              const name = local(snapshot?.service(r.service_id)?.name, l) || r.service_id;
              return [<a href={`${base}/${r.id}`}>{r.number}</a>, name, <StateTag def={def} app={r} l={l} t={t} />, day(r.submitted_at), r.active ? day(r.due_at) : '—'];
            })} />
          <Pagination page={page} pages={pages} href={(p) => `${base}?page=${p}`} t={t} />
        </>}
        <p><a href={`/${l}/cabinet/drafts`}>{t('applications.cabinet.drafts')}</a></p>
      </> });
    });

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${base}/:id`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const done = ['answered', 'withdrawn', 'rated', 'sent'].includes(String(request.query.done)) ? String(request.query.done) : undefined;
      return detailPage(request, reply, request.params.id, { done });
    });

    async function detailPage(request: FastifyRequest, reply: FastifyReply, id: string, state: PageState) {
      const session = principal(request);
      const a = await findApplication(db, id);
      if (!a || !citizenMaySee(session, a)) throw new AppError('not-found', 404);
      const def = service.definitionOf(a);
      const snapshot = deps.catalog();
      const svc = snapshot?.service(a.service_id);
      const name = local(svc?.name, l) || a.service_id;
      const agency = local(snapshot?.agency(a.agency_id)?.name, l) || a.agency_id;
      const history = await service.deps.workflow.history(db, a.id);
      const messages = await db.selectFrom('applications_message').select(['id', 'at', 'author_kind', 'author_name', 'kind', 'body', 'file_name', 'file_size'])
        .where('application_id', '=', a.id).orderBy('id').execute();
      const invoices: InvoiceLike[] = deps.payments ? await deps.payments.invoicesOf(db, a.id) : [];
      const rating = await db.selectFrom('applications_rating').select(['stars', 'comment']).where('application_id', '=', a.id).executeTakeFirst();
      const actions = service.actionsFor(a, ['applicant']);
      const answer = actions.find(([, x]) => !def.states[x.to]?.final);
      const withdraw = actions.find(([, x]) => x.to === 'withdrawn');
      const awaitsPayment = ApplicationService.awaitsPayment(def, a.state);
      const unpaid = invoices.find((i) => i.status !== 'paid' && i.status !== 'refunded' && i.status !== 'cancelled');
      const request_ = [...messages].reverse().find((m) => m.kind === 'request');
      const csrf = reply.csrfToken();
      const errors = state.errors ?? {};
      const values = state.values ?? {};
      const centre = a.centre_id ? deps.config.centres.find((c) => c.id === a.centre_id) : undefined;
      const unread = await unreadOf(db, session.person.id);
      const errorList = Object.entries(errors).map(([k, v]) => ({ href: `#${state.form ?? 'answer'}-${k}`, text: v! }));
      return sendCabinetPage(request, reply, {
        status: Object.keys(errors).length > 0 ? 400 : 200, section: 'applications', title: t('applications.cabinet.title', { number: a.number ?? '' }), unread, path: `/applications/${a.id}`, children: <>
          <h1>{name}</h1>
          <p class="lead">{t('applications.cabinet.title', { number: a.number ?? '' })} · <StateTag def={def} app={a} l={l} t={t} /></p>
          {state.done && <p class="notice" role="status">{t(`applications.cabinet.done.${state.done}`)}</p>}
          <ErrorSummary title={t('applications.problem')} errors={errorList} />
          <SummaryList rows={[
            [t('applications.number'), a.number ?? '—'],
            [t('applications.service'), name],
            [t('applications.agency'), agency],
            [t('applications.submitted'), when(a.submitted_at)],
            [t('applications.state'), <StateTag def={def} app={a} l={l} t={t} />],
            ...(a.active && a.due_at ? [[t('applications.due'), when(a.due_at)] as [string, string]] : []),
            ...(centre ? [[t('applications.centre'), local(centre.name, l)] as [string, string]] : []),
          ]} />

          {awaitsPayment && unpaid && (
            <section class="panel" aria-labelledby="pay">
              <h2 id="pay">{t('applications.cabinet.pay-title')}</h2>
              <p>{t('applications.cabinet.pay-lead', { amount: money(l, unpaid.amountTiyin) })}</p>
              <Button href={`/${l}/pay/${unpaid.id}`}>{t('applications.cabinet.pay')}</Button>
            </section>
          )}

          {answer && (
            <section class="panel" aria-labelledby="answer">
              <h2 id="answer">{t('applications.cabinet.answer-title')}</h2>
              {request_ && <><p>{t('applications.cabinet.officer-asks')}</p><blockquote><p>{request_.body}</p></blockquote></>}
              <form method="post" action={`${base}/${a.id}/answer?_csrf=${encodeURIComponent(csrf)}`} enctype="multipart/form-data" novalidate>
                <input type="hidden" name="_csrf" value={csrf} />
                <TextArea name="answer-text" label={t('applications.cabinet.answer-text')} hint={t('applications.cabinet.answer-hint')} value={state.form === 'answer' ? values.text : ''}
                  error={state.form === 'answer' ? errors.text : undefined} maxLength={MAX_TEXT} />
                <FileField name="answer-file" label={t('applications.file')} hint={t('applications.file-hint', { mb: 5 })} accept=".pdf,.jpg,.jpeg,.png" error={state.form === 'answer' ? errors.file : undefined} />
                <Button>{t('applications.cabinet.answer-send')}</Button>
              </form>
            </section>
          )}

          {a.decision && (
            <section class="panel" aria-labelledby="result">
              <h2 id="result">{t('applications.cabinet.result-title')}</h2>
              <p>{t(a.decision === 'approved' ? 'applications.cabinet.result-approved' : 'applications.cabinet.result-rejected')}</p>
              {a.document_id && <p>
                <Button href={`/${l}/cabinet/documents/${a.document_id}.pdf`}>{t('applications.cabinet.download')}</Button>{' '}
                <a href={`/${l}/verify/${a.document_id}`}>{t('applications.cabinet.verify')}</a>
              </p>}
              {invoices.filter((i) => i.status === 'refunded').map((i) => <p key={i.id}>{t('applications.cabinet.refunded', { amount: money(l, i.amountTiyin) })}</p>)}
            </section>
          )}

          {a.decision && (
            <section class="panel" aria-labelledby="rate">
              <h2 id="rate">{t('applications.cabinet.rate-title')}</h2>
              {rating ? <p>{t('applications.cabinet.rated', { stars: rating.stars })}{rating.comment && <> — {rating.comment}</>}</p> : (
                <form method="post" action={`${base}/${a.id}/rate`} novalidate>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <fieldset class={errors.stars && state.form === 'rate' ? 'field field--error' : 'field'} id="rate-stars">
                    <legend>{t('applications.cabinet.stars')}</legend>
                    {errors.stars && state.form === 'rate' && <p class="field__error">{errors.stars}</p>}
                    {[5, 4, 3, 2, 1].map((n) => (
                      <div class="radio" key={n}>
                        <input type="radio" id={`stars-${n}`} name="stars" value={String(n)} checked={values.stars === String(n)} />
                        <label for={`stars-${n}`}>{t('applications.cabinet.star', { count: n })}</label>
                      </div>
                    ))}
                  </fieldset>
                  <TextArea name="rate-comment" label={t('applications.cabinet.comment')} value={state.form === 'rate' ? values.comment : ''} error={state.form === 'rate' ? errors.comment : undefined} maxLength={1000} />
                  <Button>{t('applications.cabinet.rate')}</Button>
                </form>
              )}
              {/* The appeals module takes complaints; until it lands its cabinet section says what will appear there. */}
              <p><Button href={`/${l}/cabinet/appeals?application=${a.id}`} secondary>{t('applications.cabinet.complain')}</Button></p>
            </section>
          )}

          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('applications.timeline.title')}</h2>
            <Timeline history={history} def={def} l={l} t={t} showNames />
          </section>

          <section aria-labelledby="messages">
            <h2 id="messages">{t('applications.messages.title')}</h2>
            <Messages messages={messages} t={t} showNames fileUrl={(m) => `${base}/${a.id}/messages/${m}/file`} />
            {a.active && !answer && (
              <form method="post" action={`${base}/${a.id}/message?_csrf=${encodeURIComponent(csrf)}`} enctype="multipart/form-data" class="panel" novalidate>
                <input type="hidden" name="_csrf" value={csrf} />
                <TextArea name="message-text" label={t('applications.messages.write')} value={state.form === 'message' ? values.text : ''} error={state.form === 'message' ? errors.text : undefined} maxLength={MAX_TEXT} />
                <FileField name="message-file" label={t('applications.file')} hint={t('applications.file-hint', { mb: 5 })} accept=".pdf,.jpg,.jpeg,.png" error={state.form === 'message' ? errors.file : undefined} />
                <Button secondary>{t('applications.messages.send')}</Button>
              </form>
            )}
          </section>

          {withdraw && (
            <section class="panel" aria-labelledby="withdraw">
              <h2 id="withdraw">{t('applications.cabinet.withdraw-title')}</h2>
              <p>{t('applications.cabinet.withdraw-lead')}</p>
              <form method="post" action={`${base}/${a.id}/withdraw`}>
                <input type="hidden" name="_csrf" value={csrf} />
                <Button secondary>{t('applications.cabinet.withdraw')}</Button>
              </form>
            </section>
          )}
        </> });
    }

    /** The answer to a request for information, or a plain message: text, a file, or both. */
    const textAndFile = (form: 'answer' | 'message') => withMultipart(app, (scoped) => scoped.post<{ Params: { id: string } }>(`${base}/:id/${form}`, {
      schema: { hide: true }, config: { access: 'person' },
    }, async (request, reply) => {
      const session = principal(request);
      const a = await findApplication(db, request.params.id);
      if (!a || !citizenMaySee(session, a)) throw new AppError('not-found', 404);
      const read = await readForm(request, `${form}-file`);
      if (read.broken) throw new AppError('bad-request', 400);
      const text = (read.fields[`${form}-text`] ?? '').trim();
      const errors: Errors = {};
      if (read.fileError) errors.file = t(`applications.error.file-${read.fileError}`, { mb: 5 });
      if (text.length > MAX_TEXT) errors.text = t('applications.error.text-long', { max: MAX_TEXT });
      else if (!text && !read.file && !read.fileError) errors.text = t(form === 'answer' ? 'applications.error.answer-empty' : 'applications.error.message-empty');
      if (Object.keys(errors).length > 0) return detailPage(request, reply, a.id, { errors, values: { text }, form });
      if (form === 'answer') {
        const action = service.actionsFor(a, ['applicant']).find(([, x]) => !service.definitionOf(a).states[x.to]?.final);
        if (!action) throw new AppError('applications.state-changed', 409);
        await service.citizenAct(session, a.id, { action: action[0], text, file: read.file }, maySee);
      } else {
        if (!a.active) throw new AppError('applications.state-changed', 409);
        await service.message(session, a.id, { from: 'applicant', text, file: read.file }, maySee);
      }
      return reply.redirect(`${base}/${a.id}?done=${form === 'answer' ? 'answered' : 'sent'}`, 303);
    }));
    textAndFile('answer');
    textAndFile('message');

    app.post<{ Params: { id: string } }>(`${base}/:id/withdraw`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const a = await findApplication(db, request.params.id);
      if (!a || !citizenMaySee(session, a)) throw new AppError('not-found', 404);
      const action = service.actionsFor(a, ['applicant']).find(([, x]) => x.to === 'withdrawn');
      if (!action) throw new AppError('applications.state-changed', 409);
      await service.citizenAct(session, a.id, { action: action[0], text: '' }, maySee);
      return reply.redirect(`${base}/${a.id}?done=withdrawn`, 303);
    });

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/rate`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const a = await findApplication(db, request.params.id);
      if (!a || !citizenMaySee(session, a)) throw new AppError('not-found', 404);
      const body = request.body ?? {};
      const stars = Number(body.stars);
      const comment = typeof body['rate-comment'] === 'string' ? body['rate-comment'].trim() : '';
      const errors: Errors = {};
      if (!Number.isInteger(stars) || stars < 1 || stars > 5) errors.stars = t('applications.error.stars');
      if (comment.length > 1000) errors.comment = t('applications.error.text-long', { max: 1000 });
      if (Object.keys(errors).length > 0) return detailPage(request, reply, a.id, { errors, values: { stars: String(body.stars ?? ''), comment }, form: 'rate' });
      if (!a.decision) throw new AppError('applications.state-changed', 409);
      await service.rate(session, a.id, { stars, comment }, maySee);
      return reply.redirect(`${base}/${a.id}?done=rated`, 303);
    });

    app.get<{ Params: { id: string; mid: string } }>(`${base}/:id/messages/:mid/file`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const a = await findApplication(db, request.params.id);
      if (!a || !citizenMaySee(session, a)) throw new AppError('not-found', 404);
      return sendMessageFile(db, reply, a.id, request.params.mid);
    });
  }
}

/** A message's file, as an attachment with its checked type; nothing is ever shown inline. */
export async function sendMessageFile(db: Db, reply: FastifyReply, applicationId: string, messageId: string) {
  if (!/^\d{1,15}$/.test(messageId)) throw new AppError('not-found', 404);
  const row = await db.selectFrom('applications_message').select(['file_name', 'file_mime', 'file_data'])
    .where('application_id', '=', applicationId).where('id', '=', Number(messageId)).executeTakeFirst();
  if (!row?.file_data) throw new AppError('not-found', 404);
  return reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.file_name ?? 'file')}`)
    .type(row.file_mime ?? 'application/octet-stream').send(row.file_data);
}
