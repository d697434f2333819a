// The database as Kysely sees it: each module declares its own tables and this type
// puts them together (type-only imports, so no module is loaded by it).
import type { CatalogTables } from '../../catalog/index.js';
import type { IdentityTables } from '../../identity/index.js';
import type { OutboxTables } from '../outbox.js';

export interface Schema extends OutboxTables, CatalogTables, IdentityTables {}
