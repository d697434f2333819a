// For the documents tests: the whole platform (`startTestApp`) and its documents module, to
// issue and revoke documents as the applications module does.
import { startTestApp, type TestApp } from '../testing.js';
import type { DocumentsModule } from './index.js';

export type DocumentsTestApp = TestApp & { documents: DocumentsModule };

export async function startDocumentsApp(): Promise<DocumentsTestApp> {
  const app = await startTestApp();
  const documents = app.modules.find((m) => m.name === 'documents') as DocumentsModule | undefined;
  if (!documents) {
    await app.close();
    throw new Error('src/app.ts does not compose the documents module');
  }
  return Object.assign(app, { documents });
}
