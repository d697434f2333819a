import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { LOCALES, local, translator, type Db, type Locale, type Translate } from '../platform/index.js';
import { Button, Table, Tag } from '../web/index.js';
import { principal, sendCabinetPage } from '../identity/index.js';
import { documentPdf, documentsOf, findDocument, mayHold, type AgencyNames, type DocumentRow } from './documents.service.js';
import { tashkentDate } from './dates.js';

/** Unread notifications for the cabinet's navigation (the identity module exports no counter). */
async function unreadOf(db: Db, personId: string): Promise<number> {
  const row = await db.selectFrom('identity_notification').select(sql<number>`count(*)`.as('n'))
    .where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A file name for the download: the document's number, made safe for a header. */
const fileName = (row: DocumentRow) => `${row.number.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'document'}.pdf`;

/**
 * The document wallet in the cabinet: the person's result documents (and the business's while
 * they act for it), each to download and with the link of its public check.
 */
export function walletRoutes(app: FastifyInstance, deps: { db: Db; agencies: AgencyNames }): void {
  const { db } = deps;
  for (const l of LOCALES) {
    app.get(`/${l}/cabinet/documents`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const t = translator(l);
      const acting = session.actingFor;
      const { mine, business } = await documentsOf(db, { personId: session.person.id, businessId: acting?.businessId ?? null });
      const title = t('mycab.documents.title');
      const businessName = acting ? (l === 'ru' ? acting.name.ru : l === 'en' ? acting.name.en : acting.name.uz) : '';
      return sendCabinetPage(request, reply, { section: 'documents', title, unread: await unreadOf(db, session.person.id), children: <>
        <h1>{title}</h1>
        <p class="lead">{t('documents.wallet.lead')}</p>
        {/* The tables' captions name each group: the business's while acting for it, then one's own. */}
        {acting && (business.length === 0
          ? <p>{t('documents.wallet.business-none')}</p>
          : <DocumentTable l={l} t={t} rows={business} agencies={deps.agencies} caption={t('documents.wallet.business', { name: businessName })} />)}
        {mine.length === 0 ? (
          <div class="panel">
            <h2>{t('mycab.documents.empty')}</h2>
            <p>{t('mycab.documents.what')}</p>
            <Button href={`/${l}/spheres`} secondary>{t('mycab.to-catalog')}</Button>
          </div>
        ) : <DocumentTable l={l} t={t} rows={mine} agencies={deps.agencies} caption={t('documents.wallet.mine')} />}
      </> });
    });

    // The file itself: only its holder, or whoever acts for the business it was issued to; to
    // anyone else it does not exist.
    app.get<{ Params: { id: string } }>(`/${l}/cabinet/documents/:id.pdf`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const session = principal(request);
      const row = await findDocument(db, request.params.id);
      if (!row || !mayHold(row, { personId: session.person.id, businessId: session.actingFor?.businessId ?? null })) return reply.callNotFound();
      const pdf = await documentPdf(db, row.id);
      return reply.type('application/pdf').header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${fileName(row)}"`).send(pdf);
    });
  }
}

function DocumentTable({ l, t, rows, agencies, caption }: { l: Locale; t: Translate; rows: DocumentRow[]; agencies: AgencyNames; caption: string }) {
  const issuer = (row: DocumentRow) => {
    const agency = agencies().find((a) => a.id === row.agency_id);
    return agency ? local(agency.name, l) : row.agency_name;
  };
  return (
    <Table caption={caption} head={[t('documents.field.title'), t('documents.field.number'), t('documents.field.issuer'), t('documents.field.date'), t('documents.field.status'), t('documents.field.actions')]}
      rows={rows.map((row) => [
        row.title,
        row.number,
        issuer(row),
        tashkentDate(new Date(row.issued_at)),
        row.revoked_at ? <Tag>{t('documents.status.revoked')}</Tag>
          : <Tag kind={row.decision === 'approved' ? 'transactional' : 'informational'}>{t(`documents.status.${row.decision}`)}</Tag>,
        <>
          <a href={`/${l}/cabinet/documents/${row.id}.pdf`} download>{t('documents.wallet.download', { number: row.number })}</a>
          <br />
          <a href={`/${l}/verify/${row.id}`}>{t('documents.wallet.verify', { number: row.number })}</a>
        </>,
      ])} />
  );
}
