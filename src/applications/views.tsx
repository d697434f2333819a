import type { Locale, Translate } from '../platform/index.js';
import type { TransitionRecord, WorkflowDefinition } from './contract.js';
import type { Application } from './store.js';

/** A moment as Tashkent reads it (UTC+5): `YYYY-MM-DD HH:MM`. */
export const when = (d: Date | string | null | undefined) => (d ? new Date(new Date(d).getTime() + 5 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '—');
export const day = (d: Date | string | null | undefined) => when(d).slice(0, 10);

export const stateLabel = (def: WorkflowDefinition, state: string, l: Locale) => def.states[state]?.label[l] ?? state;

export function StateTag({ def, app, l, t }: { def: WorkflowDefinition; app: Pick<Application, 'state' | 'due_at' | 'escalated_at' | 'active'>; l: Locale; t: Translate }) {
  const late = app.active && app.due_at && new Date(app.due_at).getTime() < Date.now();
  return <><span class="tag">{stateLabel(def, app.state, l)}</span>{late && <> <span class="tag">{t('applications.past-term')}</span></>}</>;
}

/** The status timeline: each step of the workflow, who took it and why. */
export function Timeline({ history, def, l, t, showNames }: { history: TransitionRecord[]; def: WorkflowDefinition; l: Locale; t: Translate; showNames: boolean }) {
  return (
    <ol class="steps" aria-label={t('applications.timeline.title')}>
      {history.map((h, i) => {
        const action = def.actions[h.action]?.label[l] ?? t('applications.timeline.begin');
        const who = h.actorKind === 'applicant' ? t('applications.who.applicant')
          : h.actorKind === 'system' ? t('applications.who.system')
          : showNames && h.actorName ? h.actorName : t(`applications.who.${h.actorKind === 'head' ? 'head' : 'officer'}`);
        return (
          <li key={i}>
            <strong>{stateLabel(def, h.to, l)}</strong> — {action}. <span class="count">{when(h.at)} · {who}</span>
            {h.reason && <><br />{h.reason}</>}
          </li>
        );
      })}
    </ol>
  );
}

export interface MessageRow {
  id: number; at: Date; author_kind: string; author_name: string | null; kind: string; body: string; file_name: string | null; file_size: number | null;
}

/** The messages between the officer and the applicant, oldest first, with their files. */
export function Messages({ messages, t, fileUrl, showNames }: { messages: MessageRow[]; t: Translate; fileUrl: (id: number) => string; showNames: boolean }) {
  if (messages.length === 0) return <p>{t('applications.messages.none')}</p>;
  return (
    <ul class="results">
      {messages.map((m) => (
        <li key={m.id} class="panel">
          <p class="count">
            {when(m.at)} · {m.author_kind === 'applicant' ? t('applications.who.applicant') : m.author_kind === 'system' ? t('applications.who.system') : (showNames && m.author_name) || t('applications.who.officer')}
            {m.kind !== 'message' && <> · <span class="tag">{t(`applications.messages.kind.${m.kind}`)}</span></>}
          </p>
          {m.body && <p>{m.body}</p>}
          {m.file_name && <p><a href={fileUrl(m.id)}>{m.file_name}</a> <span class="count">({Math.max(1, Math.round((m.file_size ?? 0) / 1024))} KB)</span></p>}
        </li>
      ))}
    </ul>
  );
}

/** A textarea with its label, hint and error, as `Field` does for inputs. */
export function TextArea({ name, label, hint, error, value = '', required = false, maxLength }: { name: string; label: string; hint?: string; error?: string; value?: string; required?: boolean; maxLength?: number }) {
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      <textarea id={name} name={name} required={required} maxLength={maxLength} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>{value}</textarea>
    </div>
  );
}

/** A file input with its label, hint and error. */
export function FileField({ name, label, hint, error, accept }: { name: string; label: string; hint?: string; error?: string; accept?: string }) {
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && <p class="field__hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${name}-error`}>{error}</p>}
      <input id={name} name={name} type="file" accept={accept} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} />
    </div>
  );
}
