// The back office's appeals: the tabs (new, mine, near the deadline, overdue, all) within the
// user's scope with the search by number, the appeal page with its actions per role and
// state (forward, assign, extend, answer), and the entry of an appeal received otherwise.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { districtById, logDataAccess, officePage, principal, type Session } from '../../identity/index.js';
import { AppError, LOCALES, local, t as translate, translator, withMultipart, type Locale } from '../../platform/index.js';
import { Button, ErrorSummary, Field, Pagination, Table } from '../../web/index.js';
import { mayHandle, regionOfHokimiyat } from '../routing.js';
import type { Appeal } from '../types.js';
import { actorOf, checkAppealForm, LIMITS, readAppealForm } from './form.js';
import { AppealMap } from './map.js';
import { placeName, placeOptions } from './places.js';
import { AppealForm, errorList, fileError, fileOrErrors } from './portal.js';
import { sendAttachment } from './cabinet.js';
import { appealScope, attachmentsOf, countTabs, executorsOf, parseNumber, scopeFilter, tabFilter, TABS, type Tab } from './queries.js';
import type { AppealPagesDeps } from './index.js';
import { agencyName, Attachments, Facts, isOpen, SelectField, StateTag, TextArea, Timeline, when } from './views.js';

const PER_PAGE = 50;
type Action = 'forward' | 'assign' | 'extend' | 'answer';
interface State { errors?: Record<string, string>; values?: Record<string, string>; form?: Action; stale?: boolean }

const isHeadOf = (session: Session, agencyId: string) => session.roles.some((r) => r.role === 'head' && r.agencyId === agencyId);

export function officeAppealRoutes(app: FastifyInstance, deps: AppealPagesDeps): void {
  const { db, appeals } = deps;
  const now = deps.now ?? (() => new Date());

  /** The appeal if this user handles it; 404 for anyone outside its agency, region and district. */
  async function handled(session: Session, id: string): Promise<Appeal> {
    const a = await appeals.get(id);
    if (!a || !mayHandle(session, a)) throw new AppError('not-found', 404);
    return a;
  }

  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/office/appeals`;
    const crumbs = [{ href: base, label: t('appeals.ui.office.title') }];

    app.get<{ Querystring: Record<string, string | undefined> }>(base, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const query = request.query;
      const tab: Tab = (TABS as readonly string[]).includes(String(query.tab)) ? query.tab as Tab : 'new';
      const q = String(query.q ?? '').trim().slice(0, 40);
      const number = q ? parseNumber(q) : undefined;
      const searchError = q && !number ? t('appeals.ui.error.number') : undefined;
      const scope = appealScope(session);
      const at = now();
      const counts = await countTabs(db, scope, session.person.id, at);
      let listing = db.selectFrom('appeals_appeal').where(scopeFilter(scope));
      listing = number ? listing.where('number', '=', number) : searchError ? listing.where((eb) => eb.val(false) as never) : listing.where(tabFilter(tab, session.person.id, at));
      const total = Number((await listing.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const page = Math.min(pages, Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1));
      const rows = await listing.select(['id', 'number', 'kind', 'topic_id', 'summary', 'author_name', 'region', 'district', 'state', 'due_at', 'escalated_at', 'registered_at', 'executor_name'])
        // A tab is worked by the deadline, soonest first; "all" shows the newest first.
        .orderBy(tab === 'all' || number ? 'registered_at' : 'due_at', tab === 'all' || number ? 'desc' : 'asc').orderBy('id')
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE).execute();
      const done = String(query.done ?? '');
      const title = number ? t('appeals.ui.office.search-title', { q }) : t(`appeals.ui.tab.${tab}`);
      return officePage(request, reply.code(searchError ? 400 : 200), {
        title, path: `/appeals?tab=${tab}`, section: 'appeals', breadcrumbs: [{ label: t('appeals.ui.office.title') }],
        body: <>
          <h1>{title}</h1>
          {done === 'forwarded' && <p class="notice" role="status">{t('appeals.ui.done.forwarded', { number: String(query.number ?? '') })}</p>}
          {done === 'entered' && <p class="notice" role="status">{t('appeals.ui.done.entered', { number: String(query.number ?? ''), agency: agencyName(deps.catalog(), String(query.agency ?? ''), l) })}</p>}
          <nav aria-label={t('appeals.ui.office.tabs')}>
            <ul class="queue-list">
              {TABS.map((key) => (
                <li class="card" key={key}>
                  <a href={`${base}?tab=${key}`} aria-current={!number && key === tab ? 'page' : undefined}><span class="count">{counts[key]}</span>{t(`appeals.ui.tab.${key}`)}</a>
                </li>
              ))}
            </ul>
          </nav>
          <p><Button href={`${base}/new`} secondary>{t('appeals.ui.office.enter')}</Button>
            {session.roles.some((r) => r.role === 'head') && <> <Button href={`${base}/dashboard`} secondary>{t('appeals.analytics.title')}</Button></>}</p>
          <ErrorSummary title={t('appeals.ui.problem')} errors={searchError ? [{ href: '#q', text: searchError }] : []} />
          <form method="get" action={base} class="panel" role="search">
            <input type="hidden" name="tab" value={tab} />
            <Field name="q" label={t('appeals.ui.office.search')} hint={t('appeals.ui.number-hint')} value={q} error={searchError} />
            <Button>{t('appeals.ui.office.find')}</Button>
          </form>
          {rows.length === 0 ? <p>{t('appeals.ui.office.empty')}</p> : (
            <Table caption={t('appeals.ui.caption', { count: total })}
              head={[t('appeals.ui.number'), t('appeals.ui.topic'), t('appeals.ui.author'), t('appeals.ui.place'), t('appeals.ui.state'), t('appeals.ui.due'), t('appeals.ui.executor')]}
              rows={rows.map((r) => [
                <a href={`${base}/${r.id}`}>{r.number}</a>,
                <>{local(appeals.topic(r.topic_id)?.name, l) || r.topic_id}<br /><span class="count">{t(`appeals.ui.kinds.${r.kind}`)} · {r.summary}</span></>,
                r.author_name,
                [r.region ? t(`region.${r.region}`) : '', r.district ? districtLabel(r.district, l) : ''].filter(Boolean).join(', ') || '—',
                <StateTag a={{ state: r.state as Appeal['state'], dueAt: r.due_at, escalatedAt: r.escalated_at }} t={t} now={at} />,
                r.state === 'open' || r.state === 'assigned' ? when(r.due_at) : '—',
                r.executor_name ?? '—',
              ])} />
          )}
          <Pagination page={page} pages={pages} t={t} href={(p) => `${base}?${new URLSearchParams({ tab, ...(q ? { q } : {}), page: String(p) })}`} />
        </>,
      });
    });

    // An appeal received by phone, post or in person, entered by the officer for its author.
    async function entryPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string> = {}) {
      const title = t('appeals.ui.office.enter');
      return officePage(request, reply.code(Object.keys(errors).length > 0 ? 400 : 200), {
        title, path: '/appeals/new', section: 'appeals', breadcrumbs: [...crumbs, { label: title }],
        body: <>
          <h1>{title}</h1>
          <p class="lead">{t('appeals.ui.office.enter-lead')}</p>
          <ErrorSummary title={t('appeals.ui.problem')} errors={errorList(errors)} />
          <AppealForm l={l} t={t} deps={deps} action={`${base}/new`} csrf={reply.csrfToken()} values={values} errors={errors} office />
        </>,
      });
    }

    app.get(`${base}/new`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) =>
      entryPage(request, reply, { idempotency: randomUUID(), channel: 'phone' }));

    withMultipart(app, (scoped) => scoped.post(`${base}/new`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const read = await readAppealForm(request);
      if (read.broken) throw new AppError('bad-request', 400);
      const values = { ...read.fields };
      const checked = checkAppealForm(read.fields, (id) => appeals.topic(id), t, true);
      const errors: Record<string, string> = { ...checked.errors };
      const fileProblem = fileError(t, read.fileError);
      if (fileProblem) errors.attachments = fileProblem;
      if (errors.idempotency) { values.idempotency = randomUUID(); errors.summary ??= errors.idempotency; delete errors.idempotency; }
      if (errors.application) delete errors.application;
      if (Object.keys(errors).length > 0 || !checked.input) return entryPage(request, reply, values, errors);
      const { input } = checked;
      const ext = input.external!;
      const result = await fileOrErrors(deps, {
        kind: input.kind, topicId: input.topicId, summary: input.summary, body: input.body, place: input.place, locale: l,
        author: { kind: 'external', name: ext.name, contact: { ...(ext.phone ? { phone: ext.phone } : {}), ...(ext.address ? { address: ext.address } : {}) } },
        channel: ext.channel, idempotencyKey: input.idempotencyKey, attachments: read.files, enteredBy: actorOf(session),
      });
      if (result.errors) return entryPage(request, reply, values, result.errors);
      const filed = result.filed;
      if (mayHandle(session, { agencyId: filed.agencyId, region: filed.region, district: filed.district })) return reply.redirect(`${base}/${filed.id}`, 303);
      // Routed to a body this officer does not serve: say where it went.
      return reply.redirect(`${base}?${new URLSearchParams({ done: 'entered', number: filed.number, agency: filed.agencyId })}`, 303);
    }));

    app.get<{ Params: { id: string } }>(`${base}/:id`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) =>
      appealPage(request, reply, request.params.id, {}));

    async function appealPage(request: FastifyRequest, reply: FastifyReply, id: string, state: State) {
      const session = principal(request);
      const a = await handled(session, id);
      const snapshot = deps.catalog();
      const actor = actorOf(session, a.agencyId);
      // What the page shows of the author, named in the author's language for their "who looked at my data".
      if (a.authorPersonId) {
        const al = a.locale as Locale;
        await logDataAccess(db, {
          personId: a.authorPersonId, accessorKind: 'officer', accessor: actor.name, agencyId: a.agencyId,
          purpose: translate(al, 'appeals.ui.access-purpose', { number: a.number }),
          fields: [translate(al, 'appeals.ui.access-fields.name'), translate(al, 'appeals.ui.access-fields.text'), ...(a.lat !== null || a.address ? [translate(al, 'appeals.ui.access-fields.place')] : [])],
        });
      }
      const [events, files] = await Promise.all([appeals.events(a.id), attachmentsOf(db, a.id)]);
      const open = isOpen(a);
      const head = isHeadOf(session, a.agencyId);
      const executor = a.executorId === session.person.id;
      const executors = head && a.state === 'open' ? await executorsOf(db, a) : [];
      const terms = appeals.terms(a.kind, a.agencyId);
      const csrf = reply.csrfToken();
      const errors = state.errors ?? {};
      const values = state.values ?? {};
      const v = (form: Action, name: string) => (state.form === form ? values[name] ?? '' : '');
      const err = (form: Action, name: string) => (state.form === form ? errors[name] : undefined);
      const regions = placeOptions(t, l);
      const agencies = (snapshot?.agencies ?? []).map((g) => ({ value: g.id, label: local(g.name, l) })).sort((x, y) => x.label.localeCompare(y.label));
      const co = new Set(state.form === 'assign' ? (values.co ?? '').split(',') : a.coExecutors.map((c) => c.id));
      const contact = [a.authorContact.phone, a.authorContact.email, a.authorContact.address].filter(Boolean).join(' · ');
      const status = state.stale ? 409 : Object.keys(errors).length > 0 ? 400 : 200;
      return officePage(request, reply.code(status), {
        title: t('appeals.ui.appeal', { number: a.number }), path: `/appeals/${a.id}`, section: 'appeals', breadcrumbs: [...crumbs, { label: a.number }],
        body: <>
          <h1>{t('appeals.ui.appeal', { number: a.number })}</h1>
          <p class="lead">{a.summary}{a.escalatedAt && <> <span class="tag tag--late">{t('appeals.ui.escalated')}</span></>}</p>
          {state.stale && <p class="notice" role="status">{t('appeals.ui.stale')}</p>}
          <ErrorSummary title={t('appeals.ui.problem')} errors={errorList(errors)} />
          <Facts a={a} t={t} l={l} snapshot={snapshot} appeals={appeals} now={now()} extra={[
            [t('appeals.ui.author'), `${a.authorName}${a.authorKind === 'business' ? ` (${t('appeals.ui.business')})` : ''}`],
            ...(contact ? [[t('appeals.ui.contact'), contact] as [string, string]] : []),
            [t('appeals.ui.channel'), t(`appeals.ui.channels.${a.channel}`)],
            [t('appeals.ui.executor'), [a.executorName, ...a.coExecutors.map((c) => c.name)].filter(Boolean).join(', ') || '—'],
            ...(a.level > 0 ? [[t('appeals.ui.level'), String(a.level)] as [string, string]] : []),
            ...(a.applicationId ? [[t('appeals.ui.application'), a.applicationId] as [string, string]] : []),
          ]} />
          <section aria-labelledby="appeal-text">
            <h2 id="appeal-text">{t('appeals.ui.body')}</h2>
            <p class="plain-text">{a.body}</p>
          </section>
          {a.lat !== null && a.lon !== null && <>
            <AppealMap t={t} lat={a.lat} lon={a.lon} />
            <p class="count">{t('appeals.ui.point', { lat: a.lat.toFixed(5), lon: a.lon.toFixed(5) })}</p>
          </>}
          <Attachments files={files} t={t} href={(fid) => `${base}/${a.id}/files/${fid}`} />

          {a.answer && (
            <section class="panel" aria-labelledby="answer">
              <h2 id="answer">{t('appeals.ui.answer')}</h2>
              <p class="count">{when(a.answeredAt)}{a.executorName && <> · {a.executorName}</>}</p>
              <p class="plain-text">{a.answer}</p>
              {a.answerDocumentId && <p><a href={`/${l}/verify/${a.answerDocumentId}`}>{t('appeals.ui.verify')}</a></p>}
              {a.rating !== null && <p>{t('appeals.ui.rated-by-author', { stars: a.rating })}{a.ratingComment && <> — {a.ratingComment}</>}</p>}
            </section>
          )}

          {executor && a.state === 'assigned' && (
            <form method="post" action={`${base}/${a.id}/answer`} class="panel" novalidate>
              <h2 id="answer-form">{t('appeals.ui.answer-title')}</h2>
              <input type="hidden" name="_csrf" value={csrf} />
              <TextArea name="answer-text" label={t('appeals.ui.answer-text')} hint={t('appeals.ui.answer-hint')} value={v('answer', 'answer-text')} error={err('answer', 'answer-text')} maxLength={LIMITS.answer[1]} rows={8} />
              <Button>{t('appeals.ui.answer-send')}</Button>
            </form>
          )}

          {head && a.state === 'open' && (
            <form method="post" action={`${base}/${a.id}/assign`} class="panel" novalidate>
              <h2>{t('appeals.ui.assign-title')}</h2>
              <input type="hidden" name="_csrf" value={csrf} />
              {executors.length === 0 ? <p>{t('appeals.ui.no-executors')}</p> : <>
                <SelectField name="executor" label={t('appeals.ui.executor')} value={state.form === 'assign' ? values.executor : a.executorId ?? ''} error={err('assign', 'executor')}
                  options={[{ value: '', label: t('appeals.ui.choose') }, ...executors.map((e) => ({ value: e.id, label: e.name }))]} />
                <fieldset class="field">
                  <legend>{t('appeals.ui.co-executors')}</legend>
                  {executors.map((e) => (
                    <div class="radio" key={e.id}>
                      <input type="checkbox" id={`co-${e.id}`} name="co" value={e.id} checked={co.has(e.id)} />
                      <label for={`co-${e.id}`}>{e.name}</label>
                    </div>
                  ))}
                </fieldset>
                <Button>{t('appeals.ui.assign')}</Button>
              </>}
            </form>
          )}

          {head && open && !a.extended && (
            <form method="post" action={`${base}/${a.id}/extend`} class="panel" novalidate>
              <h2>{t('appeals.ui.extend-title')}</h2>
              <p>{t('appeals.ui.extend-lead', { days: terms.extension.days, basis: terms.extension.basis })}</p>
              <input type="hidden" name="_csrf" value={csrf} />
              <Field name="days" type="number" label={t('appeals.ui.days')} value={v('extend', 'days')} error={err('extend', 'days')} />
              <TextArea name="extend-reason" label={t('appeals.ui.reason')} value={v('extend', 'extend-reason')} error={err('extend', 'extend-reason')} maxLength={LIMITS.reason} rows={3} />
              <Button secondary>{t('appeals.ui.extend')}</Button>
            </form>
          )}

          {open && (
            <form method="post" action={`${base}/${a.id}/forward`} class="panel" novalidate>
              <h2>{t('appeals.ui.forward-title')}</h2>
              <p>{t('appeals.ui.forward-lead', { days: terms.forward.days })}</p>
              <input type="hidden" name="_csrf" value={csrf} />
              <SelectField name="agency" label={t('appeals.ui.forward-to')} value={v('forward', 'agency')} error={err('forward', 'agency')}
                options={[{ value: '', label: t('appeals.ui.choose') }, ...agencies]} />
              <SelectField name="forward-district" label={t('appeals.ui.district-optional')} value={state.form === 'forward' ? values['forward-district'] : a.district ?? ''} error={err('forward', 'forward-district')}
                options={[{ value: '', label: t('appeals.ui.none-district') }]} groups={regions.map((r) => ({ label: r.label, options: r.districts }))} />
              <TextArea name="forward-reason" label={t('appeals.ui.reason')} value={v('forward', 'forward-reason')} error={err('forward', 'forward-reason')} maxLength={LIMITS.reason} rows={3} />
              <Button secondary>{t('appeals.ui.forward')}</Button>
            </form>
          )}

          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('appeals.ui.timeline')}</h2>
            <Timeline events={events} t={t} l={l} snapshot={snapshot} forAuthor={false} />
          </section>
        </>,
      });
    }

    /**
     * Runs an action: field errors from the service go beside the fields, a stale page (409)
     * gets the appeal as it is now with a word, and success goes back to the appeal (or, when
     * it left this user's scope, to the list).
     */
    async function act(request: FastifyRequest, reply: FastifyReply, a: Appeal, form: Action, values: Record<string, string>, run: () => Promise<void>, fields: Record<string, string>) {
      try {
        await run();
      } catch (error) {
        if (error instanceof AppError && error.status === 409) return appealPage(request, reply, a.id, { stale: true });
        if (error instanceof AppError && error.status === 400 && error.errors.length > 0) {
          // The service's pointers (`/reason`, `/agencyId`…) under this form's field names.
          const errors: Record<string, string> = {};
          for (const e of error.errors) errors[fields[e.pointer.split('/').at(-1) ?? ''] ?? Object.values(fields)[0]!] ??= e.detail;
          return appealPage(request, reply, a.id, { errors, values, form });
        }
        throw error;
      }
      const after = await appeals.get(a.id);
      if (!after || !mayHandle(principal(request), after)) return reply.redirect(`${base}?${new URLSearchParams({ done: 'forwarded', number: a.number })}`, 303);
      return reply.redirect(`${base}/${a.id}`, 303);
    }
    const text = (body: Record<string, unknown> | undefined, name: string) => (typeof body?.[name] === 'string' ? (body[name] as string).trim() : '');
    const reasonError = (reason: string) => (!reason ? t('appeals.ui.error.reason') : reason.length > LIMITS.reason ? t('appeals.ui.error.too-long', { max: LIMITS.reason }) : undefined);
    type Post = { Params: { id: string }; Body: Record<string, unknown> };

    app.post<Post>(`${base}/:id/forward`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const a = await handled(session, request.params.id);
      const agency = text(request.body, 'agency'), district = text(request.body, 'forward-district'), reason = text(request.body, 'forward-reason');
      const values = { agency, 'forward-district': district, 'forward-reason': reason };
      const errors: Record<string, string> = {};
      if (!deps.catalog()?.agency(agency)) errors.agency = t('appeals.ui.error.agency');
      // To a local administration the appeal takes its region; elsewhere it keeps its own. A district must lie in it.
      const region = regionOfHokimiyat(agency) ?? a.region;
      if (district && districtById(district)?.region !== region) errors['forward-district'] = t('appeals.ui.error.district');
      else if (!errors.agency && agency === a.agencyId && (district || null) === a.district) errors.agency = t('appeals.ui.error.agency');
      const why = reasonError(reason);
      if (why) errors['forward-reason'] = why;
      if (Object.keys(errors).length > 0) return appealPage(request, reply, a.id, { errors, values, form: 'forward' });
      return act(request, reply, a, 'forward', values, () => appeals.forward(a.id, actorOf(session, a.agencyId), { agencyId: agency, district: district || null, reason }),
        { agencyId: 'agency', district: 'forward-district', reason: 'forward-reason' });
    });

    app.post<Post>(`${base}/:id/assign`, { schema: { hide: true }, config: { access: 'head' } }, async (request, reply) => {
      const session = principal(request);
      const a = await handled(session, request.params.id);
      if (!isHeadOf(session, a.agencyId)) throw new AppError('forbidden', 403);
      const executors = await executorsOf(db, a);
      const chosen = text(request.body, 'executor');
      const raw = request.body?.co;
      const coIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).filter((id) => id !== chosen);
      const values = { executor: chosen, co: coIds.join(',') };
      const executor = executors.find((e) => e.id === chosen);
      const coExecutors = executors.filter((e) => coIds.includes(e.id));
      const errors: Record<string, string> = {};
      if (!executor) errors.executor = t('appeals.ui.error.executor');
      else if (coExecutors.length !== new Set(coIds).size) errors.executor = t('appeals.ui.error.co-executor');
      if (Object.keys(errors).length > 0) return appealPage(request, reply, a.id, { errors, values, form: 'assign' });
      return act(request, reply, a, 'assign', values, () => appeals.assign(a.id, actorOf(session, a.agencyId), { executor: executor!, coExecutors }), { executor: 'executor' });
    });

    app.post<Post>(`${base}/:id/extend`, { schema: { hide: true }, config: { access: 'head' } }, async (request, reply) => {
      const session = principal(request);
      const a = await handled(session, request.params.id);
      if (!isHeadOf(session, a.agencyId)) throw new AppError('forbidden', 403);
      const rawDays = text(request.body, 'days'), reason = text(request.body, 'extend-reason');
      const values = { days: rawDays, 'extend-reason': reason };
      const max = appeals.terms(a.kind, a.agencyId).extension.days;
      const days = /^\d{1,3}$/.test(rawDays) ? Number(rawDays) : NaN;
      const errors: Record<string, string> = {};
      if (!(days >= 1 && days <= max)) errors.days = t('appeals.ui.error.days', { max });
      const why = reasonError(reason);
      if (why) errors['extend-reason'] = why;
      if (Object.keys(errors).length > 0) return appealPage(request, reply, a.id, { errors, values, form: 'extend' });
      return act(request, reply, a, 'extend', values, () => appeals.extend(a.id, actorOf(session, a.agencyId), { days, reason }), { days: 'days', reason: 'extend-reason' });
    });

    app.post<Post>(`${base}/:id/answer`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const session = principal(request);
      const a = await handled(session, request.params.id);
      if (a.executorId !== session.person.id) throw new AppError('forbidden', 403);
      const answer = text(request.body, 'answer-text');
      const values = { 'answer-text': answer };
      const error = answer.length < LIMITS.answer[0] ? t('appeals.ui.error.answer-short', { min: LIMITS.answer[0] })
        : answer.length > LIMITS.answer[1] ? t('appeals.ui.error.too-long', { max: LIMITS.answer[1] }) : undefined;
      if (error) return appealPage(request, reply, a.id, { errors: { 'answer-text': error }, values, form: 'answer' });
      return act(request, reply, a, 'answer', values, () => appeals.answer(a.id, actorOf(session, a.agencyId), { text: answer }), { text: 'answer-text' });
    });

    app.get<{ Params: { id: string; file: string } }>(`${base}/:id/files/:file`, { schema: { hide: true }, config: { access: 'officer' } }, async (request, reply) => {
      const a = await handled(principal(request), request.params.id);
      return sendAttachment(db, reply, a.id, request.params.file);
    });
  }
}

const districtLabel = (id: string, l: Locale) => {
  const d = districtById(id);
  return d ? placeName(d.name, l) : id;
};
