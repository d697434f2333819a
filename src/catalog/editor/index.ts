// The catalog editor: drafts of services, agencies and spheres, published by another editor.
export { editorRoutes } from './editor.routes.js';
export { editorMigrations, type EditorTables } from './editor.tables.js';
