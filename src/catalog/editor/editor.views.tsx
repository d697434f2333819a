import type { ComponentChildren } from 'preact';
import { LOCALE_INFO, LOCALES, local, type Locale, type Translate } from '../../platform/index.js';
import { Button, ErrorSummary, Pagination, SummaryList, Table } from '../../web/index.js';
import type { CatalogSnapshot, Page } from '../catalog.service.js';
import { AUDIENCES, CHANNELS, SERVICE_TYPES, TERM_KINDS, type Service } from '../catalog.types.js';
import type { Change } from './editor.diff.js';
import { fieldName, LEGAL_TEXT, type FieldErrors, type FormValues } from './editor.forms.js';
import type { Draft } from './editor.store.js';
import type { DraftKind } from './editor.tables.js';

// The editor's pages (rendered inside the back office's shell by officePage).

export interface EditorView { l: Locale; t: Translate; snap: CatalogSnapshot; csrf: string }

const base = (l: Locale) => `/${l}/office/catalog`;
const KIND_PATH: Record<DraftKind, string> = { service: 'services', agency: 'agencies', sphere: 'spheres' };
export const editHref = (l: Locale, kind: DraftKind, id: string) => `${base(l)}/${KIND_PATH[kind]}/${encodeURIComponent(id)}/edit`;
export const draftHref = (l: Locale, id: string) => `${base(l)}/drafts/${encodeURIComponent(id)}`;

const dateTime = Object.fromEntries(LOCALES.map((l) => [l, new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tashkent' })])) as Record<Locale, Intl.DateTimeFormat>;
export const when = (l: Locale, date: Date) => dateTime[l].format(date);

/** The errors of a form as the summary at its top lists them, each linked to its field. */
export function summaryOf(errors: FieldErrors, label: (field: string) => string) {
  return Object.entries(errors).map(([field, text]) => (field.startsWith('_') ? { href: '#main', text } : { href: `#${field}`, text: `${label(field)}: ${text}` }));
}

// --- form controls -------------------------------------------------------------------------

interface ControlProps { name: string; label: string; hint?: string; error?: string; lang?: string }

const describedBy = (name: string, hint?: string, error?: string) => [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;

function Control({ name, label, hint, error, children }: ControlProps & { children: ComponentChildren }) {
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      {children}
    </div>
  );
}

function TextInput(props: ControlProps & { value: string; inputmode?: 'decimal' | 'numeric' }) {
  const { name, hint, error, lang, value, inputmode } = props;
  return (
    <Control {...props}>
      <input {...({ id: name, name, type: 'text', value, lang, inputmode, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy(name, hint, error) } as Record<string, unknown>)} />
    </Control>
  );
}

function TextArea(props: ControlProps & { value: string; rows?: number }) {
  const { name, hint, error, lang, value, rows = 4 } = props;
  return (
    <Control {...props}>
      <textarea {...({ id: name, name, rows, cols: 60, lang, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy(name, hint, error) } as Record<string, unknown>)}>{value}</textarea>
    </Control>
  );
}

function Choice(props: ControlProps & { value: string; options: { value: string; label: string }[] }) {
  const { name, hint, error, value, options } = props;
  return (
    <Control {...props}>
      <select {...({ id: name, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy(name, hint, error) } as Record<string, unknown>)}>
        {options.map((o) => <option value={o.value} selected={o.value === value} key={o.value}>{o.label}</option>)}
      </select>
    </Control>
  );
}

/** A group of checkboxes; the group's name is the id the error summary links to (its first box). */
function Checks({ name, label, error, values, options }: ControlProps & { values: string[]; options: { value: string; label: string }[] }) {
  return (
    // Not a `.field`: its styles stretch inputs to the full width, checkboxes included.
    <fieldset aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{label}</legend>
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      {options.map((o, i) => (
        <div key={o.value}>
          <input type="checkbox" id={i === 0 ? name : `${name}-${o.value}`} name={name} value={o.value} checked={values.includes(o.value)} />
          {' '}<label for={i === 0 ? name : `${name}-${o.value}`}>{o.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

const str = (v: FormValues, name: string) => (typeof v[name] === 'string' ? v[name] as string : '');
const arr = (v: FormValues, name: string) => (Array.isArray(v[name]) ? v[name] as string[] : []);

// --- pages ---------------------------------------------------------------------------------

export function CatalogHome({ view, q, results, mine, others, recent }: { view: EditorView; q: string; results: Page<Service>; mine: Draft[]; others: Draft[]; recent: Draft[] }) {
  const { l, t, snap } = view;
  const href = (page: number) => `${base(l)}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page) })}`;
  return <>
    <h1>{t('editor.title')}</h1>
    <p class="lead">{t('editor.lead')}</p>
    <p>
      <Button href={`${base(l)}/services/new`}>{t('editor.new-service')}</Button>{' '}
      <Button href={`${base(l)}/agencies`} secondary>{t('editor.agencies')}</Button>{' '}
      <Button href={`${base(l)}/spheres`} secondary>{t('editor.spheres')}</Button>
    </p>
    <section aria-labelledby="drafts">
      <h2 id="drafts">{t('editor.drafts.title')}</h2>
      <DraftTable view={view} caption={t('editor.drafts.others')} drafts={others} />
      <DraftTable view={view} caption={t('editor.drafts.mine')} drafts={mine} />
      {recent.length > 0 && <DraftTable view={view} caption={t('editor.drafts.recent')} drafts={recent} decided />}
    </section>
    <section aria-labelledby="services">
      <h2 id="services">{t('editor.services')}</h2>
      <form method="get" action={base(l)} class="panel" role="search">
        <div class="field">
          <label for="q">{t('editor.search')}</label>
          <input id="q" name="q" type="search" value={q} maxLength={200} />
        </div>
        <Button>{t('editor.search-button')}</Button>
      </form>
      <Table caption={t('common.services-count', { count: results.total })}
        head={[t('editor.column.name'), t('editor.column.sphere'), t('editor.column.agency'), t('editor.column.actions')]}
        rows={results.items.map((s) => [
          local(s.name, l), local(snap.sphere(s.sphereId)?.name, l), local(snap.agency(s.agencyId)?.name, l),
          <><a href={editHref(l, 'service', s.id)}>{t('editor.edit')}<span class="visually-hidden">: {local(s.name, l)}</span></a>{' · '}<a href={`/${l}/services/${s.id}`}>{t('editor.view-on-portal')}</a></>,
        ])} />
      <Pagination page={results.page} pages={results.pages} href={href} t={t} />
    </section>
  </>;
}

function DraftTable({ view, caption, drafts, decided = false }: { view: EditorView; caption: string; drafts: Draft[]; decided?: boolean }) {
  const { l, t } = view;
  if (drafts.length === 0) return <><h3>{caption}</h3><p>{t('editor.drafts.none')}</p></>;
  return (
    <Table caption={caption}
      head={[t('editor.column.what'), t('editor.column.author'), t('editor.column.created'), t('editor.column.status'), ...(decided ? [t('editor.column.decided')] : [])]}
      rows={drafts.map((d) => [
        <a href={draftHref(l, d.id)}>{t(`editor.kind.${d.kind}`)}: {local(d.payload.name, l)}</a>,
        d.authorName, when(l, d.createdAt), t(`editor.status.${d.status}`),
        ...(decided ? [`${d.decidedByName ?? '—'}${d.decidedAt ? `, ${when(l, d.decidedAt)}` : ''}`] : []),
      ])} />
  );
}

export function RecordList({ view, kind, records }: { view: EditorView; kind: 'agency' | 'sphere'; records: { id: string; name: string; detail: string }[] }) {
  const { l, t } = view;
  return <>
    <h1>{t(kind === 'agency' ? 'editor.agencies' : 'editor.spheres')}</h1>
    <Table caption={t(kind === 'agency' ? 'editor.agencies' : 'editor.spheres')}
      head={[t('editor.column.name'), t(kind === 'agency' ? 'editor.column.region' : 'editor.column.services'), t('editor.column.actions')]}
      rows={records.map((r) => [r.name, r.detail, <a href={editHref(l, kind, r.id)}>{t('editor.edit')}<span class="visually-hidden">: {r.name}</span></a>])} />
  </>;
}

/** The notice on an edit page that other drafts of the same record wait for review. */
function OpenDrafts({ view, drafts }: { view: EditorView; drafts: Draft[] }) {
  const { l, t } = view;
  if (drafts.length === 0) return null;
  return (
    <div class="notice">
      <p>{t('editor.open-drafts')}</p>
      <ul>{drafts.map((d) => <li key={d.id}><a href={draftHref(l, d.id)}>{d.authorName}, {when(l, d.createdAt)}</a></li>)}</ul>
    </div>
  );
}

export interface EditProps { view: EditorView; kind: DraftKind; isNew?: boolean; title: string; action: string; values: FormValues; errors: FieldErrors; baseFingerprint?: string; openDrafts: Draft[] }

/** The edit form of a service, agency or sphere: what is common, then a fieldset per language. */
export function EditPage(props: EditProps) {
  const { view, kind, isNew = false, title, action, values, errors, baseFingerprint, openDrafts } = props;
  const { l, t } = view;
  const label = (field: string) => fieldLabel(t, field);
  return <>
    <h1>{title}</h1>
    <ErrorSummary title={t('editor.problem')} errors={summaryOf(errors, label)} />
    <OpenDrafts view={view} drafts={openDrafts} />
    <p class="lead">{t('editor.save-hint')}</p>
    <form method="post" action={action} novalidate>
      <input type="hidden" name="_csrf" value={view.csrf} />
      {baseFingerprint && <input type="hidden" name="_base" value={baseFingerprint} />}
      {kind === 'service' && <ServiceFacts view={view} values={values} errors={errors} isNew={isNew} />}
      {kind === 'agency' && (
        <fieldset class="panel">
          <legend>{t('editor.contacts')}</legend>
          <TextInput name="phone" label={label('phone')} hint={t('editor.field.phone-hint')} value={str(values, 'phone')} error={errors.phone} />
          <TextInput name="email" label={label('email')} value={str(values, 'email')} error={errors.email} />
          <TextInput name="website" label={label('website')} hint={t('editor.field.website-hint')} value={str(values, 'website')} error={errors.website} />
        </fieldset>
      )}
      {LOCALES.map((locale) => {
        const lang = LOCALE_INFO[locale].tag;
        const at = (key: string) => fieldName(key, locale);
        return (
          <fieldset class="panel" key={locale}>
            <legend>{t('editor.texts-in', { language: LOCALE_INFO[locale].name })}</legend>
            <TextInput name={at('name')} label={label('name')} lang={lang} value={str(values, at('name'))} error={errors[at('name')]} />
            {kind === 'service' && <>
              <TextArea name={at('summary')} label={label('summary')} lang={lang} value={str(values, at('summary'))} error={errors[at('summary')]} />
              <TextArea name={at('result')} label={label('result')} lang={lang} rows={2} value={str(values, at('result'))} error={errors[at('result')]} />
              <TextArea name={at('documents')} label={label('documents')} hint={t('editor.field.documents-hint')} lang={lang} rows={5} value={str(values, at('documents'))} error={errors[at('documents')]} />
              <TextArea name={at('steps')} label={label('steps')} hint={t('editor.field.steps-hint')} lang={lang} rows={5} value={str(values, at('steps'))} error={errors[at('steps')]} />
              {isNew && <TextInput name={at(LEGAL_TEXT)} label={label(LEGAL_TEXT)} lang={lang} value={str(values, at(LEGAL_TEXT))} error={errors[at(LEGAL_TEXT)]} />}
            </>}
            {kind === 'agency' && <>
              <TextArea name={at('address')} label={label('address')} lang={lang} rows={2} value={str(values, at('address'))} error={errors[at('address')]} />
              <TextInput name={at('hours')} label={label('hours')} lang={lang} value={str(values, at('hours'))} error={errors[at('hours')]} />
            </>}
          </fieldset>
        );
      })}
      <p><Button>{t('editor.save')}</Button>{' '}<Button href={base(l)} secondary>{t('editor.cancel')}</Button></p>
    </form>
  </>;
}

function ServiceFacts({ view, values, errors, isNew }: { view: EditorView; values: FormValues; errors: FieldErrors; isNew: boolean }) {
  const { l, t, snap } = view;
  const label = (field: string) => fieldLabel(t, field);
  const choose = { value: '', label: t('editor.choose') };
  const byName = (items: { id: string; name: Record<Locale, string> }[]) => items.map((i) => ({ value: i.id, label: local(i.name, l) })).sort((a, b) => a.label.localeCompare(b.label));
  return (
    <fieldset class="panel">
      <legend>{t('editor.facts')}</legend>
      {isNew && <TextInput name="id" label={label('id')} hint={t('editor.field.id-hint')} value={str(values, 'id')} error={errors.id} />}
      <Choice name="sphere" label={label('sphere')} value={str(values, 'sphere')} error={errors.sphere} options={[choose, ...byName(snap.spheres)]} />
      <Choice name="agency" label={label('agency')} value={str(values, 'agency')} error={errors.agency} options={[choose, ...byName(snap.agencies)]} />
      <Choice name="type" label={label('type')} value={str(values, 'type')} error={errors.type} options={SERVICE_TYPES.map((v) => ({ value: v, label: t(`service.type.${v}`) }))} />
      <Checks name="audience" label={label('audience')} values={arr(values, 'audience')} error={errors.audience} options={AUDIENCES.map((v) => ({ value: v, label: t(`service.audience.${v}`) }))} />
      <Checks name="channels" label={label('channels')} values={arr(values, 'channels')} error={errors.channels} options={CHANNELS.map((v) => ({ value: v, label: t(`service.channel.${v}`) }))} />
      <TextInput name="fee" label={label('fee')} hint={t('editor.field.fee-hint')} inputmode="decimal" value={str(values, 'fee')} error={errors.fee} />
      <TextInput name="discount" label={label('discount')} inputmode="decimal" value={str(values, 'discount')} error={errors.discount} />
      <TextInput name="term-days" label={label('term-days')} hint={t('editor.field.term-days-hint')} inputmode="numeric" value={str(values, 'term-days')} error={errors['term-days']} />
      <Choice name="term-kind" label={label('term-kind')} value={str(values, 'term-kind')} error={errors['term-kind']} options={TERM_KINDS.map((v) => ({ value: v, label: t(`editor.term-kind.${v}`) }))} />
      {isNew && <>
        <TextInput name="article" label={label('article')} value={str(values, 'article')} error={errors.article} />
        <TextInput name="url" label={label('url')} hint={t('editor.field.url-hint')} value={str(values, 'url')} error={errors.url} />
      </>}
    </fieldset>
  );
}

/** A field's label, with its language for fields kept per language (`name-ru`, `act-0`). */
export function fieldLabel(t: Translate, field: string): string {
  const perLocale = /^(.*)-(uz|oz|kaa|ru|en)$/.exec(field);
  if (perLocale) return `${fieldLabel(t, perLocale[1]!)} (${LOCALE_INFO[perLocale[2] as Locale].name})`;
  const legal = /^(act|article|url)-(\d+)$/.exec(field);
  if (legal) return `${t(`editor.field.${legal[1]}`)} ${Number(legal[2]) + 1}`;
  return t(`editor.field.${field}`);
}

// --- the review page -----------------------------------------------------------------------

export interface DraftProps {
  view: EditorView;
  draft: Draft;
  changes: Change[];
  viewer: string;
  /** The published record is no longer the draft's base. */
  outdated: boolean;
  notice?: string;
  problem?: string;
  errors?: FieldErrors;
  reason?: string;
}

export function DraftPage({ view, draft, changes, viewer, outdated, notice, problem, errors = {}, reason = '' }: DraftProps) {
  const { l, t } = view;
  const name = local(draft.payload.name, l);
  const own = draft.author === viewer;
  const open = draft.status === 'draft';
  const form = (action: string, children: ComponentChildren) => (
    <form method="post" action={`${draftHref(l, draft.id)}/${action}`} class="panel" novalidate>
      <input type="hidden" name="_csrf" value={view.csrf} />
      {children}
    </form>
  );
  // The record as it stands: on the portal for a service, its edit page otherwise; a new one not yet published has neither.
  const exists = draft.base !== null || draft.status === 'published';
  const targetName = local((draft.base ?? draft.payload).name, l);
  const target = !exists ? <>{name} ({t('editor.draft.new')})</>
    : draft.kind === 'service' ? <a href={`/${l}/services/${encodeURIComponent(draft.targetId)}`}>{targetName}</a>
    : <a href={editHref(l, draft.kind, draft.targetId)}>{targetName}</a>;
  return <>
    <h1>{t('editor.draft.title', { name })}</h1>
    {problem && <div class="error-summary" role="alert"><h2>{t('editor.problem')}</h2><p>{problem}</p></div>}
    <ErrorSummary title={t('editor.problem')} errors={summaryOf(errors, () => t('editor.draft.reason-label'))} />
    {notice && <p class="notice" role="status">{notice}</p>}
    <SummaryList rows={[
      [t('editor.draft.what'), <>{t(`editor.kind.${draft.kind}`)}: {target}</>],
      [t('editor.column.author'), draft.authorName],
      [t('editor.column.created'), when(l, draft.createdAt)],
      [t('editor.column.status'), t(`editor.status.${draft.status}`)],
      ...(draft.decidedAt ? [[t('editor.column.decided'), `${draft.decidedByName ?? '—'}, ${when(l, draft.decidedAt)}`] as [string, ComponentChildren]] : []),
      ...(draft.reason ? [[t('editor.draft.reason'), draft.reason] as [string, ComponentChildren]] : []),
    ]} />
    {open && outdated && <p class="notice">{t('editor.draft.outdated')}</p>}
    <div>
      <h2>{t('editor.draft.changes')}</h2>
      {changes.length === 0 ? <p>{t('editor.draft.no-changes')}</p> : (
        <Table caption={t('editor.draft.changes')} head={[t('editor.draft.field'), t('editor.draft.language'), t('editor.draft.before'), t('editor.draft.after')]}
          rows={changes.map((c) => [
            fieldLabel(t, c.key), c.locale ? LOCALE_INFO[c.locale].name : '—',
            <Shown view={view} field={c.key} value={c.before} lang={c.locale} />, <Shown view={view} field={c.key} value={c.after} lang={c.locale} />,
          ])} />
      )}
    </div>
    {open && own && <>
      <p>{t('editor.draft.own')}</p>
      {form('withdraw', <Button secondary>{t('editor.draft.withdraw')}</Button>)}
    </>}
    {open && !own && <>
      {!outdated && form('publish', <><p>{t('editor.draft.publish-hint')}</p><Button>{t('editor.draft.publish')}</Button></>)}
      {form('reject', <>
        <TextArea name="reason" label={t('editor.draft.reason-label')} hint={t('editor.draft.reason-hint')} rows={3} value={reason} error={errors.reason} />
        <Button secondary>{t('editor.draft.reject')}</Button>
      </>)}
    </>}
    <p><a href={base(l)}>{t('editor.back')}</a></p>
  </>;
}

/** A value of the diff, said the way people read it (names rather than ids, words rather than codes). */
function Shown({ view, field, value, lang }: { view: EditorView; field: string; value: string | string[] | undefined; lang?: Locale }) {
  const { l, t, snap } = view;
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return <span class="count">{t('editor.draft.empty')}</span>;
  const langTag = lang ? LOCALE_INFO[lang].tag : undefined;
  if (field === 'documents' || field === 'steps') return <ol lang={langTag}>{(value as string[]).map((v, i) => <li key={i}>{v}</li>)}</ol>;
  const one = (v: string) => {
    switch (field) {
      case 'type': return t(`service.type.${v}`);
      case 'term-kind': return t(`editor.term-kind.${v}`);
      case 'channels': return t(`service.channel.${v}`);
      case 'audience': return t(`service.audience.${v}`);
      case 'sphere': return local(snap.sphere(v)?.name, l) || v;
      case 'agency': return local(snap.agency(v)?.name, l) || v;
      default: return v;
    }
  };
  return <span lang={langTag}>{Array.isArray(value) ? value.map(one).join(', ') : one(value)}</span>;
}
