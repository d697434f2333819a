import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { districtById, officePage, officeScope, principal, type Session } from '../identity/index.js';
import { AppError, LOCALES, local, t as translate, translator, type Db, type Locale } from '../platform/index.js';
import { Button, ErrorSummary, Field, Pagination, Select, SummaryList, Table } from '../web/index.js';
import { addWorkingDays } from '../workflow/index.js';
import { money, sendMessageFile, type PageDeps } from './cabinet.js';
import { ApplicationService, MAX_TEXT, type FormFieldsLookup } from './service.js';
import { countQueues, findApplication, QUEUES, queueFilter, scopeFilter, type Queue, type QueueContext } from './store.js';
import { formatNumber } from './submit.js';
import { day, Messages, StateTag, TextArea, Timeline, when } from './views.js';

const PER_PAGE = 50;

export interface OfficeDeps extends PageDeps { forms?: FormFieldsLookup; now: () => Date }

/** The queues' context of a back-office user: what they may see, and the clock. */
export function queueContext(session: Session, now: Date): QueueContext {
  return { personId: session.person.id, scope: officeScope(session), now, soon: addWorkingDays(now, 2) };
}

/** The counts on the back office's home page: new, mine, my unit, near the term, past the term. */
export async function queueCounts(db: Db, session: Session, now = new Date()): Promise<Record<Queue, number>> {
  return countQueues(db, queueContext(session, now));
}

/** What the search box takes: an application number (`2026-123` or `2026-000123`) or a PINFL. */
function parseSearch(q: string): { number?: string; pinfl?: string } | undefined {
  const number = /^(\d{4})-(\d{1,9})$/.exec(q);
  if (number) return { number: formatNumber(Number(number[1]), Number(number[2])) };
  const digits = q.replace(/\s/g, '');
  if (/^\d{14}$/.test(digits)) return { pinfl: digits };
  return undefined;
}

/**
 * The back office's applications: the queues with their filters and the search, and the
 * application page where officers take, hand over, ask, approve and reject. Every record is
 * checked against the user's agency, unit and region; every opening is logged for the citizen.
 */
export function officeApplicationRoutes(app: FastifyInstance, deps: OfficeDeps): void {
  const { db, service } = deps;

  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/office/applications`;

    app.get<{ Querystring: Record<string, string | undefined> }>(base, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const query = request.query;
      const queue = (QUEUES as readonly string[]).includes(String(query.queue)) ? query.queue as Queue : 'new';
      const q = String(query.q ?? '').trim().slice(0, 40);
      const serviceId = String(query.service ?? '').slice(0, 80);
      const stateFilter = String(query.state ?? '').slice(0, 40);
      const context = queueContext(session, deps.now());
      const counts = await countQueues(db, context);
      const search = q ? parseSearch(q) : undefined;
      const searchError = q && !search ? t('applications.office.search-invalid') : undefined;
      let listing = db.selectFrom('applications_application').where(scopeFilter(context.scope));
      if (search?.number) listing = listing.where('number', '=', search.number);
      else if (search?.pinfl) listing = listing.where('applicant_pinfl', '=', search.pinfl);
      else listing = listing.where(queueFilter(queue, context));
      if (serviceId) listing = listing.where('service_id', '=', serviceId);
      if (stateFilter) listing = listing.where('state', '=', stateFilter);
      if (searchError) listing = listing.where((eb) => eb.val(false) as never);
      const total = Number((await listing.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const page = Math.min(pages, Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1));
      const rows = await listing.select(['id', 'number', 'service_id', 'state', 'active', 'due_at', 'escalated_at', 'submitted_at', 'workflow_id', 'workflow_version', 'applicant_name', 'assigned_name'])
        // A queue is worked oldest first (by the term when the term is the point); a search shows the newest first.
        .orderBy(search ? 'submitted_at' : queue === 'near-term' || queue === 'past-term' ? 'due_at' : 'submitted_at', search ? 'desc' : 'asc')
        .orderBy('id').limit(PER_PAGE).offset((page - 1) * PER_PAGE).execute();
      const snapshot = deps.catalog();
      const agencies = new Set(context.scope.map((s) => s.agencyId));
      const services = (snapshot?.services ?? []).filter((s) => agencies.has(s.agencyId)).map((s) => ({ value: s.id, label: local(s.name, l) })).sort((a, b) => a.label.localeCompare(b.label));
      const states = new Map<string, string>();
      for (const def of service.deps.workflow.definitions?.() ?? []) for (const [name, s] of Object.entries(def.states)) if (!states.has(name)) states.set(name, s.label[l]);
      const keep = (extra: Record<string, string>) => {
        const params = new URLSearchParams({ queue, ...(serviceId ? { service: serviceId } : {}), ...(stateFilter ? { state: stateFilter } : {}), ...(q ? { q } : {}), ...extra });
        return `${base}?${params}`;
      };
      const title = search ? t('applications.office.search-title', { q }) : t(`office.home.queue.${queue}`);
      return officePage(request, reply.code(searchError ? 400 : 200), {
        title, path: `/applications?queue=${queue}`, section: 'home', breadcrumbs: [{ label: t('applications.office.title') }],
        body: <>
          <h1>{title}</h1>
          <nav aria-label={t('applications.office.queues')}>
            <ul class="queue-list">
              {QUEUES.map((key) => (
                <li class="card" key={key}>
                  <a href={`${base}?queue=${key}`} aria-current={!search && key === queue ? 'page' : undefined}>
                    <span class="count">{counts[key]}</span>{t(`office.home.queue.${key}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <ErrorSummary title={t('applications.problem')} errors={searchError ? [{ href: '#q', text: searchError }] : []} />
          <form method="get" action={base} class="panel" role="search">
            <input type="hidden" name="queue" value={queue} />
            <Field name="q" label={t('applications.office.search')} hint={t('applications.office.search-hint')} value={q} error={searchError} />
            <Select name="service" label={t('applications.service')} value={serviceId} options={[{ value: '', label: t('applications.office.any-service') }, ...services]} />
            <Select name="state" label={t('applications.state')} value={stateFilter} options={[{ value: '', label: t('applications.office.any-state') }, ...[...states].map(([value, label]) => ({ value, label }))]} />
            <Button>{t('applications.office.apply-filters')}</Button>
          </form>
          {rows.length === 0 ? <p>{t('applications.office.empty')}</p> : (
            <Table caption={t('applications.office.caption', { count: total })}
              head={[t('applications.number'), t('applications.service'), t('applications.applicant'), t('applications.state'), t('applications.submitted'), t('applications.due'), t('applications.office.assigned')]}
              rows={rows.map((r) => [
                <a href={`${base}/${r.id}`}>{r.number}</a>,
                local(snapshot?.service(r.service_id)?.name, l) || r.service_id,
                [r.applicant_name.last, r.applicant_name.first].join(' '),
                <StateTag def={service.definitionOf(r)} app={r} l={l} t={t} />,
                day(r.submitted_at),
                r.active ? when(r.due_at) : '—',
                r.assigned_name ?? '—',
              ])} />
          )}
          <Pagination page={page} pages={pages} href={(p) => keep({ page: String(p) })} t={t} />
        </>,
      });
    });

    app.get<{ Params: { id: string } }>(`${base}/:id`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) =>
      applicationPage(request, reply, request.params.id, {}));

    async function applicationPage(request: FastifyRequest, reply: FastifyReply, id: string, state: { errors?: Record<string, string>; values?: Record<string, string>; form?: string }) {
      const session = principal(request);
      const found = await findApplication(db, id);
      if (!found) throw new AppError('not-found', 404);
      const form = await deps.forms?.definition?.(found.service_id, found.form_version).catch(() => undefined);
      const fields = form ? form.steps.flatMap((s) => s.fields) : [];
      // What the page shows of the person, named in the citizen's language for their "who looked at my data".
      const cl = found.locale as Locale;
      const shown = [translate(cl, 'applications.fields.name'), translate(cl, 'applications.fields.pinfl'), translate(cl, 'applications.fields.address'),
        ...(fields.length > 0 ? fields.map((f) => f.label[cl] ?? f.name) : Object.keys(found.answers))];
      // 404 for anyone outside the agency, unit and region; the read is logged for the citizen.
      const a = await service.openForOffice(session, id, shown.slice(0, 50));
      const def = service.definitionOf(a);
      const snapshot = deps.catalog();
      const svc = snapshot?.service(a.service_id);
      const name = local(svc?.name, l) || a.service_id;
      const history = await service.deps.workflow.history(db, a.id);
      const messages = await db.selectFrom('applications_message').select(['id', 'at', 'author_kind', 'author_name', 'kind', 'body', 'file_name', 'file_size'])
        .where('application_id', '=', a.id).orderBy('id').execute();
      const invoices = deps.payments ? await deps.payments.invoicesOf(db, a.id) : [];
      const kinds = ApplicationService.officeKinds(session, a.agency_id);
      const actions = service.actionsFor(a, kinds);
      const isHead = kinds.includes('head');
      const officers = isHead && a.active ? await service.officersOf(db, a.agency_id) : [];
      const csrf = reply.csrfToken();
      const errors = state.errors ?? {};
      const values = state.values ?? {};
      const district = a.district ? districtById(a.district) : undefined;
      const place = [a.region ? t(`region.${a.region}`) : undefined, district ? (l === 'ru' ? district.name.ru : l === 'en' ? district.name.en : district.name.uz) : a.district].filter(Boolean).join(', ') || '—';
      const centre = a.centre_id ? deps.config.centres.find((c) => c.id === a.centre_id) : undefined;
      const prefilled = new Map(a.prefilled.map((p) => [p.field, p.source]));
      const answerRows: [string, string][] = fields.length > 0
        ? fields.filter((f) => f.widget !== 'file' && a.answers[f.name] !== undefined && a.answers[f.name] !== '').map((f) => {
          const v = a.answers[f.name];
          const text = f.options?.find((o) => o.value === v)?.label[l] ?? (typeof v === 'boolean' ? t(v ? 'applications.yes' : 'applications.no') : typeof v === 'object' ? JSON.stringify(v) : String(v));
          return [f.label[l] ?? f.name, prefilled.has(f.name) ? `${text} (${t('applications.office.from-registry', { source: prefilled.get(f.name)! })})` : text];
        })
        : Object.entries(a.answers).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
      const errorList = Object.entries(errors).map(([k, v]) => ({ href: `#${state.form}-${k}`, text: v }));
      return officePage(request, reply.code(Object.keys(errors).length > 0 ? 400 : 200), {
        title: t('applications.office.application', { number: a.number ?? '' }), path: `/applications/${a.id}`, section: 'home',
        breadcrumbs: [{ href: base, label: t('applications.office.title') }, { label: a.number ?? a.id }],
        body: <>
          <h1>{t('applications.office.application', { number: a.number ?? '' })}</h1>
          <p class="lead">{name} · <StateTag def={def} app={a} l={l} t={t} />{a.escalated_at && <> <span class="tag">{t('applications.office.escalated')}</span></>}</p>
          <ErrorSummary title={t('applications.problem')} errors={errorList} />
          <SummaryList rows={[
            [t('applications.applicant'), [a.applicant_name.last, a.applicant_name.first, a.applicant_name.middle].filter(Boolean).join(' ')],
            [t('applications.fields.pinfl'), a.applicant_pinfl ?? '—'],
            ...(a.business_id ? [[t('applications.office.business'), a.business_id] as [string, string]] : []),
            [t('applications.office.place'), place],
            [t('applications.office.channel'), centre ? local(centre.name, l) : t('applications.office.portal')],
            [t('applications.submitted'), when(a.submitted_at)],
            [t('applications.due'), a.active ? when(a.due_at) : '—'],
            [t('applications.office.assigned'), a.assigned_name ?? '—'],
            ...invoices.map((i) => [t('applications.office.invoice'), `${money(l, i.amountTiyin)} · ${t(`applications.invoice.${['paid', 'refunded'].includes(i.status) ? i.status : 'unpaid'}`)}`] as [string, string]),
          ]} />

          <section aria-labelledby="answers">
            <h2 id="answers">{t('applications.office.answers')}</h2>
            {answerRows.length === 0 ? <p>—</p> : <SummaryList rows={answerRows} />}
            {a.files.length > 0 && <ul>{a.files.map((f) => <li key={f.uploadId}>{f.name} <span class="count">({f.mime}, {Math.max(1, Math.round(f.size / 1024))} KB)</span></li>)}</ul>}
          </section>

          {a.active && a.assigned_to !== session.person.id && (
            <form method="post" action={`${base}/${a.id}/claim`} class="panel">
              <input type="hidden" name="_csrf" value={csrf} />
              <p>{a.assigned_to ? t('applications.office.assigned-to', { name: a.assigned_name ?? '' }) : t('applications.office.unassigned')}</p>
              <Button>{t('applications.office.claim')}</Button>
            </form>
          )}

          {officers.length > 0 && (
            <form method="post" action={`${base}/${a.id}/reassign`} class="panel">
              <h2>{t('applications.office.reassign')}</h2>
              <input type="hidden" name="_csrf" value={csrf} />
              <Select name="officer" label={t('applications.office.reassign-to')} value={a.assigned_to ?? ''} options={officers.map((o) => ({ value: o.id, label: o.name }))} />
              <Button secondary>{t('applications.office.reassign-button')}</Button>
            </form>
          )}

          {actions.map(([actionName, action]) => {
            const rejecting = action.to === 'rejected';
            const prefix = `act-${actionName}`;
            const mine = state.form === prefix;
            return (
              <form method="post" action={`${base}/${a.id}/act`} class="panel" key={actionName} novalidate>
                <h2 id={`${prefix}-title`}>{action.label[l]}</h2>
                <input type="hidden" name="_csrf" value={csrf} />
                <input type="hidden" name="action" value={actionName} />
                {rejecting && <>
                  <div class={mine && errors.code ? 'field field--error' : 'field'}>
                    <label for={`${prefix}-code`}>{t('applications.office.reason-code')}</label>
                    {mine && errors.code && <p class="field__error" id={`${prefix}-code-error`}>{errors.code}</p>}
                    <select id={`${prefix}-code`} name="reason_code" aria-invalid={mine && errors.code ? 'true' : undefined}>
                      <option value="">{t('applications.office.choose')}</option>
                      {deps.config.rejectReasons.map((r) => <option value={r.id} key={r.id} selected={mine && values.code === r.id}>{r.label[l]}</option>)}
                    </select>
                  </div>
                </>}
                {action.reason && (
                  <TextArea name={`${prefix}-reason`} label={t(rejecting ? 'applications.office.explanation' : actionName === 'request_info' ? 'applications.office.request-text' : 'applications.office.reason')}
                    hint={action.reason === 'required' && !rejecting ? t('applications.office.required') : undefined}
                    value={mine ? values.reason : ''} error={mine ? errors.reason : undefined} maxLength={MAX_TEXT} />
                )}
                <Button secondary={rejecting}>{action.label[l]}</Button>
              </form>
            );
          })}

          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('applications.timeline.title')}</h2>
            <Timeline history={history} def={def} l={l} t={t} showNames />
          </section>
          <section aria-labelledby="messages">
            <h2 id="messages">{t('applications.messages.title')}</h2>
            <Messages messages={messages} t={t} showNames fileUrl={(m) => `${base}/${a.id}/messages/${m}/file`} />
            {a.active && (
              <form method="post" action={`${base}/${a.id}/message`} class="panel" novalidate>
                <input type="hidden" name="_csrf" value={csrf} />
                <TextArea name="message-text" label={t('applications.messages.write')} value={state.form === 'message' ? values.reason : ''} error={state.form === 'message' ? errors.text : undefined} maxLength={MAX_TEXT} />
                <Button secondary>{t('applications.messages.send')}</Button>
              </form>
            )}
          </section>
        </>,
      });
    }

    app.post<{ Params: { id: string } }>(`${base}/:id/claim`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      await service.claim(principal(request), request.params.id);
      return reply.redirect(`${base}/${request.params.id}`, 303);
    });

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/reassign`, { schema: { hide: true }, config: { access: 'head' } }, async (request, reply) => {
      const officer = typeof request.body?.officer === 'string' ? request.body.officer.slice(0, 64) : '';
      await service.reassign(principal(request), request.params.id, officer);
      return reply.redirect(`${base}/${request.params.id}`, 303);
    });

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/act`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const body = request.body ?? {};
      const action = typeof body.action === 'string' ? body.action.slice(0, 60) : '';
      const a = await findApplication(db, request.params.id);
      if (!a) throw new AppError('not-found', 404);
      const prefix = `act-${action}`;
      const reason = typeof body[`${prefix}-reason`] === 'string' ? (body[`${prefix}-reason`] as string).trim() : '';
      const code = typeof body.reason_code === 'string' ? body.reason_code : '';
      const found = service.actionsFor(a, ApplicationService.officeKinds(session, a.agency_id)).find(([name]) => name === action);
      const errors: Record<string, string> = {};
      if (found) {
        if (found[1].to === 'rejected' && !deps.config.rejectReasons.some((r) => r.id === code)) errors.code = t('applications.error.reason-code');
        if (reason.length > MAX_TEXT) errors.reason = t('applications.error.text-long', { max: MAX_TEXT });
        else if (found[1].reason === 'required' && !reason && found[1].to !== 'rejected') errors.reason = t('applications.error.reason-required');
      }
      if (Object.keys(errors).length > 0) return applicationPage(request, reply, a.id, { errors, values: { reason, code }, form: prefix });
      await service.officerAct(session, a.id, { action, reason, reasonCode: code });
      return reply.redirect(`${base}/${a.id}`, 303);
    });

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${base}/:id/message`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const text = typeof request.body?.['message-text'] === 'string' ? (request.body['message-text'] as string).trim() : '';
      const a = await findApplication(db, request.params.id);
      if (!a) throw new AppError('not-found', 404);
      const error = !text ? t('applications.error.message-empty') : text.length > MAX_TEXT ? t('applications.error.text-long', { max: MAX_TEXT }) : undefined;
      if (error) return applicationPage(request, reply, a.id, { errors: { text: error }, values: { reason: text }, form: 'message' });
      if (!a.active) throw new AppError('applications.state-changed', 409);
      await service.message(session, a.id, { from: 'officer', text });
      return reply.redirect(`${base}/${a.id}#messages`, 303);
    });

    app.get<{ Params: { id: string; mid: string } }>(`${base}/:id/messages/:mid/file`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const a = await service.openForOffice(principal(request), request.params.id, [translate(l, 'applications.fields.attachment')]);
      return sendMessageFile(db, reply, a.id, request.params.mid);
    });
  }
}
