// The citizen's side: /{l}/services/:id/apply starts or resumes the draft; one step per
// page, Back and Continue; files through a multipart route of their own; the check of the
// answers with Change links; Send; and the drafts to continue from the cabinet.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { accountBar, principal, sendCabinetPage } from '../identity/index.js';
import { AppError, LOCALES, translator, withMultipart } from '../platform/index.js';
import { Button, Layout, renderPage, sendPage, Table, type Crumb } from '../web/index.js';
import { isVisible, readPosted, shownFields, visibleSteps, type Answers } from './answers.js';
import type { FormsService, Opened } from './service.js';
import { deleteDraft, draftsOf, readUpload } from './store.js';
import { readMultipartStep, type ReceivedFile } from './uploads.js';
import { CheckPage, formatDay, StepPage, type FormView } from './views.js';
import type { FormStep } from './forms.types.js';

type DraftParams = { id: string; draft: string };
type StepParams = DraftParams & { step: string };
type Body = Record<string, unknown>;

const hide = { hide: true };
const person = { access: 'person' as const };

export function formRoutes(app: FastifyInstance, forms: FormsService): void {
  for (const l of LOCALES) {
    const t = translator(l);
    const applyUrl = `/${l}/services/:id/apply`;
    const draftUrl = `${applyUrl}/:draft`;
    const base = (o: Opened) => `/${l}/services/${o.draft.serviceId}/apply/${o.draft.id}`;

    /** A personal page of the portal: the layout with the account bar, never cached. */
    const page = (request: FastifyRequest, reply: FastifyReply, p: { title: string; path: string; crumbs: Crumb[]; body: ComponentChildren; status?: number }) =>
      sendPage(request, reply.code(p.status ?? 200).header('cache-control', 'no-store'), renderPage(
        <Layout locale={l} t={t} title={p.title} path={p.path} breadcrumbs={p.crumbs} account={accountBar(principal(request), l)}>{p.body}</Layout>,
      ));

    const serviceCrumb = (serviceId: string): Crumb => ({ href: `/${l}/services/${serviceId}`, label: forms.serviceName(serviceId, l) });

    async function view(reply: FastifyReply, o: Opened): Promise<FormView> {
      const uploads = await forms.uploads(o.draft.id);
      return {
        l, t, def: o.form.def, serviceName: forms.serviceName(o.draft.serviceId, l), base: base(o), prefill: o.draft.prefill,
        uploads: new Map(uploads.map((u) => [u.id, u])), csrf: reply.csrfToken(),
      };
    }

    /**
     * The draft of the address, if it is the caller's, on its current form: a draft made
     * on an older version is carried over and the person sent where to go on, told so.
     */
    async function opened(request: FastifyRequest<{ Params: DraftParams }>, reply: FastifyReply): Promise<Opened | FastifyReply> {
      const o = await forms.open(principal(request), request.params.id, request.params.draft);
      if (!o) throw new AppError('not-found', 404);
      if (o.draft.status === 'submitted') return reply.redirect(`/${l}/cabinet/applications/${o.draft.applicationId}`, 303);
      const latest = await forms.outdated(o);
      if (latest) {
        const carried = await forms.carryOver(o, latest);
        return reply.redirect(`${base(carried)}/${forms.resumeAt(carried, l)}`, 303);
      }
      return o;
    }

    /** The notice to show once (the form changed), cleared as it is shown. */
    async function takeNotice(o: Opened): Promise<string | undefined> {
      if (!o.draft.notice) return undefined;
      await forms.clearNotice(o.draft.id);
      return t(`forms.notice.${o.draft.notice}`);
    }

    function stepOrThrow(o: Opened, stepId: string): FormStep {
      const step = o.form.def.steps.find((s) => s.id === stepId);
      if (!step) throw new AppError('not-found', 404);
      return step;
    }

    async function showStep(request: FastifyRequest, reply: FastifyReply, o: Opened, step: FormStep, state: { values?: Answers; errors?: Record<string, string>; status?: number; change: boolean }) {
      const values = state.values ?? o.draft.answers;
      const steps = visibleSteps(o.form.def, values);
      const index = steps.findIndex((s) => s.id === step.id);
      const v = await view(reply, o);
      const previous = index > 0 ? `${v.base}/${steps[index - 1].id}` : `/${l}/services/${o.draft.serviceId}`;
      const errors = state.errors ?? {};
      const title = `${Object.keys(errors).length > 0 ? `${t('forms.error-prefix')} ` : ''}${t('forms.title', { step: stepTitle(step), service: v.serviceName })}`;
      return page(request, reply, {
        title, path: `/services/${o.draft.serviceId}/apply/${o.draft.id}/${step.id}`, status: state.status,
        crumbs: [serviceCrumb(o.draft.serviceId), { label: stepTitle(step) }],
        body: <StepPage v={v} step={step} fields={shownFields(o.form.def, step, values)} number={index + 1} total={steps.length} values={values}
          errors={errors} back={state.change ? `${v.base}/check` : previous} change={state.change} notice={await takeNotice(o)} />,
      });
    }
    const stepTitle = (step: FormStep) => step.title[l];

    /** After a step: the next step that asks anything, or the check page (always, when changing an answer). */
    function nextAfter(o: Opened, step: FormStep, answers: Answers, change: boolean): string {
      if (change) return 'check';
      const steps = visibleSteps(o.form.def, answers);
      const all = o.form.def.steps;
      const next = steps.find((s) => all.indexOf(s) > all.indexOf(step));
      return next?.id ?? 'check';
    }

    async function showCheck(request: FastifyRequest, reply: FastifyReply, o: Opened, state: { status?: number; errors?: Record<string, string>; problem?: string } = {}) {
      const v = await view(reply, o);
      const { def } = o.form;
      const answers = o.draft.answers;
      const steps = visibleSteps(def, answers).map((step) => ({ step, fields: step.fields.filter((f) => isVisible(def, f, answers)) }));
      const errors = Object.entries(state.errors ?? {}).map(([field, text]) => ({ field, text, step: def.steps.find((s) => s.fields.some((f) => f.name === field))!.id }));
      return page(request, reply, {
        title: `${errors.length > 0 ? `${t('forms.error-prefix')} ` : ''}${t('forms.check.title')}`, path: `/services/${o.draft.serviceId}/apply/${o.draft.id}/check`,
        status: state.status, crumbs: [serviceCrumb(o.draft.serviceId), { label: t('forms.check.title') }],
        body: <CheckPage v={v} steps={steps} answers={answers} errors={errors} notice={await takeNotice(o)} problem={state.problem} />,
      });
    }

    // Start or resume.
    app.get<{ Params: { id: string } }>(applyUrl, { schema: hide, config: person }, async (request, reply) => {
      const session = principal(request);
      const started = await forms.start(session, request.params.id);
      if (started === undefined) {
        return page(request, reply, {
          title: t('forms.no-form.title'), path: `/services/${request.params.id}/apply`, status: 404, crumbs: [{ label: t('forms.no-form.title') }],
          body: <><h1>{t('forms.no-form.title')}</h1><p class="lead">{t('forms.no-form.lead')}</p><p><a href={`/${l}/spheres`}>{t('forms.no-form.catalog')}</a></p></>,
        });
      }
      if (started === 'business') {
        return page(request, reply, {
          title: t('forms.business.title'), path: `/services/${request.params.id}/apply`, status: 403, crumbs: [serviceCrumb(request.params.id), { label: t('forms.business.title') }],
          body: <>
            <h1>{t('forms.business.title')}</h1>
            <p class="lead">{t(session.actingFor ? 'forms.business.scope' : 'forms.business.lead')}</p>
            <Button href={`/${l}/cabinet/act-for`}>{t('forms.business.choose')}</Button>
          </>,
        });
      }
      const o = await forms.open(session, started.serviceId, started.id);
      if (!o) throw new AppError('not-found', 404);
      const latest = await forms.outdated(o);
      const current = latest ? await forms.carryOver(o, latest) : o;
      return reply.header('cache-control', 'no-store').redirect(`${base(current)}/${forms.resumeAt(current, l)}`, 303);
    });

    app.get<{ Params: DraftParams }>(`${draftUrl}/check`, { schema: hide, config: person }, async (request, reply) => {
      const o = await opened(request, reply);
      if (!('draft' in o)) return o;
      return showCheck(request, reply, o);
    });

    // Send.
    app.post<{ Params: DraftParams }>(`${draftUrl}/check`, { schema: hide, config: person }, async (request, reply) => {
      let outcome;
      try {
        outcome = await forms.submit(principal(request), request.params.id, request.params.draft, l);
      } catch (error) {
        if (error instanceof AppError) throw error;
        request.log.error({ err: error, draft: request.params.draft }, 'submission failed');
        const o = await opened(request, reply);
        return 'draft' in o ? showCheck(request, reply, o, { status: 503, problem: t('forms.submit.failed') }) : o;
      }
      if (outcome.kind === 'done') return reply.redirect(`/${l}/cabinet/applications/${encodeURIComponent(outcome.result.applicationId)}`, 303);
      if (outcome.kind === 'errors') return showCheck(request, reply, outcome.opened, { status: 400, errors: outcome.errors });
      // Outdated (carried over and sent on) or unavailable: as any page of the draft shows it.
      const o = await opened(request, reply);
      return 'draft' in o ? showCheck(request, reply, o, { status: 503, problem: t('forms.submit.unavailable') }) : o;
    });

    app.post<{ Params: DraftParams }>(`${draftUrl}/delete`, { schema: hide, config: person }, async (request, reply) => {
      const o = await forms.open(principal(request), request.params.id, request.params.draft);
      if (!o) throw new AppError('not-found', 404);
      await deleteDraft(forms.db, o.draft.id);
      return reply.redirect(`/${l}/cabinet/drafts?deleted=1`, 303);
    });

    // One's own file, as given.
    app.get<{ Params: DraftParams & { upload: string } }>(`${draftUrl}/files/:upload`, { schema: hide, config: person }, async (request, reply) => {
      const o = await forms.open(principal(request), request.params.id, request.params.draft);
      const upload = o && await readUpload(forms.db, request.params.upload);
      if (!o || !upload || upload.draftId !== o.draft.id) throw new AppError('not-found', 404);
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(upload.name)}`)
        .type(upload.mime).send(upload.content);
    });

    app.get<{ Params: StepParams; Querystring: { change?: string } }>(`${draftUrl}/:step`, { schema: hide, config: person }, async (request, reply) => {
      let o = await opened(request, reply);
      if (!('draft' in o)) return o;
      const step = stepOrThrow(o, request.params.step);
      if (!visibleSteps(o.form.def, o.draft.answers).includes(step)) return reply.redirect(`${base(o)}/${forms.resumeAt(o, l)}`, 303);
      o = await forms.prefill(o, step, l);
      return showStep(request, reply, o, step, { change: request.query.change === '1' });
    });

    app.post<{ Params: StepParams }>(`${draftUrl}/:step/prefill`, { schema: hide, config: person }, async (request, reply) => {
      const o = await opened(request, reply);
      if (!('draft' in o)) return o;
      const step = stepOrThrow(o, request.params.step);
      await forms.forgetFailures(o, step);
      return reply.redirect(`${base(o)}/${step.id}`, 303);
    });

    /** A step's answers: saved and on to the next step, or the step again with its errors. */
    async function answerStep(request: FastifyRequest<{ Params: StepParams; Querystring: { change?: string } }>, reply: FastifyReply, opened: Opened, step: FormStep, body: Body, files: ReceivedFile[] = [], fileErrors: Record<string, string> = {}) {
      const change = request.query.change === '1';
      // What the registries give is asked before the answers are judged (a post without the page first).
      const o = await forms.prefill(opened, step, l);
      // Removing a file: saved at once, and the step again without it.
      const remove = typeof body._remove === 'string' ? step.fields.find((f) => f.name === body._remove && f.widget === 'file') : undefined;
      if (remove) {
        const { [remove.name]: _gone, ...rest } = o.draft.answers;
        if (!await forms.save(o, rest)) throw new AppError('not-found', 404);
        return reply.redirect(`${base(o)}/${step.id}${change ? '?change=1' : ''}`, 303);
      }
      const shown = shownFields(o.form.def, step, { ...o.draft.answers, ...readPosted(step.fields, body) });
      const { answers, errors } = forms.merge(o, step, readPosted(shown, body), l);
      // A file that came is the answer; one refused is the error beside its field.
      for (const file of files) delete errors[file.field];
      Object.assign(errors, fileErrors);
      if (Object.keys(errors).length === 0) {
        if (!await forms.save(o, answers, files, step.id)) throw new AppError('not-found', 404);
        return reply.redirect(`${base(o)}/${nextAfter(o, step, answers, change)}`, 303);
      }
      // A good file is kept even when another answer of the step is wrong: it need not be sent twice.
      let current = o;
      if (files.length > 0) {
        if (!await forms.save(o, o.draft.answers, files)) throw new AppError('not-found', 404);
        current = (await forms.open(o.session, o.draft.serviceId, o.draft.id)) ?? o;
      }
      const values = { ...answers };
      for (const file of files) values[file.field] = current.draft.answers[file.field];
      return showStep(request, reply, current, step, { values, errors, status: 400, change });
    }

    app.post<{ Params: StepParams; Querystring: { change?: string }; Body: Body }>(`${draftUrl}/:step`, { schema: hide, config: person }, async (request, reply) => {
      const o = await opened(request, reply);
      if (!('draft' in o)) return o;
      const step = stepOrThrow(o, request.params.step);
      return answerStep(request, reply, o, step, request.body ?? {});
    });

    withMultipart(app, (scoped) => {
      scoped.post<{ Params: StepParams; Querystring: { change?: string } }>(`${draftUrl}/:step/files`, {
        schema: hide, config: { ...person, rateLimit: { max: 60, timeWindow: 60_000 } },
      }, async (request, reply) => {
        const o = await opened(request, reply);
        if (!('draft' in o)) return o;
        const step = stepOrThrow(o, request.params.step);
        const fileFields = step.fields.filter((f) => f.widget === 'file');
        if (fileFields.length === 0) throw new AppError('not-found', 404);
        const { body, files, errors } = await readMultipartStep(request, fileFields, l);
        return answerStep(request, reply, o, step, body, files, errors);
      });
    });

    // The unfinished applications, to continue or delete.
    app.get<{ Querystring: { deleted?: string } }>(`/${l}/cabinet/drafts`, { schema: hide, config: person }, async (request, reply) => {
      const session = principal(request);
      const drafts = await draftsOf(forms.db, session.person.id);
      const csrf = reply.csrfToken();
      return sendCabinetPage(request, reply, {
        section: 'applications', title: t('forms.drafts.title'), unread: 0, path: '/drafts', children: <>
          <h1>{t('forms.drafts.title')}</h1>
          {request.query.deleted === '1' && <p class="notice" role="status">{t('forms.drafts.deleted')}</p>}
          {drafts.length === 0 ? <p>{t('forms.drafts.none')}</p> : (
            <Table caption={t('forms.drafts.caption')} head={[t('forms.drafts.service'), t('forms.drafts.updated'), t('forms.drafts.action')]}
              rows={drafts.map((d) => [
                forms.serviceName(d.serviceId, l),
                formatDay(l, d.updatedAt),
                <>
                  <a href={`/${l}/services/${d.serviceId}/apply`}>{t('forms.drafts.continue')}<span class="visually-hidden"> {forms.serviceName(d.serviceId, l)}</span></a>
                  <form method="post" action={`/${l}/services/${d.serviceId}/apply/${d.id}/delete`} class="inline-form">
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button class="link-button" type="submit">{t('forms.delete')}<span class="visually-hidden"> {forms.serviceName(d.serviceId, l)}</span></button>
                  </form>
                </>,
              ])} />
          )}
        </>,
      });
    });
  }
}

