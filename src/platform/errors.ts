import type { Params } from './i18n.js';

/** Codes every module may raise; modules add theirs as `<module>.<what>`. */
export type PlatformErrorCode =
  | 'not-found' | 'validation' | 'rate-limited' | 'internal' | 'csrf' | 'bad-request'
  | 'payload-too-large' | 'unsupported-media-type' | 'method-not-allowed' | 'unavailable' | 'unauthorized' | 'forbidden';

export interface FieldError {
  /** JSON pointer to the field, e.g. `/q` or `#/query/page`. */
  pointer: string;
  detail: string;
}

/**
 * An error the user may see. The one error handler turns it into an RFC 9457 problem
 * on the API and a page in the user's language on the portal; the title and detail
 * come from the locale catalogues under `errors.<code>`.
 */
export class AppError extends Error {
  constructor(
    readonly code: PlatformErrorCode | `${string}.${string}`,
    readonly status: number,
    readonly params: Params = {},
    readonly errors: FieldError[] = [],
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export class NotFoundError extends AppError {
  constructor(code: AppError['code'] = 'not-found', params: Params = {}) { super(code, 404, params); }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], code: AppError['code'] = 'validation', params: Params = {}) { super(code, 400, params, errors); }
}
