// What the appeal pages share: fields with their errors, the state, the timeline, the files.
import type { ComponentChildren } from 'preact';
import type { CatalogSnapshot } from '../../catalog/index.js';
import { local, type Locale, type Translate } from '../../platform/index.js';
import { SummaryList } from '../../web/index.js';
import type { Appeal, AppealEvent, AppealsApi } from '../types.js';
import { placeLine } from './places.js';

/** A moment as Tashkent reads it (UTC+5): `YYYY-MM-DD HH:MM`. */
export const when = (d: Date | string | null | undefined) => (d ? new Date(new Date(d).getTime() + 5 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '—');
export const day = (d: Date | string | null | undefined) => when(d).slice(0, 10);

export const isOpen = (a: Pick<Appeal, 'state'>) => a.state === 'open' || a.state === 'assigned';
export const isLate = (a: Pick<Appeal, 'state' | 'dueAt'>, now: Date) => isOpen(a) && new Date(a.dueAt).getTime() < now.getTime();

export function StateTag({ a, t, now }: { a: Pick<Appeal, 'state' | 'dueAt' | 'escalatedAt'>; t: Translate; now: Date }) {
  return <>
    <span class="tag">{t(`appeals.ui.states.${a.state}`)}</span>
    {isLate(a, now) && <> <span class="tag tag--late">{t('appeals.ui.late')}</span></>}
  </>;
}

const describedBy = (name: string, hint?: string, error?: string) => [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;

function Label({ name, label, hint, error }: { name: string; label: string; hint?: string; error?: string }) {
  return <>
    <label for={name}>{label}</label>
    {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
    {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
  </>;
}

export function TextArea({ name, label, hint, error, value = '', maxLength, rows }: { name: string; label: string; hint?: string; error?: string; value?: string; maxLength?: number; rows?: number }) {
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={name} label={label} hint={hint} error={error} />
      <textarea id={name} name={name} maxLength={maxLength} rows={rows} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(name, hint, error)}>{value}</textarea>
    </div>
  );
}

export function Input({ name, label, hint, error, value = '', type = 'text', inputMode, maxLength, autocomplete }: {
  name: string; label: string; hint?: string; error?: string; value?: string; type?: string; inputMode?: string; maxLength?: number; autocomplete?: string;
}) {
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={name} label={label} hint={hint} error={error} />
      <input {...({ id: name, name, type, value, inputMode, maxLength, autocomplete, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy(name, hint, error) } as Record<string, unknown>)} />
    </div>
  );
}

export interface Option { value: string; label: string }
export interface OptionGroup { label: string; options: Option[] }

/** A select with its error; options may come in groups (topics by sphere, districts by region). */
export function SelectField({ name, label, hint, error, value = '', options, groups }: {
  name: string; label: string; hint?: string; error?: string; value?: string; options?: Option[]; groups?: OptionGroup[];
}) {
  const option = (o: Option) => <option value={o.value} selected={o.value === value} key={o.value}>{o.label}</option>;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <Label name={name} label={label} hint={hint} error={error} />
      <select id={name} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(name, hint, error)}>
        {options?.map(option)}
        {groups?.map((g) => <optgroup label={g.label} key={g.label}>{g.options.map(option)}</optgroup>)}
      </select>
    </div>
  );
}

/** Radio buttons in a fieldset with its legend and error. */
export function Radios({ name, legend, error, value, options, hint }: { name: string; legend: string; error?: string; value?: string; options: (Option & { hint?: string })[]; hint?: string }) {
  return (
    <fieldset class={error ? 'field field--error' : 'field'} id={name} aria-describedby={describedBy(name, hint, error)}>
      <legend>{legend}</legend>
      {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      {options.map((o) => (
        <div class="radio" key={o.value}>
          <input type="radio" id={`${name}-${o.value}`} name={name} value={o.value} checked={o.value === value} />
          <label for={`${name}-${o.value}`}>{o.label}{o.hint && <span class="choices__detail">{o.hint}</span>}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** Topics grouped by their sphere, spheres in the catalog's order. */
export function topicGroups(appeals: AppealsApi, snapshot: CatalogSnapshot | undefined, l: Locale): OptionGroup[] {
  const bySphere = new Map<string, Option[]>();
  for (const topic of appeals.topics()) {
    const list = bySphere.get(topic.sphereId) ?? [];
    list.push({ value: topic.id, label: local(topic.name, l) });
    bySphere.set(topic.sphereId, list);
  }
  const order = new Map((snapshot?.spheres ?? []).map((s, i) => [s.id, i]));
  return [...bySphere].sort(([a], [b]) => (order.get(a) ?? 999) - (order.get(b) ?? 999))
    .map(([sphereId, options]) => ({ label: local(snapshot?.sphere(sphereId)?.name, l) || sphereId, options }));
}

export const agencyName = (snapshot: CatalogSnapshot | undefined, id: string, l: Locale) => local(snapshot?.agency(id)?.name, l) || id;

/** What an appeal is: the facts every page shows, to the author or to the officer. */
export function Facts({ a, t, l, snapshot, appeals, now, extra = [] }: {
  a: Appeal; t: Translate; l: Locale; snapshot: CatalogSnapshot | undefined; appeals: AppealsApi; now: Date; extra?: [string, ComponentChildren][];
}) {
  return <SummaryList rows={[
    [t('appeals.ui.number'), a.number],
    [t('appeals.ui.kind'), t(`appeals.ui.kinds.${a.kind}`)],
    [t('appeals.ui.topic'), local(appeals.topic(a.topicId)?.name, l) || a.topicId],
    [t('appeals.ui.agency'), agencyName(snapshot, a.agencyId, l)],
    [t('appeals.ui.place'), [placeLine(t, l, a.region, a.district), a.address].filter((x) => x && x !== '—').join(' · ') || '—'],
    [t('appeals.ui.registered'), when(a.registeredAt)],
    [t('appeals.ui.state'), <StateTag a={a} t={t} now={now} />],
    [t('appeals.ui.due'), isOpen(a) ? <>{when(a.dueAt)}{a.extended && <> ({t('appeals.ui.extended')})</>}</> : '—'],
    ...extra,
  ]} />;
}

/** Events the author is not shown: reminders to the executor and notes between officers. */
const INTERNAL = new Set(['reminded', 'note']);

/** The appeal's trail, oldest first: what happened, who did it, why. */
export function Timeline({ events, t, l, snapshot, forAuthor }: { events: AppealEvent[]; t: Translate; l: Locale; snapshot: CatalogSnapshot | undefined; forAuthor: boolean }) {
  const shown = forAuthor ? events.filter((e) => !INTERNAL.has(e.kind)) : events;
  const known = ['registered', 'forwarded', 'assigned', 'extended', 'reminded', 'escalated', 'answered', 'rated', 'reopened', 'note', 'closed'];
  return (
    <ol class="steps">
      {shown.map((e) => {
        // What the service records: `to: { agencyId }` when it moved, the new deadline as `dueAt` (or `to` for an extension).
        const target = e.data?.to as { agencyId?: unknown } | string | undefined;
        const to = typeof target === 'object' && typeof target?.agencyId === 'string' ? agencyName(snapshot, target.agencyId, l) : undefined;
        const rawDue = e.kind === 'extended' ? e.data?.to : e.data?.dueAt;
        const due = typeof rawDue === 'string' ? when(rawDue) : undefined;
        return (
          <li key={e.id}>
            <strong>{t(`appeals.ui.event.${known.includes(e.kind) ? e.kind : 'changed'}`)}</strong>
            {to && <> — {to}</>}
            {due && <> — {t('appeals.ui.due-until', { date: due })}</>}
            {' '}<span class="count">{when(e.at)}{e.actorName && <> · {e.actorName}</>}</span>
            {e.reason && <><br />{e.reason}</>}
          </li>
        );
      })}
    </ol>
  );
}

export interface AttachmentRow { id: string; name: string; mime: string; size: number }

export function Attachments({ files, href, t }: { files: AttachmentRow[]; href: (id: string) => string; t: Translate }) {
  if (files.length === 0) return null;
  return (
    <section aria-labelledby="files">
      <h2 id="files">{t('appeals.ui.files')}</h2>
      <ul>{files.map((f) => <li key={f.id}><a href={href(f.id)}>{f.name}</a> <span class="count">({f.mime}, {Math.max(1, Math.round(f.size / 1024))} KB)</span></li>)}</ul>
    </section>
  );
}
