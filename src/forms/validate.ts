// Answers checked on the server against the form's JSON Schema (Ajv, every error at once),
// each error said in the user's language next to its field.
import ajvModule from 'ajv';
import formatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { local, t, type Locale } from '../platform/index.js';
import type { FormDefinition, FormField } from './forms.types.js';

// CommonJS modules whose module object is also their `default`.
const ajv = new ajvModule.default({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false, allowUnionTypes: true });
formatsModule.default(ajv);

/** Compiles a schema of answers; says why when it cannot. */
export function compileSchema(schema: Record<string, unknown>): { validate?: ValidateFunction; error?: string } {
  try {
    return { validate: ajv.compile(schema) };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}

/** The longest text any field takes, whatever its schema says. */
export const MAX_TEXT = 5000;

/** Errors by field name, in the user's language. */
export type FieldErrors = Record<string, string>;

/** Ajv's errors, one message per field (the first), for the fields asked about. */
export function schemaErrors(def: FormDefinition, validate: ValidateFunction, answers: Record<string, unknown>, locale: Locale, only?: ReadonlySet<string>): FieldErrors {
  const out: FieldErrors = {};
  if (validate(answers)) return out;
  const fields = fieldMap(def);
  for (const error of validate.errors ?? []) {
    const name = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty ?? '') : error.instancePath.split('/')[1] ?? '';
    const field = fields.get(name);
    if (!field || out[name] || (only && !only.has(name))) continue;
    out[name] = messageFor(field, error, locale);
  }
  return out;
}

export function fieldMap(def: FormDefinition): Map<string, FormField> {
  return new Map(def.steps.flatMap((s) => s.fields.map((f) => [f.name, f] as const)));
}

/** The message for one schema error: the field's own, or ours by keyword, with its label. */
export function messageFor(field: FormField, error: Pick<ErrorObject, 'keyword' | 'params'>, locale: Locale): string {
  const own = field.errors?.[error.keyword];
  if (own) return local(own, locale);
  const label = local(field.label, locale);
  const params = error.params as { limit?: number; format?: string };
  switch (error.keyword) {
    case 'required':
      if (field.widget === 'file') return t(locale, 'forms.error.required-file', { label });
      if (field.widget === 'select' || field.widget === 'radio') return t(locale, 'forms.error.required-choice', { label });
      return t(locale, 'forms.error.required', { label });
    case 'type': return t(locale, field.widget === 'number' ? 'forms.error.number' : 'forms.error.invalid', { label });
    case 'minLength': return t(locale, 'forms.error.min-length', { label, limit: params.limit ?? 0 });
    case 'maxLength': return t(locale, 'forms.error.max-length', { label, limit: params.limit ?? 0 });
    case 'minimum': case 'exclusiveMinimum': return t(locale, 'forms.error.minimum', { label, limit: params.limit ?? 0 });
    case 'maximum': case 'exclusiveMaximum': return t(locale, 'forms.error.maximum', { label, limit: params.limit ?? 0 });
    case 'pattern': return t(locale, 'forms.error.pattern', { label });
    case 'enum': return t(locale, 'forms.error.required-choice', { label });
    case 'const': return t(locale, field.widget === 'checkbox' ? 'forms.error.tick' : 'forms.error.invalid', { label });
    case 'format':
      if (params.format === 'date') return t(locale, 'forms.error.date', { label });
      if (params.format === 'email') return t(locale, 'forms.error.email', { label });
      return t(locale, 'forms.error.invalid', { label });
    default: return t(locale, 'forms.error.invalid', { label });
  }
}
