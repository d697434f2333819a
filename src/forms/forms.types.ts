import type { Locale, LocalText } from '../platform/index.js';

export type Widget = 'text' | 'textarea' | 'date' | 'select' | 'radio' | 'checkbox' | 'file' | 'number' | 'phone' | 'email';

/** Where a field's value comes from when the state already knows it. */
export interface Prefill {
  /** `GOV/<member>/<subsystem>/<serviceCode>`, called through the exchange. */
  service: string;
  /**
   * After the service code, e.g. `/$pinfl` (an optional extension of the contract: the
   * registries take some keys in the path).
   */
  path?: string;
  /** Query parameters; `$pinfl`, `$stir` and `$answers.<field>` are replaced. */
  query?: Record<string, '$pinfl' | '$stir' | string>;
  /**
   * JSON pointer (RFC 6901) into the answer; an index `-1` means the last element. A value
   * that is text in several languages (`{ uz, ru, en }`) is taken in the user's language.
   */
  pointer: string;
  /** Whether the person may change (or, when the registry fails, type) the value. */
  editable: boolean;
  /** Optional: a pointer (relative to the answer) to show instead of the value, e.g. a name for an id. */
  display?: string;
  /**
   * Optional: the pointer designates a list and each element becomes an option of a select
   * or radio field: `value` and `label` are pointers into the element (labels joined by spaces).
   */
  list?: { value: string; label: string[] };
}

export interface FormField {
  name: string;
  widget: Widget;
  label: LocalText;
  help?: LocalText;
  options?: { value: string; label: LocalText }[];
  /** Show only when another answer has a value: { field, equals } */
  when?: { field: string; equals: string | boolean };
  /** Filled from a registry through the exchange; the citizen sees the source. */
  prefill?: Prefill;
  file?: { types: string[] /* mime types checked on content */; maxBytes: number };
  /** Optional: own messages for schema keywords (e.g. `pattern`), in five languages. */
  errors?: Partial<Record<string, LocalText>>;
  /** Optional: how a number is shown: `money` for an amount in tiyin, shown in soʻm. */
  display?: 'money';
}

export interface FormStep { id: string; title: LocalText; fields: FormField[] }

export interface FormDefinition {
  serviceId: string;
  version: number;
  /** JSON Schema of the answers (an object whose properties are the fields). */
  schema: Record<string, unknown>;
  steps: FormStep[];
  /** Optional: `business` when the applicant acts for a business (the draft belongs to it, `$stir` is known). */
  applicant?: 'person' | 'business';
}

export interface SubmittedFile { field: string; uploadId: string; name: string; mime: string; size: number; sha256: string }

export interface Submission {
  draftId: string;
  serviceId: string;
  formVersion: number;
  personId: string;
  businessId: string | null;
  answers: Record<string, unknown>;
  files: SubmittedFile[];
  prefilled: { field: string; source: string; at: string }[];
  /** The draft id: submitting a draft twice = one application. */
  idempotencyKey: string;
  channel: 'portal' | 'centre';
  centreId?: string;
  locale: Locale;
}

export interface SubmitResult { applicationId: string; number: string }

/**
 * What happens on final submit, registered by the applications module. It is called inside
 * the transaction that marks the draft submitted: `trx` (an optional second argument, a
 * refinement of the contract) lets the handler write the application in that same
 * transaction, so that the draft and the application commit together or not at all.
 */
export type SubmitHandler = (submission: Submission, trx: import('../platform/index.js').Db) => Promise<SubmitResult>;

/** What a prefilled field holds in a draft. */
export interface PrefillEntry {
  /** ok: a value came; empty: the registry has no such record; failed: it did not answer; unavailable: nothing to ask with (no PINFL…). */
  status: 'ok' | 'empty' | 'failed' | 'unavailable';
  /** The exchange service asked. */
  source: string;
  /** When it answered (ISO). */
  at: string;
  /** The request as made (service, path, query), to fetch again when an answer it depends on changes. */
  key: string;
  value?: unknown;
  /** Text shown instead of the value: a string or text in languages. */
  display?: unknown;
  options?: { value: string; label: string }[];
  reason?: string;
}
