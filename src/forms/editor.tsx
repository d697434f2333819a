// The editors' page in the back office: the published forms, each version's YAML to
// download, and a changed YAML uploaded to publish it as the next version. Drafts made on
// an older version are carried over when their owners come back to them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDocument } from 'yaml';
import { audit, officePage, principal } from '../identity/index.js';
import { AppError, LOCALES, translator, withMultipart, type Db } from '../platform/index.js';
import { ErrorSummary, Table } from '../web/index.js';
import { FormDefinitionError, MAX_SOURCE, parseFormDefinition, type DefinitionContext, type DefinitionProblem } from './definition.js';
import type { FormsService } from './service.js';
import { insertForm, type FormStore } from './store.js';
import { formatDay } from './views.js';

interface Deps { db: Db; store: FormStore; forms: FormsService; context: () => DefinitionContext }

/** Publishes a definition as the next version of its service's form; returns that version. */
export async function publishForm(deps: Pick<Deps, 'db' | 'store'>, source: string, by: string | null, context: DefinitionContext): Promise<{ serviceId: string; version: number }> {
  const parsed = parseFormDefinition(source, 'upload.yaml', context);
  // Two editors at once: the second takes the number after the first's.
  for (let attempt = 0; attempt < 3; attempt++) {
    const version = ((await deps.store.latestVersion(parsed.serviceId)) ?? 0) + 1;
    const doc = parseDocument(source);
    doc.set('version', version);
    if (await insertForm(deps.db, { ...parsed, version }, doc.toString({ lineWidth: 0 }), by)) return { serviceId: parsed.serviceId, version };
  }
  throw new AppError('unavailable', 503);
}

export function editorRoutes(app: FastifyInstance, deps: Deps): void {
  const access = { access: 'editor' as const };
  for (const l of LOCALES) {
    const t = translator(l);
    const url = `/${l}/office/catalog/forms`;

    async function list(request: FastifyRequest, reply: FastifyReply, state: { problems?: DefinitionProblem[]; published?: string; status?: number } = {}) {
      const forms = await deps.store.list();
      const csrf = reply.csrfToken();
      return officePage(request, reply.code(state.status ?? 200), {
        title: t('forms.editor.title'), path: '/catalog/forms', section: 'catalog',
        breadcrumbs: [{ href: `/${l}/office/catalog`, label: t('forms.editor.catalog') }, { label: t('forms.editor.title') }],
        body: <>
          <h1>{t('forms.editor.title')}</h1>
          <p class="lead">{t('forms.editor.lead')}</p>
          {state.published && <p class="notice" role="status">{t('forms.editor.published', { form: state.published })}</p>}
          <ErrorSummary title={t('forms.editor.problems')} errors={(state.problems ?? []).slice(0, 50).map((p) => ({ href: '#definition', text: t('forms.editor.problem', { line: p.line, message: p.message }) }))} />
          <form method="post" action={`${url}?_csrf=${encodeURIComponent(csrf)}`} encType="multipart/form-data">
            <div class={state.problems ? 'field field--error' : 'field'}>
              <label for="definition">{t('forms.editor.file')}</label>
              <p class="field__hint" id="definition-hint">{t('forms.editor.file-hint')}</p>
              <input type="file" id="definition" name="definition" accept=".yaml,.yml,text/yaml" aria-describedby="definition-hint" />
            </div>
            <button class="button" type="submit">{t('forms.editor.publish')}</button>
          </form>
          <Table caption={t('forms.editor.caption')} head={[t('forms.editor.service'), t('forms.editor.version'), t('forms.editor.published-on'), t('forms.editor.yaml')]}
            rows={forms.map((f) => [
              `${deps.forms.serviceName(f.service_id, l)} (${f.service_id})`,
              String(f.version),
              formatDay(l, f.published_at),
              <a href={`${url}/${f.service_id}/${f.version}`}>{t('forms.editor.download')}<span class="visually-hidden"> {f.service_id}</span></a>,
            ])} />
        </>,
      });
    }

    app.get<{ Querystring: { published?: string } }>(url, { schema: { hide: true }, config: access }, async (request, reply) =>
      list(request, reply, { published: typeof request.query.published === 'string' ? request.query.published.slice(0, 100) : undefined }));

    app.get<{ Params: { service: string; version: string } }>(`${url}/:service/:version`, { schema: { hide: true }, config: access }, async (request, reply) => {
      const version = Number(request.params.version);
      const source = Number.isInteger(version) && version > 0 ? await deps.store.source(request.params.service, version) : undefined;
      if (source === undefined) throw new AppError('not-found', 404);
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${request.params.service}.yaml"`)
        .type('text/yaml; charset=utf-8').send(source);
    });

    withMultipart(app, (scoped) => scoped.post(url, { schema: { hide: true }, config: access }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('bad-request', 400);
      let source: string | undefined;
      try {
        const options = { limits: { fileSize: MAX_SOURCE + 1, files: 1, fields: 5 } };
        for await (const part of request.parts(options)) {
          if (part.type !== 'file') continue;
          const buffer = await part.toBuffer();
          if (part.fieldname === 'definition' && buffer.length > 0) source = buffer.toString('utf8');
        }
      } catch {
        return list(request, reply, { status: 400, problems: [{ file: 'upload.yaml', line: 0, message: t('forms.editor.too-large') }] });
      }
      if (!source) return list(request, reply, { status: 400, problems: [{ file: 'upload.yaml', line: 0, message: t('forms.editor.no-file') }] });
      try {
        const session = principal(request);
        const { serviceId, version } = await publishForm(deps, source, session.person.id, deps.context());
        await audit(deps.db, { actor: session.person.id, action: 'forms.published', subject: `${serviceId}@${version}`, ip: request.ip });
        return reply.redirect(`${url}?published=${encodeURIComponent(`${serviceId}@${version}`)}`, 303);
      } catch (error) {
        if (error instanceof FormDefinitionError) return list(request, reply, { status: 400, problems: error.problems });
        throw error;
      }
    }));
  }
}
