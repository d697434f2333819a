import { AppError, NotFoundError, ValidationError } from '../platform/index.js';

// The catalog's errors; their titles and details are under `errors.<code>` in the locales.

export const serviceNotFound = (id: string) => new NotFoundError('catalog.service-not-found', { id });
export const agencyNotFound = (id: string) => new NotFoundError('catalog.agency-not-found', { id });
export const sphereNotFound = (id: string) => new NotFoundError('catalog.sphere-not-found', { id });
export const queryTooLong = (max: number) => new ValidationError([{ pointer: '#/querystring/q', detail: '' }], 'catalog.query-too-long', { max });
export const badFilter = (name: string) => new AppError('catalog.bad-filter', 400, { name });
