import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { LOCALES, NotFoundError, local, translator, withMultipart, type Db, type Locale } from '../platform/index.js';
import { ErrorSummary, Layout, renderPage, sendPage, SummaryList, Tag } from '../web/index.js';
import { copyMatches, documentPdf, findDocument, verifyDocument, type AgencyNames, type DocumentRow, type Verification } from './documents.service.js';
import { tashkentDate } from './dates.js';
import { certificateFacts } from './signing.js';

/** The largest copy the check takes: documents are tens of kilobytes. */
export const MAX_COPY_BYTES = 5 * 1024 * 1024;

export interface VerifyDeps { db: Db; caPem: () => string; agencies: AgencyNames }

type CopyResult = { kind: 'identical' | 'changed' } | { kind: 'error'; message: string };

// No length limit here: any id that is not a document's is a 404, however long (the router stops at 200).
const Params = Type.Object({ id: Type.String() });

/** The issuer's name in the reader's language when the catalog knows the agency, else as printed. */
const issuerName = (row: DocumentRow, agencies: AgencyNames, l: Locale) => {
  const agency = agencies().find((a) => a.id === row.agency_id);
  return agency ? local(agency.name, l) : row.agency_name;
};
const holderInitials = (row: DocumentRow, l: Locale) => ((l === 'oz' || l === 'ru') && row.holder.cyrillic) || row.holder.latin;

/**
 * The public check of a result document, where its QR code leads: found, genuine, unchanged,
 * not revoked; who issued it and when, the holder by initials only; and a form that compares
 * a copy someone holds with what was signed. Also as JSON for machines.
 */
export function verifyRoutes(app: FastifyInstance, deps: VerifyDeps): void {
  const { db } = deps;

  /** The stored document with the result of its check, or undefined. */
  async function check(id: string): Promise<{ row: DocumentRow; result: Verification } | undefined> {
    const row = await findDocument(db, id);
    if (!row) return undefined;
    const pdf = await documentPdf(db, id);
    return { row, result: verifyDocument(row, pdf!, deps.caPem()) };
  }

  // The QR code holds the address without a language: it goes to the reader's.
  app.get<{ Params: Static<typeof Params> }>('/verify/:id', { schema: { hide: true, params: Params }, config: { access: 'public' } }, async (request, reply) => {
    reply.header('vary', 'accept-language, cookie').header('cache-control', 'no-store');
    return reply.redirect(`/${request.locale}/verify/${encodeURIComponent(request.params.id)}`, 302);
  });

  for (const l of LOCALES) {
    app.get<{ Params: Static<typeof Params> }>(`/${l}/verify/:id`, { schema: { hide: true, params: Params }, config: { access: 'public' } }, async (request, reply) => {
      return page(request, reply, l, request.params.id, await check(request.params.id));
    });

    withMultipart(app, (scoped) => scoped.post<{ Params: Static<typeof Params> }>(`/${l}/verify/:id`, {
      schema: { hide: true, params: Params }, config: { access: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
    }, async (request, reply) => {
      const t = translator(l);
      const found = await check(request.params.id);
      if (!found) return page(request, reply, l, request.params.id, undefined);
      let copy: Buffer | undefined, tooLarge = false;
      try {
        for await (const part of request.parts({ limits: { fileSize: MAX_COPY_BYTES, files: 1, fields: 5 } })) {
          if (part.type === 'file' && part.fieldname === 'copy') copy = await part.toBuffer();
          else if (part.type === 'file') await part.toBuffer(); // drained, not kept
        }
      } catch (error) {
        // Too large, or not a multipart form at all: either way no copy to compare.
        tooLarge = (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
      }
      let result: CopyResult;
      if (tooLarge) result = { kind: 'error', message: t('documents.verify.copy-too-large', { mb: MAX_COPY_BYTES / 1024 / 1024 }) };
      else if (!copy || copy.length === 0) result = { kind: 'error', message: t('documents.verify.copy-missing') };
      else if (!copy.subarray(0, 5).equals(Buffer.from('%PDF-'))) result = { kind: 'error', message: t('documents.verify.copy-not-pdf') };
      else result = { kind: copyMatches(found.row, copy) ? 'identical' : 'changed' };
      return page(request, reply, l, request.params.id, found, result);
    }));
  }

  app.get<{ Params: Static<typeof Params> }>('/api/v1/documents/:id/verification', {
    config: { access: 'public' },
    schema: {
      tags: ['documents'], summary: 'Whether a result document is genuine, unchanged and not revoked',
      description: 'The check behind the QR code of a signed result document. The holder is given by initials only.',
      params: Params, querystring: Type.Object({ lang: Type.Optional(Type.Enum([...LOCALES])) }),
      response: {
        200: Type.Object({
          id: Type.String(), valid: Type.Boolean(), genuine: Type.Boolean(), unchanged: Type.Boolean(), revoked: Type.Boolean(),
          revoked_at: Type.Union([Type.String(), Type.Null()]), revocation_reason: Type.Union([Type.String(), Type.Null()]),
          title: Type.String(), number: Type.String(), issued_at: Type.String(), issuer: Type.Object({ id: Type.String(), name: Type.String() }),
          holder: Type.String({ description: 'Initials only' }), sha256: Type.String(),
          certificate: Type.Union([Type.Object({ subject: Type.String(), issuer: Type.String(), serial: Type.String(), valid_from: Type.String(), valid_to: Type.String() }), Type.Null()]),
          url: Type.String(),
        }),
        404: { $ref: 'Problem#' }, 429: { $ref: 'Problem#' },
      },
    },
  }, async (request, reply) => {
    const found = await check(request.params.id);
    if (!found) throw new NotFoundError();
    const { row, result } = found;
    const facts = certificateFacts(row.certificate_pem);
    reply.header('cache-control', 'no-store');
    return {
      id: row.id, ...result,
      revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null, revocation_reason: row.revoke_reason,
      title: row.title, number: row.number, issued_at: new Date(row.issued_at).toISOString(),
      issuer: { id: row.agency_id, name: issuerName(row, deps.agencies, request.locale) }, holder: holderInitials(row, request.locale), sha256: row.sha256,
      certificate: facts ? { subject: facts.subject, issuer: facts.issuer, serial: facts.serial, valid_from: facts.validFrom, valid_to: facts.validTo } : null,
      url: `/${request.locale}/verify/${row.id}`,
    };
  });

  function page(request: FastifyRequest, reply: FastifyReply, l: Locale, id: string, found: { row: DocumentRow; result: Verification } | undefined, copy?: CopyResult) {
    const t = translator(l);
    const title = t('documents.verify.title');
    const crumbs = [{ label: title }];
    // No one's wallet, but the answer changes when a document is revoked: never cached, never indexed.
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    if (!found) {
      return sendPage(request, reply.code(404), renderPage(
        <Layout locale={l} t={t} title={t('documents.verify.not-found')} path={`/verify/${encodeURIComponent(id)}`} breadcrumbs={crumbs}>
          <h1>{t('documents.verify.not-found')}</h1>
          <p class="lead">{t('documents.verify.not-found-detail')}</p>
          <p class="count">{t('documents.verify.id', { id: id.slice(0, 100) })}</p>
        </Layout>,
      ));
    }
    const { row, result } = found;
    const facts = certificateFacts(row.certificate_pem);
    const issuer = issuerName(row, deps.agencies, l);
    const mark = (ok: boolean) => <Tag kind={ok ? 'transactional' : undefined}>{ok ? `✓ ${t('documents.verify.yes')}` : `✗ ${t('documents.verify.no')}`}</Tag>;
    const verdict = result.valid ? 'valid' : result.revoked ? 'revoked' : 'invalid';
    const csrf = reply.csrfToken();
    const status = copy?.kind === 'error' ? 400 : 200;
    return sendPage(request, reply.code(status), renderPage(
      <Layout locale={l} t={t} title={title} path={`/verify/${row.id}`} breadcrumbs={crumbs}>
        <h1>{title}</h1>
        {copy?.kind === 'error' && <ErrorSummary title={t('documents.verify.problem')} errors={[{ href: '#copy', text: copy.message }]} />}
        {copy && copy.kind !== 'error' && (
          <div class={copy.kind === 'identical' ? 'panel' : 'notice'} role="status" id="copy-result">
            <h2>{t(`documents.verify.copy-${copy.kind}`)}</h2>
            <p>{t(`documents.verify.copy-${copy.kind}-detail`)}</p>
          </div>
        )}
        <section class={verdict === 'valid' ? 'panel' : 'notice'} aria-labelledby="verdict" id="verdict-box">
          <h2 id="verdict">{t(`documents.verify.verdict-${verdict}`)}</h2>
          <p>{t(`documents.verify.verdict-${verdict}-detail`)}</p>
          <ul class="results" aria-label={t('documents.verify.checks')}>
            <li>{mark(true)} {t('documents.verify.check-found')}</li>
            <li>{mark(result.genuine)} {t('documents.verify.check-genuine', { agency: issuer })}</li>
            <li>{mark(result.unchanged)} {t('documents.verify.check-unchanged')}</li>
            <li>{mark(!result.revoked)} {result.revoked
              ? t('documents.verify.check-revoked', { date: tashkentDate(new Date(row.revoked_at!)), reason: row.revoke_reason ?? '' })
              : t('documents.verify.check-not-revoked')}</li>
          </ul>
        </section>
        <section class="panel" aria-labelledby="about">
          <h2 id="about">{t('documents.verify.about')}</h2>
          <SummaryList rows={[
            [t('documents.field.title'), row.title],
            [t('documents.field.number'), row.number],
            [t('documents.field.issuer'), issuer],
            [t('documents.field.date'), tashkentDate(new Date(row.issued_at))],
            [t('documents.field.holder'), holderInitials(row, l)],
            [t('documents.field.id'), row.id],
            ...(facts ? [[t('documents.field.certificate'), t('documents.verify.certificate', { issuer: facts.issuer, serial: facts.serial })] as [string, string]] : []),
          ]} />
        </section>
        <section class="panel" aria-labelledby="copy-check">
          <h2 id="copy-check">{t('documents.verify.copy-title')}</h2>
          <p>{t('documents.verify.copy-lead')}</p>
          <form method="post" action={`/${l}/verify/${row.id}?_csrf=${encodeURIComponent(csrf)}`} enctype="multipart/form-data">
            <div class={copy?.kind === 'error' ? 'field field--error' : 'field'}>
              <label for="copy">{t('documents.verify.copy-label')}</label>
              <p class="field__hint" id="copy-hint">{t('documents.verify.copy-hint', { mb: MAX_COPY_BYTES / 1024 / 1024 })}</p>
              {copy?.kind === 'error' && <p class="field__error" id="copy-error">{copy.message}</p>}
              <input id="copy" name="copy" type="file" accept="application/pdf,.pdf" required
                aria-describedby={copy?.kind === 'error' ? 'copy-hint copy-error' : 'copy-hint'} aria-invalid={copy?.kind === 'error' ? 'true' : undefined} />
            </div>
            <button class="button" type="submit">{t('documents.verify.copy-submit')}</button>
          </form>
        </section>
      </Layout>,
    ));
  }
}
