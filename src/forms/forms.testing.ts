// Test support for the forms: the whole platform with its forms module (one is added when
// src/app.ts composes none), a fake submit handler in place of the applications module's
// that records what it was given, and a few requests a test makes over and over.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp, createModules, type App } from '../app.js';
import type { CatalogService } from '../catalog/index.js';
import type { ExchangeModule } from '../exchange/index.js';
import { loadConfig, type Config } from '../platform/index.js';
import { testDatabase } from '../testing.js';
import { formsModule, type FormsModule, type Submission } from './index.js';

export interface FormsTestApp extends App {
  url: string;
  config: Config;
  forms: FormsModule;
  /** What the fake submit handler was given, in order. */
  submissions: Submission[];
  /** Makes the fake handler fail (throw) until set back to false. */
  failSubmit: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** The platform with demo data and the forms, on a fresh database, listening on a free port. */
export async function startFormsApp(env: Record<string, string> = {}, options: { prefillTimeoutMs?: number } = {}): Promise<FormsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-forms-test-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const database = await testDatabase();
  // No one signs in by SMS here: sessions are made directly (`signIn`).
  const modules = createModules({ sms: { send: async () => ({}) } });
  let forms = modules.find((m) => m.name === 'forms') as FormsModule | undefined;
  if (!forms) {
    const exchange = modules.find((m) => m.name === 'exchange') as ExchangeModule;
    const catalog = modules.find((m) => m.name === 'catalog') as { catalog?: CatalogService };
    forms = formsModule({ exchange, services: () => catalog.catalog?.snapshot.services ?? [], prefillTimeoutMs: options.prefillTimeoutMs ?? 1500 });
    modules.push(forms);
  }
  const app = await createApp(config, { database, modules });
  await app.server.listen({ port, host: '127.0.0.1' });
  const submissions: Submission[] = [];
  const result: FormsTestApp = {
    ...app, url, config, forms, submissions, failSubmit: false,
    async close() {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // A stand-in for the applications module: one application per submission, numbered.
  forms.onSubmit(async (submission) => {
    if (result.failSubmit) throw new Error('the applications store is down');
    submissions.push(submission);
    return { applicationId: randomUUID(), number: `2026-${String(submissions.length).padStart(6, '0')}` };
  });
  return result;
}

/** A form post with the CSRF token of a page the same cookies opened. */
export async function post(server: FastifyInstance, url: string, cookie: string, fields: Record<string, string>, token: string) {
  return server.inject({
    method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: token }).toString(),
  });
}

/** A multipart body with text fields and files, as a browser sends it. */
export function multipart(fields: Record<string, string>, files: { field: string; name: string; type: string; content: Buffer }[]): { body: Buffer; contentType: string } {
  const boundary = `----darcha${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    chunks.push(file.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A real (tiny) PNG: 1×1, one grey pixel. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==', 'base64');
/** A real (tiny) PDF. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** The start of a Windows program: what an .exe is, whatever its name says. */
export const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.from([0x4c, 0x01]), Buffer.alloc(200)]);
