import { randomUUID } from 'node:crypto';
import { isLocale, local, NotFoundError, t, type Db, type Locale, type LocalText } from '../platform/index.js';
import type { Ca } from '../identity/index.js';
import type { HolderInitials } from './documents.tables.js';
import { certificateProblem, sha256, signatureMatches, signBytes, signerFor } from './signing.js';

/** What `issue()` takes, as the contract of issue #7 says. */
export interface IssueInput {
  subject: string;
  personId: string;
  businessId: string | null;
  agencyId: string;
  locale: Locale;
  title: string;
  number: string;
  lines: [string, string][];
  /** `answer`: the answer to an appeal (src/appeals), neither approval nor refusal. */
  decision: 'approved' | 'rejected' | 'answer';
  signedBy: string;
}

/** The agencies of the catalog, for their names in each language. */
export type AgencyNames = () => readonly { id: string; name: LocalText }[];

export interface IssueDeps { ca: () => Promise<Ca>; publicUrl: string; agencies: AgencyNames }

export interface DocumentRow {
  id: string; subject: string; person_id: string; business_id: string | null; agency_id: string; agency_name: string; locale: string;
  title: string; number: string; decision: string; signed_by: string; holder: HolderInitials; sha256: string; signature: string;
  certificate_pem: string; issued_at: Date; revoked_at: Date | null; revoke_reason: string | null;
}

/** Everything but the PDF bytes, which only the download and the check read. */
const COLUMNS = [
  'id', 'subject', 'person_id', 'business_id', 'agency_id', 'agency_name', 'locale', 'title', 'number', 'decision', 'signed_by', 'holder',
  'sha256', 'signature', 'certificate_pem', 'issued_at', 'revoked_at', 'revoke_reason',
] as const;

const LIMITS = { title: 300, number: 64, label: 200, value: 2000, lines: 100, signedBy: 200, reason: 1000 };

/** Rejects what a caller should never pass: the document is signed as given, so it must be sane. */
function checkInput(input: IssueInput): void {
  const text = (value: unknown, max: number, what: string) => {
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw new RangeError(`${what} must be 1 to ${max} characters`);
  };
  if (!isLocale(input.locale)) throw new RangeError(`unknown locale ${String(input.locale)}`);
  if (!['approved', 'rejected', 'answer'].includes(input.decision)) throw new RangeError('decision must be approved, rejected or answer');
  text(input.subject, 200, 'subject');
  text(input.personId, 200, 'personId');
  text(input.agencyId, 80, 'agencyId');
  text(input.title, LIMITS.title, 'title');
  text(input.number, LIMITS.number, 'number');
  text(input.signedBy, LIMITS.signedBy, 'signedBy');
  if (input.businessId !== null && typeof input.businessId !== 'string') throw new RangeError('businessId must be a string or null');
  if (!Array.isArray(input.lines) || input.lines.length > LIMITS.lines) throw new RangeError(`at most ${LIMITS.lines} lines`);
  for (const line of input.lines) {
    if (!Array.isArray(line) || line.length !== 2) throw new RangeError('each line is [label, value]');
    text(line[0], LIMITS.label, 'a line label');
    if (typeof line[1] !== 'string' || line[1].length > LIMITS.value) throw new RangeError(`a line value must be at most ${LIMITS.value} characters`);
  }
}

const fullName = (n: { first: string; middle?: string; last: string } | null | undefined) =>
  n ? [n.last, n.first, n.middle].filter(Boolean).join(' ') : undefined;
const initials = (n: { first: string; last: string } | null | undefined) =>
  n ? `${[...n.first][0] ?? ''}. ${[...n.last][0] ?? ''}.`.toUpperCase() : null;

/**
 * Who the document is for, as printed (the full name, in Cyrillic for Cyrillic documents when
 * the registry has it; the business with its STIR) and as the public check shows them
 * (initials only). The identity module exports no lookup of a person by id, so its tables
 * are read here, type-checked through the shared schema.
 */
async function holderOf(db: Db, input: IssueInput): Promise<{ rows: [string, string][]; initials: HolderInitials }> {
  const l = input.locale;
  const person = await db.selectFrom('identity_person').select(['name_latin', 'name_cyrillic', 'pinfl']).where('id', '=', input.personId).executeTakeFirst();
  const cyrillic = l === 'oz' || l === 'ru';
  const name = (cyrillic ? fullName(person?.name_cyrillic) : undefined) ?? fullName(person?.name_latin) ?? '—';
  const rows: [string, string][] = [];
  if (input.businessId) {
    const business = await db.selectFrom('identity_business').select(['name', 'stir']).where('id', '=', input.businessId).executeTakeFirst();
    const names = business?.name as { uz: string; ru: string; en: string } | undefined;
    const businessName = names ? (l === 'ru' ? names.ru : l === 'en' ? names.en : names.uz) : input.businessId;
    rows.push([t(l, 'documents.pdf.holder'), business ? t(l, 'documents.pdf.business', { name: businessName, stir: business.stir }) : businessName]);
    rows.push([t(l, 'documents.pdf.applicant'), name]);
  } else {
    rows.push([t(l, 'documents.pdf.holder'), person?.pinfl ? t(l, 'documents.pdf.person', { name, pinfl: person.pinfl }) : name]);
  }
  return { rows, initials: { latin: initials(person?.name_latin) ?? '—', cyrillic: initials(person?.name_cyrillic) } };
}

/** Renders, signs and stores a result document in the caller's transaction; returns its id. */
export async function issueDocument(trx: Db, deps: IssueDeps, input: IssueInput): Promise<{ documentId: string }> {
  checkInput(input);
  const id = randomUUID();
  const issuedAt = new Date();
  const agency = deps.agencies().find((a) => a.id === input.agencyId);
  const agencyName = agency ? local(agency.name, input.locale) : input.agencyId;
  const holder = await holderOf(trx, input);
  const signer = await signerFor(trx, await deps.ca(), { id: input.agencyId, name: agency ? local(agency.name, 'uz') : input.agencyId }, issuedAt);
  // pdf-lib, fontkit and the fonts are loaded with the first document, not at start (about 10 MB).
  const { renderDocumentPdf } = await import('./pdf.js');
  const pdf = await renderDocumentPdf({
    id, locale: input.locale, agencyName, title: input.title, number: input.number, issuedAt, decision: input.decision, signedBy: input.signedBy,
    rows: [...holder.rows, ...input.lines], verifyUrl: `${deps.publicUrl.replace(/\/+$/, '')}/verify/${id}`,
  });
  await trx.insertInto('documents_document').values({
    id, subject: input.subject, person_id: input.personId, business_id: input.businessId, agency_id: input.agencyId, agency_name: agencyName,
    locale: input.locale, title: input.title, number: input.number, decision: input.decision, signed_by: input.signedBy,
    holder: JSON.stringify(holder.initials), sha256: sha256(pdf), signature: signBytes(pdf, signer.privateKey), certificate_pem: signer.certificatePem,
    pdf, issued_at: issuedAt, revoked_at: null, revoke_reason: null,
  }).execute();
  return { documentId: id };
}

/** Revokes a document with a reason; revoking it again keeps the first revocation. */
export async function revokeDocument(trx: Db, documentId: string, reason: string): Promise<void> {
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > LIMITS.reason) throw new RangeError(`the reason must be 1 to ${LIMITS.reason} characters`);
  const found = await trx.selectFrom('documents_document').select(['id', 'revoked_at']).where('id', '=', documentId).forUpdate().executeTakeFirst();
  if (!found) throw new NotFoundError();
  if (found.revoked_at) return;
  await trx.updateTable('documents_document').set({ revoked_at: new Date(), revoke_reason: reason.trim() }).where('id', '=', documentId).execute();
}

/** A document's id is a UUID: anything else is no document, without asking the database. */
export const isDocumentId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

export async function findDocument(db: Db, id: string): Promise<DocumentRow | undefined> {
  if (!isDocumentId(id)) return undefined;
  return db.selectFrom('documents_document').select(COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<DocumentRow | undefined>;
}

export async function documentPdf(db: Db, id: string): Promise<Buffer | undefined> {
  if (!isDocumentId(id)) return undefined;
  const row = await db.selectFrom('documents_document').select('pdf').where('id', '=', id).executeTakeFirst();
  // pg gives a Buffer, PGlite a Uint8Array.
  return row ? Buffer.from(row.pdf.buffer, row.pdf.byteOffset, row.pdf.byteLength) : undefined;
}

/** The person's own documents, and the business's when they act for one; newest first. */
export async function documentsOf(db: Db, owner: { personId: string; businessId: string | null }): Promise<{ mine: DocumentRow[]; business: DocumentRow[] }> {
  const mine = await db.selectFrom('documents_document').select(COLUMNS).where('person_id', '=', owner.personId).where('business_id', 'is', null)
    .orderBy('issued_at', 'desc').limit(500).execute() as DocumentRow[];
  const business = owner.businessId
    ? await db.selectFrom('documents_document').select(COLUMNS).where('business_id', '=', owner.businessId).orderBy('issued_at', 'desc').limit(500).execute() as DocumentRow[]
    : [];
  return { mine, business };
}

/**
 * Who may hold a document in their wallet: the person it was issued to (for themselves), or
 * whoever acts for the business it was issued to, while their power holds.
 */
export function mayHold(row: Pick<DocumentRow, 'person_id' | 'business_id'>, owner: { personId: string; businessId: string | null }): boolean {
  return row.business_id === null ? row.person_id === owner.personId : row.business_id === owner.businessId;
}

export interface Verification {
  /** Signed by the agency's key, whose certificate the demo CA issued. */
  genuine: boolean;
  /** The stored bytes are those that were signed. */
  unchanged: boolean;
  revoked: boolean;
  /** All three: the document may be relied on. */
  valid: boolean;
}

/** Checks a stored document: its signature over its bytes, its certificate against the CA, its revocation. */
export function verifyDocument(row: DocumentRow, pdf: Uint8Array, caPem: string): Verification {
  const unchanged = sha256(pdf) === row.sha256;
  const genuine = certificateProblem(row.certificate_pem, caPem, row.issued_at, row.agency_id) === undefined
    && signatureMatches(pdf, row.signature, row.certificate_pem);
  const revoked = row.revoked_at !== null;
  return { genuine, unchanged, revoked, valid: genuine && unchanged && !revoked };
}

/** Whether a copy someone holds is byte for byte the document that was signed. */
export function copyMatches(row: DocumentRow, copy: Uint8Array): boolean {
  return sha256(copy) === row.sha256 && signatureMatches(copy, row.signature, row.certificate_pem);
}
