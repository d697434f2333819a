// The portal's appeal pages: the new appeal (for oneself or the business one acts for, or a
// complaint about a used service) and the public status by number.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountBar, principal, type Session } from '../../identity/index.js';
import { AppError, LOCALES, local, translator, withMultipart, type Locale, type Translate } from '../../platform/index.js';
import { assetUrl, Button, ErrorSummary, Layout, renderPage, sendPage, SummaryList, type Crumb } from '../../web/index.js';
import type { ComponentChildren } from 'preact';
import type { Author } from '../types.js';
import { checkAppealForm, formErrors, LIMITS, OFFICE_CHANNELS, readAppealForm, type AppealInput } from './form.js';
import { AppealMap } from './map.js';
import { placeOptions } from './places.js';
import { applicationFor, parseNumber } from './queries.js';
import type { AppealPagesDeps } from './index.js';
import { agencyName, day, Input, isOpen, Radios, SelectField, TextArea, topicGroups, when } from './views.js';

/** A portal page with the account bar when someone is signed in. */
export function portalPage(request: FastifyRequest, reply: FastifyReply, page: { title: string; path: string; crumbs: Crumb[]; body: ComponentChildren; status?: number }) {
  const l = request.locale;
  const t = translator(l);
  return sendPage(request, reply.code(page.status ?? 200).header('cache-control', 'no-store'), renderPage(
    <Layout locale={l} t={t} title={page.title} path={page.path} breadcrumbs={page.crumbs} account={request.principal ? accountBar(request.principal, l) : undefined}>{page.body}</Layout>,
  ));
}

/** Errors as the error summary lists them, each linking to its field. */
export const errorList = (errors: Record<string, string>) => Object.entries(errors).map(([name, text]) => ({ href: `#${name}`, text }));

export interface FormView {
  l: Locale; t: Translate; deps: AppealPagesDeps; action: string; csrf: string;
  values: Record<string, string>; errors: Record<string, string>;
  /** The officer's form: channel and author first. */
  office?: boolean;
  /** A complaint about this application: the kind is fixed. */
  application?: { id: string; number: string | null };
}

/** The appeal form, the same for the portal and the officer who enters an appeal received otherwise. */
export function AppealForm({ l, t, deps, action, csrf, values, errors, office, application }: FormView) {
  const regions = placeOptions(t, l);
  const lat = Number(values.lat?.replace(',', '.')), lon = Number(values.lon?.replace(',', '.'));
  return (
    <form method="post" action={`${action}?_csrf=${encodeURIComponent(csrf)}`} enctype="multipart/form-data" novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="idempotency" value={values.idempotency} />
      {office && <>
        <Radios name="channel" legend={t('appeals.ui.channel')} value={values.channel} error={errors.channel}
          options={OFFICE_CHANNELS.map((c) => ({ value: c, label: t(`appeals.ui.channels.${c}`) }))} />
        <Input name="author-name" label={t('appeals.ui.author-name')} value={values['author-name']} error={errors['author-name']} maxLength={LIMITS.name} />
        <Input name="author-phone" label={t('appeals.ui.author-phone')} hint={t('appeals.ui.author-contact-hint')} value={values['author-phone']} error={errors['author-phone']} type="tel" />
        <Input name="author-address" label={t('appeals.ui.author-address')} value={values['author-address']} error={errors['author-address']} maxLength={LIMITS.address} />
      </>}
      {application ? <>
        <input type="hidden" name="kind" value="complaint" />
        <input type="hidden" name="application" value={application.id} />
        <p class="notice" id="application">{t('appeals.ui.about-application', { number: application.number ?? '—' })}</p>
      </> : (
        <Radios name="kind" legend={t('appeals.ui.kind')} value={values.kind} error={errors.kind}
          options={(['statement', 'proposal', 'complaint'] as const).map((k) => ({ value: k, label: t(`appeals.ui.kinds.${k}`), hint: t(`appeals.ui.kind-hints.${k}`) }))} />
      )}
      <SelectField name="topic" label={t('appeals.ui.topic')} hint={t('appeals.ui.topic-hint')} value={values.topic} error={errors.topic}
        options={[{ value: '', label: t('appeals.ui.choose') }]} groups={topicGroups(deps.appeals, deps.catalog(), l)} />
      <Input name="summary" label={t('appeals.ui.summary')} hint={t('appeals.ui.summary-hint', { max: LIMITS.summary[1] })} value={values.summary} error={errors.summary} maxLength={LIMITS.summary[1]} />
      <TextArea name="body" label={t('appeals.ui.body')} hint={t('appeals.ui.body-hint')} value={values.body} error={errors.body} maxLength={LIMITS.body[1]} rows={8} />
      <fieldset class="field">
        <legend>{t('appeals.ui.where')}</legend>
        <p class="field__hint">{t('appeals.ui.where-hint')}</p>
        <SelectField name="region" label={t('appeals.ui.region')} value={values.region} error={errors.region}
          options={[{ value: '', label: t('appeals.ui.choose') }, ...regions.map((r) => ({ value: r.value, label: r.label }))]} />
        <SelectField name="district" label={t('appeals.ui.district')} value={values.district} error={errors.district}
          options={[{ value: '', label: t('appeals.ui.choose') }]} groups={regions.map((r) => ({ label: r.label, options: r.districts }))} />
        <Input name="address" label={t('appeals.ui.address')} value={values.address} error={errors.address} maxLength={LIMITS.address} />
        <AppealMap t={t} pick lat={Number.isFinite(lat) && values.lat ? lat : undefined} lon={Number.isFinite(lon) && values.lon ? lon : undefined} />
        <div class="point-inputs">
          <Input name="lat" label={t('appeals.ui.lat')} value={values.lat} error={errors.lat} inputMode="decimal" />
          <Input name="lon" label={t('appeals.ui.lon')} value={values.lon} error={errors.lon} inputMode="decimal" />
        </div>
      </fieldset>
      {/* Last: a file over the limit stops the reading of the form there. */}
      <div class={errors.attachments ? 'field field--error' : 'field'}>
        <label for="attachments">{t('appeals.ui.attachments')}</label>
        <p class="field__hint" id="attachments-hint">{t('appeals.ui.attachments-hint', { files: LIMITS.files, mb: LIMITS.fileMb })}</p>
        {errors.attachments && <p class="field__error" id="attachments-error">{errors.attachments}</p>}
        <input id="attachments" name="attachments" type="file" multiple accept=".pdf,.jpg,.jpeg,.png" aria-describedby={errors.attachments ? 'attachments-hint attachments-error' : 'attachments-hint'} />
      </div>
      <Button>{t('appeals.ui.send')}</Button>
      <script src={assetUrl('appeals-map.js')} defer />
    </form>
  );
}

/** The author of a portal appeal: the business the person acts for, or the person. */
export function authorOf(session: Session, l: Locale): Author {
  const n = session.person.nameLatin;
  const name = [n.last, n.first, n.middle].filter(Boolean).join(' ');
  const acting = session.actingFor;
  if (acting) return { kind: 'business', personId: session.person.id, businessId: acting.businessId, name: l === 'ru' ? acting.name.ru : l === 'en' ? acting.name.en : acting.name.uz };
  return { kind: 'person', personId: session.person.id, name };
}

/** What a failed file reading means for the attachments field. */
export function fileError(t: Translate, error: 'too-large' | 'too-many' | undefined): string | undefined {
  if (error === 'too-large') return t('appeals.ui.error.file-too-large', { mb: LIMITS.fileMb });
  if (error === 'too-many') return t('appeals.ui.error.files-too-many', { files: LIMITS.files });
  return undefined;
}

/** Files the service, turning its field errors into the form's; anything else goes on. */
export async function fileOrErrors(deps: AppealPagesDeps, input: Parameters<AppealPagesDeps['appeals']['file']>[0]) {
  try {
    return { filed: await deps.appeals.file(input) };
  } catch (error) {
    if (error instanceof AppError && error.status === 400 && error.errors.length > 0) return { errors: formErrors(error.errors, 'summary') };
    throw error;
  }
}

export function portalAppealRoutes(app: Parameters<typeof withMultipart>[0], deps: AppealPagesDeps): void {
  for (const l of LOCALES) {
    const t = translator(l);
    const action = `/${l}/appeals/new`;

    async function formPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string> = {}) {
      const session = principal(request);
      const applicationId = values.application;
      const application = applicationId ? await applicationFor(deps.db, session, applicationId) : undefined;
      if (applicationId && !application) throw new AppError('not-found', 404);
      const title = application ? t('appeals.ui.new-complaint') : t('appeals.ui.new');
      return portalPage(request, reply, {
        title, path: `/appeals/new${application ? `?application=${application.id}` : ''}`, status: Object.keys(errors).length > 0 ? 400 : 200,
        crumbs: [{ href: `/${l}/cabinet/appeals`, label: t('appeals.ui.my') }, { label: title }],
        body: <>
          <h1>{title}</h1>
          <p class="lead">{session.actingFor ? t('appeals.ui.new-lead-business', { name: authorOf(session, l).name }) : t('appeals.ui.new-lead')}</p>
          <ErrorSummary title={t('appeals.ui.problem')} errors={errorList(errors)} />
          <AppealForm l={l} t={t} deps={deps} action={action} csrf={reply.csrfToken()} values={values} errors={errors}
            application={application ? { id: application.id, number: application.number } : undefined} />
        </>,
      });
    }

    app.get<{ Querystring: { topic?: string; application?: string; kind?: string } }>(action, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const topic = deps.appeals.topic(String(request.query.topic ?? ''))?.id ?? '';
      const application = String(request.query.application ?? '');
      const kind = application ? 'complaint' : ['statement', 'proposal', 'complaint'].includes(String(request.query.kind)) ? String(request.query.kind) : '';
      return formPage(request, reply, { idempotency: randomUUID(), topic, kind, ...(application ? { application } : {}) });
    });

    withMultipart(app, (scoped) => scoped.post(action, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const read = await readAppealForm(request);
      if (read.broken) throw new AppError('bad-request', 400);
      const values = { ...read.fields, idempotency: read.fields.idempotency || randomUUID() };
      const checked = checkAppealForm(read.fields, (id) => deps.appeals.topic(id), t);
      const errors: Record<string, string> = { ...checked.errors };
      const fileProblem = fileError(t, read.fileError);
      if (fileProblem) errors.attachments = fileProblem;
      if (errors.idempotency) { values.idempotency = randomUUID(); errors.summary ??= errors.idempotency; delete errors.idempotency; }
      if (Object.keys(errors).length > 0 || !checked.input) return formPage(request, reply, values, errors);
      const input: AppealInput = checked.input;
      if (input.applicationId && !(await applicationFor(deps.db, session, input.applicationId))) throw new AppError('not-found', 404);
      const result = await fileOrErrors(deps, {
        kind: input.kind, topicId: input.topicId, summary: input.summary, body: input.body, place: input.place, locale: l,
        author: authorOf(session, l), channel: 'portal', idempotencyKey: input.idempotencyKey, applicationId: input.applicationId, attachments: read.files,
      });
      if (result.errors) return formPage(request, reply, values, result.errors);
      return reply.redirect(`/${l}/cabinet/appeals/${result.filed.id}?done=filed`, 303);
    }));

    app.get<{ Querystring: { number?: string } }>(`/${l}/appeals/status`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const q = String(request.query.number ?? '').trim().slice(0, 40);
      const number = q ? parseNumber(q) : undefined;
      const a = number ? await deps.appeals.byNumber(number) : undefined;
      const error = q && !number ? t('appeals.ui.error.number') : q && !a ? t('appeals.ui.status.not-found', { number: number! }) : undefined;
      const snapshot = deps.catalog();
      const title = t('appeals.ui.status.title');
      return portalPage(request, reply, {
        title, path: `/appeals/status${q ? `?number=${encodeURIComponent(q)}` : ''}`, status: error ? 404 : 200, crumbs: [{ label: title }],
        body: <>
          <h1>{title}</h1>
          <p class="lead">{t('appeals.ui.status.lead')}</p>
          <ErrorSummary title={t('appeals.ui.problem')} errors={error ? [{ href: '#number', text: error }] : []} />
          <form method="get" action={`/${l}/appeals/status`} class="panel" role="search" aria-label={title}>
            <Input name="number" label={t('appeals.ui.number')} hint={t('appeals.ui.number-hint')} value={q} error={error} />
            <Button>{t('appeals.ui.status.find')}</Button>
          </form>
          {/* No personal data here: anyone who has the number may look. */}
          {a && (
            <section class="panel" aria-labelledby="found">
              <h2 id="found">{t('appeals.ui.status.found', { number: a.number })}</h2>
              <SummaryList rows={[
                [t('appeals.ui.topic'), local(deps.appeals.topic(a.topicId)?.name, l) || a.topicId],
                [t('appeals.ui.agency'), agencyName(snapshot, a.agencyId, l)],
                [t('appeals.ui.registered'), day(a.registeredAt)],
                [t('appeals.ui.state'), t(`appeals.ui.states.${a.state}`)],
                [t('appeals.ui.due'), isOpen(a) ? when(a.dueAt) : '—'],
                [t('appeals.ui.answered'), a.answeredAt ? t('appeals.ui.answered-on', { date: day(a.answeredAt) }) : t('appeals.ui.not-yet')],
              ]} />
            </section>
          )}
        </>,
      });
    });
  }
}
