// The database as Kysely sees it: each module declares its own tables and this type
// puts them together (type-only imports, so no module is loaded by it).
import type { CatalogTables } from '../../catalog/index.js';
import type { IdentityTables } from '../../identity/index.js';
import type { OutboxTables } from '../outbox.js';
import type { ExchangeTables } from '../../exchange/index.js';
import type { RegistriesTables } from '../../registries/index.js';
import type { FormsTables } from '../../forms/index.js';
import type { DocumentsTables } from '../../documents/index.js';
import type { WorkflowTables } from '../../workflow/index.js';
import type { PaymentsTables } from '../../payments/index.js';
import type { ApplicationsTables } from '../../applications/index.js';
import type { AppealsTables } from '../../appeals/index.js';

export interface Schema extends OutboxTables, CatalogTables, IdentityTables, RegistriesTables, ExchangeTables, DocumentsTables, FormsTables, WorkflowTables, PaymentsTables, ApplicationsTables, AppealsTables {}
