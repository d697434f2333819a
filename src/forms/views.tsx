// The pages of a form: one step at a time, the check of the answers, and the drafts to
// continue. Plain HTML forms: everything works without JavaScript.
import type { ComponentChildren } from 'preact';
import { LOCALE_INFO, local, type Locale, type Translate } from '../platform/index.js';
import { ErrorSummary } from '../web/index.js';
import { fieldMap } from './validate.js';
import { memberOf } from './prefill.js';
import { sizeText, typeNames } from './uploads.js';
import type { FormDefinition, FormField, FormStep, PrefillEntry } from './forms.types.js';
import type { UploadMeta } from './store.js';
import { textOf } from './answers.js';

export interface FormView {
  l: Locale;
  t: Translate;
  def: FormDefinition;
  serviceName: string;
  /** `/{l}/services/{id}/apply/{draft}` */
  base: string;
  prefill: Record<string, PrefillEntry>;
  uploads: Map<string, UploadMeta>;
  csrf: string;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
/** `23 Nov 2026` in the user's language, Tashkent time. */
export function formatDay(l: Locale, value: string | Date): string {
  let format = dateFormats.get(l);
  if (!format) dateFormats.set(l, format = new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Tashkent' }));
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+05:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : format.format(date);
}

/** "From the population register, 23 Nov 2026". */
export const sourceLine = (v: Pick<FormView, 'l' | 't'>, entry: PrefillEntry) =>
  v.t('forms.prefill.from', { source: v.t(`forms.source.${memberOf(entry.source)}`), date: formatDay(v.l, entry.at) });

const fieldId = (name: string) => `f-${name}`;

/** The message for a prefill that gave nothing: it failed, there is no record (or nothing to choose), or it cannot be asked. */
export function prefillNoteKey(field: FormField, entry: PrefillEntry | undefined): string {
  const kind = !entry || entry.status === 'failed' ? 'failed' : entry.status === 'empty' ? (field.prefill?.list ? 'empty-list' : 'empty') : 'unavailable';
  if (kind === 'empty-list' && !field.prefill?.editable) return 'forms.prefill.empty-list-fixed';
  return `forms.prefill.${kind === 'empty-list' ? 'empty' : kind}-${field.prefill?.editable ? 'editable' : 'fixed'}`;
}

/** What a prefilled field tells the person when the registry gave nothing. */
function prefillNote(v: FormView, field: FormField, entry: PrefillEntry | undefined): string | undefined {
  if (!field.prefill || !entry || entry.status === 'ok') return undefined;
  const source = v.t(`forms.source.${memberOf(entry.source)}`);
  return v.t(prefillNoteKey(field, entry), { source, label: local(field.label, v.l) });
}

/**
 * Whether a field shows the registry's answer rather than an input: a value only the
 * registry may give, or a list to choose from that did not come.
 */
export const isFixed = (field: FormField, entry: PrefillEntry | undefined) =>
  !!field.prefill && !field.prefill.editable && (!field.prefill.list || entry?.status !== 'ok');

/** The options of a choice: from the registry when it gave them, else the form's own. */
export function optionsOf(field: FormField, entry: PrefillEntry | undefined, l: Locale): { value: string; label: string }[] | undefined {
  if (field.prefill?.list) return entry?.status === 'ok' ? entry.options : field.options?.map((o) => ({ value: o.value, label: local(o.label, l) }));
  return field.options?.map((o) => ({ value: o.value, label: local(o.label, l) }));
}

/** An answer as the person reads it: the option's label, Yes/No, a date, an amount, a file. */
export function shownValue(v: FormView, field: FormField, value: unknown): ComponentChildren {
  if (value === undefined || value === null || value === '') return v.t('forms.not-given');
  const entry = v.prefill[field.name];
  if (field.widget === 'checkbox') return v.t(value ? 'forms.yes' : 'forms.no');
  if (field.widget === 'file') {
    const upload = v.uploads.get(String(value));
    return upload ? <a href={`${v.base}/files/${upload.id}`}>{upload.name}</a> : v.t('forms.not-given');
  }
  const options = optionsOf(field, entry, v.l);
  if (options) return options.find((o) => o.value === String(value))?.label ?? String(value);
  if (entry?.status === 'ok' && entry.display !== undefined && entry.value === value) return textOf(entry.display, v.l) ?? String(value);
  if (field.display === 'money' && typeof value === 'number') return v.t('money.sum', { amount: Math.round(value) / 100 });
  if (field.widget === 'date' && typeof value === 'string') return formatDay(v.l, value);
  if (field.widget === 'textarea') return String(value).split('\n').map((line, i) => <>{i > 0 && <br />}{line}</>);
  return String(value);
}

/** When a field applies, said beside it when the answer it depends on is on the same page. */
function conditionHint(v: FormView, field: FormField): string | undefined {
  if (!field.when) return undefined;
  const control = fieldMap(v.def).get(field.when.field);
  if (!control) return undefined;
  if (control.widget === 'checkbox') return v.t(field.when.equals ? 'forms.when.ticked' : 'forms.when.not-ticked', { field: local(control.label, v.l) });
  const option = control.options?.find((o) => o.value === field.when!.equals);
  return v.t('forms.when.chosen', { option: option ? local(option.label, v.l) : String(field.when.equals), field: local(control.label, v.l) });
}

/** One field of a step, as its widget asks, with its hint, source, error and value. */
export function FieldView({ v, field, value, error, sameStepCondition }: { v: FormView; field: FormField; value: unknown; error?: string; sameStepCondition: boolean }) {
  const { l, t } = v;
  const id = fieldId(field.name);
  const label = local(field.label, l);
  const entry = v.prefill[field.name];
  const note = prefillNote(v, field, entry);
  const hints = [
    sameStepCondition ? conditionHint(v, field) : undefined,
    field.help ? local(field.help, l) : undefined,
    field.widget === 'file' && field.file ? t('forms.file.allowed', { types: typeNames(field.file.types), size: sizeText(l, field.file.maxBytes) }) : undefined,
  ].filter((h): h is string => !!h);
  const ok = entry?.status === 'ok';
  const source = ok && field.prefill ? (
    entry.value === undefined || entry.value === value || field.prefill.list
      ? sourceLine(v, entry)
      : t('forms.prefill.changed', { value: textOf(entry.display, l) ?? String(entry.value), source: sourceLine(v, entry) })
  ) : undefined;
  const describedBy = [hints.length && `${id}-hint`, note && `${id}-note`, source && `${id}-source`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const hintBlock = <>
    {hints.length > 0 && <p class="field__hint" id={`${id}-hint`}>{hints.join(' ')}</p>}
    {source && <p class="field__hint" id={`${id}-source`}>{source}</p>}
    {note && <p class="field__hint notice" id={`${id}-note`}>{note}</p>}
    {error && <p class="field__error" id={`${id}-error`}><span class="visually-hidden">{t('forms.error-prefix')} </span>{error}</p>}
  </>;
  const cls = error ? 'field field--error' : 'field';
  const aria = { 'aria-describedby': describedBy, 'aria-invalid': error ? 'true' : undefined };

  // A value only the registry may give: shown, not asked.
  if (isFixed(field, entry)) {
    const shown = ok ? shownValue(v, field, value) : undefined;
    return (
      <div class={cls} id={id} tabIndex={-1}>
        <p class="field__label"><strong>{label}</strong></p>
        {ok && <p class="prefilled">{shown}</p>}
        {hintBlock}
      </div>
    );
  }

  const text = value === undefined || value === null ? '' : String(value);
  const options = optionsOf(field, entry, l);
  switch (field.widget) {
    case 'textarea':
      return <div class={cls}><label for={id}>{label}</label>{hintBlock}<textarea {...({ id, name: field.name, rows: 4, ...aria } as Record<string, unknown>)}>{text}</textarea></div>;
    case 'select':
      if (!options) break; // the registry gave no list: the value is typed
      return (
        <div class={cls}>
          <label for={id}>{label}</label>{hintBlock}
          <select {...({ id, name: field.name, ...aria } as Record<string, unknown>)}>
            <option value="">{t('forms.choose')}</option>
            {options.map((o) => <option value={o.value} selected={o.value === text} key={o.value}>{o.label}</option>)}
          </select>
        </div>
      );
    case 'radio':
      if (!options) break;
      return (
        <fieldset class={cls} {...({ 'aria-describedby': describedBy } as Record<string, unknown>)}>
          <legend>{label}</legend>{hintBlock}
          {options.map((o, i) => (
            <div class="radio" key={o.value}>
              <input type="radio" id={i === 0 ? id : `${id}-${i}`} name={field.name} value={o.value} checked={o.value === text} />
              <label for={i === 0 ? id : `${id}-${i}`}>{o.label}</label>
            </div>
          ))}
        </fieldset>
      );
    case 'checkbox':
      return (
        <div class={cls}>
          {hintBlock}
          <div class="radio">
            <input {...({ type: 'checkbox', id, name: field.name, value: 'true', checked: value === true, ...aria } as Record<string, unknown>)} />
            <label for={id}>{label}</label>
          </div>
        </div>
      );
    case 'file': {
      const upload = value ? v.uploads.get(String(value)) : undefined;
      return (
        <div class={cls}>
          <label for={id}>{upload ? t('forms.file.replace', { label }) : label}</label>
          {hintBlock}
          {upload && (
            <p class="field__hint">
              {t('forms.file.uploaded')} <a href={`${v.base}/files/${upload.id}`}>{upload.name}</a> ({sizeText(l, upload.size)}){' '}
              <button class="link-button" type="submit" name="_remove" value={field.name}>{t('forms.file.remove')}<span class="visually-hidden"> {upload.name}</span></button>
            </p>
          )}
          <input {...({ type: 'file', id, name: field.name, accept: field.file?.types.join(','), ...aria } as Record<string, unknown>)} />
        </div>
      );
    }
  }
  const type = field.widget === 'phone' ? 'tel' : field.widget === 'email' ? 'email' : field.widget === 'date' ? 'date' : 'text';
  const extra = field.widget === 'number' ? { inputmode: 'decimal' } : field.widget === 'phone' ? { autocomplete: 'tel' } : field.widget === 'email' ? { autocomplete: 'email' } : {};
  return (
    <div class={cls}>
      <label for={id}>{label}</label>{hintBlock}
      <input {...({ id, name: field.name, type, value: text, spellcheck: false, ...extra, ...aria } as Record<string, unknown>)} />
    </div>
  );
}

export interface StepProps {
  v: FormView;
  step: FormStep;
  fields: FormField[];
  number: number;
  total: number;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  back: string;
  change: boolean;
  notice?: string;
}

/** One step: its questions, the errors at the top and beside each, Continue and Back. */
export function StepPage({ v, step, fields, number, total, values, errors, back, change, notice }: StepProps) {
  const { t, l } = v;
  const multipart = fields.some((f) => f.widget === 'file');
  const action = `${v.base}/${step.id}${multipart ? '/files' : ''}${change ? '?change=1' : ''}`;
  // A multipart body is read by the route after the CSRF check, so its token rides in the address.
  const formAction = multipart ? `${action}${change ? '&' : '?'}_csrf=${encodeURIComponent(v.csrf)}` : action;
  const failed = fields.filter((f) => v.prefill[f.name]?.status === 'failed');
  const summary = fields.filter((f) => errors[f.name]).map((f) => ({ href: `#${fieldId(f.name)}`, text: errors[f.name] }));
  const sameStep = new Set(step.fields.map((f) => f.name));
  return <>
    <p class="form-caption">{v.serviceName} · {t('forms.step-of', { number, total })}</p>
    <h1>{local(step.title, l)}</h1>
    {notice && <p class="notice" role="status">{notice}</p>}
    <ErrorSummary title={t('forms.errors-title')} errors={summary} />
    {failed.length > 0 && (
      <form method="post" action={`${v.base}/${step.id}/prefill`} class="notice">
        <input type="hidden" name="_csrf" value={v.csrf} />
        <p>{t('forms.prefill.retry-lead')}</p>
        <button class="button button--secondary" type="submit">{t('forms.prefill.retry')}</button>
      </form>
    )}
    <form method="post" action={formAction} novalidate {...(multipart ? { enctype: 'multipart/form-data' } : {})}>
      <input type="hidden" name="_csrf" value={v.csrf} />
      {fields.map((field) => (
        <FieldView key={field.name} v={v} field={field} value={values[field.name]} error={errors[field.name]}
          sameStepCondition={!!field.when && sameStep.has(field.when.field)} />
      ))}
      <button class="button" type="submit">{change ? t('forms.save-and-return') : t('forms.continue')}</button>
    </form>
    <p><a class="button button--secondary" href={back}>{t('forms.back')}</a></p>
  </>;
}

export interface CheckProps {
  v: FormView;
  steps: { step: FormStep; fields: FormField[] }[];
  answers: Record<string, unknown>;
  errors: { step: string; field: string; text: string }[];
  notice?: string;
  problem?: string;
}

/** Every answer, grouped by step, each with a Change link; then Send. */
export function CheckPage({ v, steps, answers, errors, notice, problem }: CheckProps) {
  const { t, l } = v;
  const byField = new Map(errors.map((e) => [e.field, e.text]));
  return <>
    <p class="form-caption">{v.serviceName}</p>
    <h1>{t('forms.check.title')}</h1>
    {notice && <p class="notice" role="status">{notice}</p>}
    {problem && <div class="error-summary" role="alert"><p>{problem}</p></div>}
    <ErrorSummary title={t('forms.errors-title')} errors={errors.map((e) => ({ href: `${v.base}/${e.step}?change=1#${fieldId(e.field)}`, text: e.text }))} />
    {steps.map(({ step, fields }) => (
      <section key={step.id} aria-labelledby={`s-${step.id}`}>
        <h2 id={`s-${step.id}`}>{local(step.title, l)}</h2>
        <dl class="summary">
          {fields.map((field) => {
            const entry = v.prefill[field.name];
            const label = local(field.label, l);
            const fromRegistry = entry?.status === 'ok' && (field.prefill?.list || entry.value === answers[field.name]);
            return (
              <div class="summary__row" key={field.name}>
                <dt>{label}</dt>
                <dd>
                  {shownValue(v, field, answers[field.name])}
                  {fromRegistry && <><br /><span class="field__hint">{sourceLine(v, entry)}</span></>}
                  {byField.get(field.name) && <><br /><span class="field__error">{byField.get(field.name)}</span></>}
                  {(!field.prefill || field.prefill.editable || field.prefill.list) && <>
                    <br /><a href={`${v.base}/${step.id}?change=1#${fieldId(field.name)}`}>{t('forms.change')}<span class="visually-hidden"> {label}</span></a>
                  </>}
                </dd>
              </div>
            );
          })}
        </dl>
      </section>
    ))}
    <h2>{t('forms.check.send-title')}</h2>
    <p>{t('forms.check.declaration')}</p>
    <form method="post" action={`${v.base}/check`}>
      <input type="hidden" name="_csrf" value={v.csrf} />
      <button class="button" type="submit">{t('forms.check.send')}</button>
    </form>
    <form method="post" action={`${v.base}/delete`}>
      <input type="hidden" name="_csrf" value={v.csrf} />
      <button class="link-button" type="submit">{t('forms.delete')}</button>
    </form>
  </>;
}
