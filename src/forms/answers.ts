// What a form's answers are at each moment: which fields show (conditions), what a posted
// step says (one value per widget), and what survives a newer version of the form.
import { latinToCyrillic } from '../catalog/index.js';
import { AppError, type Locale } from '../platform/index.js';
import { fieldMap, MAX_TEXT } from './validate.js';
import type { FormDefinition, FormField, FormStep } from './forms.types.js';

export type Answers = Record<string, unknown>;

/** Whether a field is asked, given the answers so far (its condition, and its condition's). */
export function isVisible(def: FormDefinition, field: FormField, answers: Answers, fields = fieldMap(def)): boolean {
  for (let current: FormField | undefined = field, depth = 0; current?.when && depth < 50; depth++) {
    if (answers[current.when.field] !== current.when.equals) return false;
    current = fields.get(current.when.field);
  }
  return true;
}

/** The step a field is on. */
export function stepOf(def: FormDefinition, name: string): FormStep | undefined {
  return def.steps.find((s) => s.fields.some((f) => f.name === name));
}

/**
 * Whether a field is on its step's page: always when it depends on an answer of the same
 * page (without JavaScript nothing can appear as one answers; the field says when it
 * applies), otherwise when its condition holds.
 */
export function isShown(def: FormDefinition, step: FormStep, field: FormField, answers: Answers, fields = fieldMap(def)): boolean {
  if (!field.when) return true;
  if (step.fields.some((f) => f.name === field.when!.field)) return isShown(def, step, fields.get(field.when.field)!, answers, fields);
  return isVisible(def, field, answers, fields);
}

export function shownFields(def: FormDefinition, step: FormStep, answers: Answers): FormField[] {
  const fields = fieldMap(def);
  return step.fields.filter((f) => isShown(def, step, f, answers, fields));
}

/** The steps that ask anything, given the answers. */
export function visibleSteps(def: FormDefinition, answers: Answers): FormStep[] {
  return def.steps.filter((s) => shownFields(def, s, answers).length > 0);
}

/** The answers of the fields asked, and nothing else: what is validated and sent. */
export function visibleAnswers(def: FormDefinition, answers: Answers): Answers {
  const fields = fieldMap(def);
  const out: Answers = {};
  for (const [name, field] of fields) {
    if (answers[name] !== undefined && isVisible(def, field, answers, fields)) out[name] = answers[name];
  }
  return out;
}

const TRUE = new Set(['true', 'on', '1', 'yes']);

/**
 * The values a step's form posted, one per field and widget: text trimmed, a phone number
 * without spaces, a number as a number (or the text, for the schema to refuse), a checkbox
 * true or false, empty as absent. Files come by their own route. A field sent twice, or
 * text beyond any field's size, is no form of ours: 400.
 */
export function readPosted(fields: FormField[], body: Record<string, unknown>): Answers {
  const out: Answers = {};
  for (const field of fields) {
    if (field.widget === 'file') continue;
    const raw = body[field.name];
    if (Array.isArray(raw) || (raw !== undefined && typeof raw !== 'string')) throw new AppError('bad-request', 400);
    if (typeof raw === 'string' && raw.length > MAX_TEXT) throw new AppError('bad-request', 400);
    if (field.widget === 'checkbox') { out[field.name] = raw !== undefined && TRUE.has(raw); continue; }
    const text = (raw ?? '').replace(/\r\n/g, '\n').trim();
    if (text === '') { out[field.name] = undefined; continue; }
    if (field.widget === 'phone') out[field.name] = text.replace(/[\s()-]/g, '');
    else if (field.widget === 'number') out[field.name] = /^-?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : text;
    else out[field.name] = text;
  }
  return out;
}

/** Drops absent values, so that the stored answers hold only what was given. */
export function compact(answers: Answers): Answers {
  return Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== undefined));
}

// ---- Values out of a registry's answer ----

/** RFC 6901 JSON pointer, with `-1` for the last element of a list. */
export function pointerGet(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = key === '-1' ? node.length - 1 : /^\d+$/.test(key) ? Number(key) : -1;
      node = index >= 0 ? node[index] : undefined;
    } else if (node && typeof node === 'object') {
      node = Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    } else {
      return undefined;
    }
  }
  return node;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A registry value as text in the user's language: text in languages (`{ uz, ru, en }`,
 * Uzbek Cyrillic written from the Latin, Karakalpak read in Uzbek), a person's name
 * (`{ first, middle, last }`), or a plain value.
 */
export function textOf(value: unknown, locale: Locale): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isRecord(value) && typeof value.uz === 'string') {
    const own = value[locale];
    if (typeof own === 'string' && own) return own;
    if (locale === 'oz') return latinToCyrillic(value.uz);
    return value.uz;
  }
  if (isRecord(value) && typeof value.first === 'string' && typeof value.last === 'string') {
    return [value.first, value.middle, value.last].filter((p) => typeof p === 'string' && p).join(' ');
  }
  return undefined;
}

/** The answer a registry value makes: text in the language, or a number or boolean as it is. */
export function answerOf(value: unknown, locale: Locale): string | number | boolean | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = textOf(value, locale);
  return text === '' ? undefined : text;
}
