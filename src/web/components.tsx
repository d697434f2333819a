import type { ComponentChildren } from 'preact';
import { LOCALES, LOCALE_INFO, type Locale, type Translate } from '../platform/index.js';

// The design system: the few components every page is made of. Styles in assets/style.css.

export interface Crumb { href?: string; label: string }

export function Breadcrumbs({ items, t }: { items: Crumb[]; t: Translate }) {
  return (
    <nav class="breadcrumbs" aria-label={t('common.breadcrumbs')}>
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item.href && i < items.length - 1 ? <a href={item.href}>{item.label}</a> : <span aria-current="page">{item.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export function SearchBox({ action, value = '', t, large = false, id = 'q' }: { action: string; value?: string; t: Translate; large?: boolean; id?: string }) {
  return (
    <form class={large ? 'search search--large' : 'search'} action={action} method="get" role="search">
      <label for={id} class={large ? 'search__label' : 'visually-hidden'}>{t('search.label')}</label>
      <div class="search__row">
        <input id={id} name="q" type="search" value={value} maxLength={200} autocomplete="off" spellcheck={false}
          placeholder={t('search.placeholder')} />
        <button type="submit" class="button">{t('search.submit')}</button>
      </div>
    </form>
  );
}

/** A linked card; `level` keeps the heading order right where the card stands. */
export function Card({ href, title, children, meta, level = 3 }: { href: string; title: string; children?: ComponentChildren; meta?: ComponentChildren; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <article class="card">
      <Heading class="card__title"><a href={href}>{title}</a></Heading>
      {children && <p class="card__text">{children}</p>}
      {meta && <div class="card__meta">{meta}</div>}
    </article>
  );
}

export function Tag({ children, kind }: { children: ComponentChildren; kind?: string }) {
  return <span class={kind ? `tag tag--${kind}` : 'tag'}>{children}</span>;
}

export function Button({ href, children, secondary = false, type = 'submit' }: { href?: string; children: ComponentChildren; secondary?: boolean; type?: 'submit' | 'button' }) {
  const cls = secondary ? 'button button--secondary' : 'button';
  return href ? <a class={cls} href={href} role="button" draggable={false}>{children}</a> : <button class={cls} type={type}>{children}</button>;
}

/** A table of label/value rows, as a service's facts are shown. */
export function SummaryList({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="summary">
      {rows.map(([label, value]) => (
        <div class="summary__row" key={label}><dt>{label}</dt><dd>{value}</dd></div>
      ))}
    </dl>
  );
}

export function Table({ caption, head, rows }: { caption: string; head: string[]; rows: ComponentChildren[][] }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="table">
        <caption>{caption}</caption>
        <thead><tr>{head.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>{rows.map((row, i) => <tr key={i}>{row.map((cell, j) => (j === 0 ? <th scope="row" key={j}>{cell}</th> : <td key={j}>{cell}</td>))}</tr>)}</tbody>
      </table>
    </div>
  );
}

export interface FieldProps { name: string; label: string; value?: string; hint?: string; error?: string; type?: 'text' | 'email' | 'tel' | 'password' | 'number' | 'date'; required?: boolean; autocomplete?: string }

/** A labelled input with its hint and error, linked for screen readers. */
export function Field({ name, label, value = '', hint, error, type = 'text', required = false, autocomplete }: FieldProps) {
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      {/* preact's types tie `role` to each input type; the attributes are plain HTML here */}
      <input {...({ id: name, name, type, value, required, autocomplete, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy } as Record<string, unknown>)} />
    </div>
  );
}

export function Select({ name, label, value, options }: { name: string; label: string; value?: string; options: { value: string; label: string }[] }) {
  return (
    <div class="field">
      <label for={name}>{label}</label>
      <select id={name} name={name}>
        {options.map((o) => <option value={o.value} selected={o.value === (value ?? '')} key={o.value}>{o.label}</option>)}
      </select>
    </div>
  );
}

/** The list of errors at the top of a form, each linking to its field. */
export function ErrorSummary({ title, errors }: { title: string; errors: { href: string; text: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      <ul>{errors.map((e) => <li key={e.href}><a href={e.href}>{e.text}</a></li>)}</ul>
    </div>
  );
}

export function Pagination({ page, pages, href, t }: { page: number; pages: number; href: (page: number) => string; t: Translate }) {
  if (pages <= 1) return null;
  return (
    <nav class="pagination" aria-label={t('common.pagination')}>
      {page > 1 && <a href={href(page - 1)} rel="prev">{t('common.previous')}</a>}
      <span>{t('common.page-of', { page, pages })}</span>
      {page < pages && <a href={href(page + 1)} rel="next">{t('common.next')}</a>}
    </nav>
  );
}

/** The language switcher: each of the five languages, the current one marked, leading to the same page. */
export function LanguageNav({ locale, t, href }: { locale: Locale; t: Translate; href: (l: Locale) => string }) {
  return (
    <nav class="lang" aria-label={t('common.language')}>
      <ul>
        {LOCALES.map((l) => (
          <li key={l}>
            <a href={href(l)} hrefLang={LOCALE_INFO[l].tag} lang={LOCALE_INFO[l].tag} aria-current={l === locale ? 'true' : undefined}>{LOCALE_INFO[l].name}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
