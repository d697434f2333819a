import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, LOCALES, NotFoundError, local, translator, type Db } from '../../platform/index.js';
import { officePage, principal } from '../../identity/index.js';
import { agencyNotFound, serviceNotFound, sphereNotFound } from '../catalog.errors.js';
import type { CatalogService } from '../catalog.service.js';
import { diff } from './editor.diff.js';
import {
  agencyToForm, newServiceForm, parseAgency, parseService, parseSphere, readForm, serviceToForm, sphereToForm,
  type FieldErrors, type FormValues, type Parsed,
} from './editor.forms.js';
import {
  currentRecord, fingerprint, getDraft, listDrafts, publishDraft, rejectDraft, sameRecord, saveDraft, serviceIdTaken, withdrawDraft,
  type Actor, type Draft, type RecordOf,
} from './editor.store.js';
import type { DraftKind } from './editor.tables.js';
import { CatalogHome, DraftPage, draftHref, EditPage, editHref, RecordList, type DraftProps, type EditorView } from './editor.views.js';

const PER_PAGE = 25;
const MAX_REASON = 1000;

interface Deps { db: Db; catalog: CatalogService }

/** How each kind of record is edited. */
interface KindSpec<K extends DraftKind> {
  kind: K;
  path: string;
  notFound: (id: string) => AppError;
  toForm: (record: RecordOf[K]) => FormValues;
  parse: (values: FormValues, existing: RecordOf[K], request: FastifyRequest, deps: Deps) => Parsed<RecordOf[K]>;
}

const references = (catalog: CatalogService) => ({ sphere: (id: string) => !!catalog.snapshot.sphere(id), agency: (id: string) => !!catalog.snapshot.agency(id) });

const SPECS: { [K in DraftKind]: KindSpec<K> } = {
  service: { kind: 'service', path: 'services', notFound: serviceNotFound, toForm: serviceToForm, parse: (v, s, r, d) => parseService(v, s, references(d.catalog), r.locale) },
  agency: { kind: 'agency', path: 'agencies', notFound: agencyNotFound, toForm: agencyToForm, parse: (v, a, r) => parseAgency(v, a, r.locale) },
  sphere: { kind: 'sphere', path: 'spheres', notFound: sphereNotFound, toForm: sphereToForm, parse: (v, s, r) => parseSphere(v, s, r.locale) },
};

const fullName = (n: { first: string; middle?: string; last: string }) => [n.first, n.middle, n.last].filter(Boolean).join(' ');
function actor(request: FastifyRequest): Actor {
  const session = principal(request);
  return { id: session.person.id, name: fullName(session.person.nameLatin), ip: request.ip };
}

/**
 * The catalog editor in the back office: editors change services, agencies and spheres as
 * drafts; another editor reviews the diff and publishes (or rejects) it.
 */
export function editorRoutes(app: FastifyInstance, deps: Deps): void {
  const { db, catalog } = deps;
  const access = { access: 'editor' as const };
  const hide = { hide: true };

  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/office/catalog`;
    const view = (reply: FastifyReply): EditorView => ({ l, t, snap: catalog.snapshot, csrf: reply.csrfToken() });
    const crumbs = (label: string) => [{ href: base, label: t('editor.title') }, { label }];

    app.get<{ Querystring: { q?: string; page?: string } }>(base, { schema: hide, config: access }, async (request, reply) => {
      const me = principal(request).person.id;
      const q = typeof request.query.q === 'string' ? request.query.q : '';
      const page = /^\d{1,5}$/.test(String(request.query.page ?? '')) ? Math.max(1, Number(request.query.page)) : 1;
      const results = catalog.snapshot.find(q, {}, page, PER_PAGE);
      const open = await listDrafts(db, { open: true, limit: 200 });
      const recent = await listDrafts(db, { open: false, limit: 10 });
      return officePage(request, reply, {
        title: t('editor.title'), path: '/catalog', section: 'catalog', breadcrumbs: [{ label: t('editor.title') }],
        body: <CatalogHome view={view(reply)} q={q.trim()} results={results} recent={recent}
          mine={open.filter((d) => d.author === me)} others={open.filter((d) => d.author !== me)} />,
      });
    });

    app.get(`${base}/agencies`, { schema: hide, config: access }, async (request, reply) => {
      const records = catalog.snapshot.agencies.map((a) => ({ id: a.id, name: local(a.name, l), detail: t(`region.${a.region}`) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return officePage(request, reply, {
        title: t('editor.agencies'), path: '/catalog/agencies', section: 'catalog', breadcrumbs: crumbs(t('editor.agencies')),
        body: <RecordList view={view(reply)} kind="agency" records={records} />,
      });
    });

    app.get(`${base}/spheres`, { schema: hide, config: access }, async (request, reply) => {
      const snap = catalog.snapshot;
      const records = snap.spheres.map((s) => ({ id: s.id, name: local(s.name, l), detail: t('common.services-count', { count: snap.countIn({ sphere: s.id }) }) }));
      return officePage(request, reply, {
        title: t('editor.spheres'), path: '/catalog/spheres', section: 'catalog', breadcrumbs: crumbs(t('editor.spheres')),
        body: <RecordList view={view(reply)} kind="sphere" records={records} />,
      });
    });

    // A new service: a draft with no base, published like any other.
    const newService = `${base}/services/new`;
    const newPage = (request: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors) => officePage(request, reply, {
      title: t('editor.new-title'), path: '/catalog/services/new', section: 'catalog', breadcrumbs: crumbs(t('editor.new-title')),
      body: <EditPage view={view(reply)} kind="service" isNew title={t('editor.new-title')} action={newService} values={values} errors={errors} openDrafts={[]} />,
    });
    app.get(newService, { schema: hide, config: access }, async (request, reply) => newPage(request, reply, newServiceForm(), {}));
    app.post(newService, { schema: hide, config: access }, async (request, reply) => {
      const values = readForm('new-service', request.body);
      const parsed = parseService(values, undefined, references(catalog), l);
      const id = typeof values.id === 'string' ? values.id : '';
      if (!parsed.errors.id && id && await serviceIdTaken(db, id)) parsed.errors.id = t('editor.error.id-taken');
      if (!parsed.record || Object.keys(parsed.errors).length > 0) return newPage(request, reply.code(400), values, parsed.errors);
      const draftId = await saveDraft(db, { kind: 'service', targetId: parsed.record.id, payload: parsed.record, base: null }, actor(request));
      return reply.redirect(`${draftHref(l, draftId)}?saved=1`, 303);
    });

    for (const spec of Object.values(SPECS) as KindSpec<DraftKind>[]) {
      const url = `${base}/${spec.path}/:id/edit`;
      const load = async (id: string) => {
        const record = await currentRecord(db, spec.kind, id);
        if (!record) throw spec.notFound(id);
        return record;
      };
      const page = async (request: FastifyRequest, reply: FastifyReply, record: RecordOf[DraftKind], values: FormValues, errors: FieldErrors) => {
        const title = t('editor.edit-title', { name: local(record.name, l) });
        const openDrafts = await listDrafts(db, { open: true, limit: 20, kind: spec.kind, targetId: record.id });
        return officePage(request, reply, {
          title, path: `/catalog/${spec.path}/${encodeURIComponent(record.id)}/edit`, section: 'catalog', breadcrumbs: crumbs(title),
          body: <EditPage view={view(reply)} kind={spec.kind} title={title} action={editHref(l, spec.kind, record.id)} values={values} errors={errors}
            baseFingerprint={fingerprint(record)} openDrafts={openDrafts} />,
        });
      };

      app.get<{ Params: { id: string } }>(url, { schema: hide, config: access }, async (request, reply) => {
        const record = await load(request.params.id);
        return page(request, reply, record, spec.toForm(record), {});
      });

      app.post<{ Params: { id: string } }>(url, { schema: hide, config: access }, async (request, reply) => {
        const record = await load(request.params.id);
        const values = readForm(spec.kind, request.body);
        const parsed = spec.parse(values, record, request, deps);
        const errors: FieldErrors = { ...parsed.errors };
        // The form carries the fingerprint of the record it was filled from: a change published
        // meanwhile must not be overwritten unseen. The page shows the new fingerprint, so the
        // editor can save again once they have looked.
        const seen = (request.body as { _base?: unknown } | undefined)?._base;
        if (seen !== fingerprint(record)) errors._changed = t('editor.error.changed');
        else if (parsed.record && sameRecord(parsed.record, record)) errors._same = t('editor.error.no-change');
        if (!parsed.record || Object.keys(errors).length > 0) return page(request, reply.code(errors._changed && parsed.record ? 409 : 400), record, values, errors);
        const draftId = await saveDraft(db, { kind: spec.kind, targetId: record.id, payload: parsed.record, base: record }, actor(request));
        return reply.redirect(`${draftHref(l, draftId)}?saved=1`, 303);
      });
    }

    // --- review -------------------------------------------------------------------------

    const draftUrl = `${base}/drafts/:id`;
    const loadDraft = async (id: string) => {
      const draft = await getDraft(db, id);
      if (!draft) throw new NotFoundError();
      return draft;
    };
    const draftPage = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, extra: Pick<DraftProps, 'notice' | 'problem' | 'errors' | 'reason'> = {}) => {
      const current = await currentRecord(db, draft.kind, draft.targetId);
      const title = t('editor.draft.title', { name: local(draft.payload.name, l) });
      return officePage(request, reply, {
        title, path: `/catalog/drafts/${encodeURIComponent(draft.id)}`, section: 'catalog', breadcrumbs: crumbs(title),
        body: <DraftPage view={view(reply)} draft={draft} changes={diff(draft.kind, draft.base, draft.payload)} viewer={principal(request).person.id}
          outdated={!sameRecord(current ?? null, draft.base)} {...extra} />,
      });
    };

    app.get<{ Params: { id: string }; Querystring: { saved?: string } }>(draftUrl, { schema: hide, config: access }, async (request, reply) => {
      const draft = await loadDraft(request.params.id);
      return draftPage(request, reply, draft, { notice: request.query.saved && draft.status === 'draft' ? t('editor.draft.saved') : undefined });
    });

    /** After a decision: back to the draft, or the draft again with why nothing happened. */
    const answer = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, outcome: Awaited<ReturnType<typeof publishDraft>>) => {
      if (outcome.ok) return reply.redirect(draftHref(l, request.params.id), 303);
      switch (outcome.reason) {
        case 'missing': throw new NotFoundError();
        case 'own': case 'not-own': throw new AppError('forbidden', 403);
        case 'closed': return draftPage(request, reply.code(409), await loadDraft(request.params.id), { problem: t('editor.draft.closed') });
        case 'conflict': return draftPage(request, reply.code(409), await loadDraft(request.params.id), { problem: t('editor.draft.outdated') });
      }
    };

    app.post<{ Params: { id: string } }>(`${draftUrl}/publish`, { schema: hide, config: access }, async (request, reply) => {
      const outcome = await publishDraft(db, request.params.id, actor(request));
      // This process shows the change at once; the others reload on their next poll.
      if (outcome.ok) await catalog.refreshIfChanged();
      return answer(request, reply, outcome);
    });

    app.post<{ Params: { id: string } }>(`${draftUrl}/reject`, { schema: hide, config: access }, async (request, reply) => {
      const draft = await loadDraft(request.params.id);
      if (draft.author === principal(request).person.id) throw new AppError('forbidden', 403);
      const raw = (request.body as { reason?: unknown } | undefined)?.reason;
      const reason = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n]+/gu, '').trim() : '';
      const problem = !reason ? t('editor.error.reason') : reason.length > MAX_REASON ? t('validation.maxLength', { limit: MAX_REASON }) : undefined;
      if (problem) return draftPage(request, reply.code(400), draft, { errors: { reason: problem }, reason: reason.slice(0, MAX_REASON * 2) });
      return answer(request, reply, await rejectDraft(db, draft.id, reason, actor(request)));
    });

    app.post<{ Params: { id: string } }>(`${draftUrl}/withdraw`, { schema: hide, config: access }, async (request, reply) =>
      answer(request, reply, await withdrawDraft(db, request.params.id, actor(request))));
  }
}

