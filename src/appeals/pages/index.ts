// The appeal pages (issue #8): the portal's new appeal and public status, the author's cabinet,
// and the back office's tabs, appeal page and entry of appeals received otherwise.
import type { FastifyInstance } from 'fastify';
import type { CatalogSnapshot } from '../../catalog/index.js';
import type { Db } from '../../platform/index.js';
import type { AppealsApi } from '../types.js';
import { cabinetAppealRoutes } from './cabinet.js';
import { officeAppealRoutes } from './office.js';
import { portalAppealRoutes } from './portal.js';

export interface AppealPagesDeps {
  db: Db;
  appeals: AppealsApi;
  catalog: () => CatalogSnapshot | undefined;
  /** The module's clock (tests move it): what "overdue" and "near the deadline" are measured against. */
  now?: () => Date;
}

export { authorMaySee } from './cabinet.js';

export function appealPages(app: FastifyInstance, deps: AppealPagesDeps): void {
  portalAppealRoutes(app, deps);
  cabinetAppealRoutes(app, deps);
  officeAppealRoutes(app, deps);
}
