// Test support for payments: the whole platform with the payments module (added when the
// composition root does not list it yet), listening on a free port so that the stand-in
// processor can call the merchant endpoints over real HTTP; and an invoice to pay.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createModules, type App } from '../app.js';
import { DEMO_ACCOUNTS, openSmsChannel } from '../identity/index.js';
import { loadConfig, type Config } from '../platform/index.js';
import { SmsInbox, testDatabase } from '../testing.js';
import { paymentsModule, type PaymentsModule, type ProcessorStandin } from './index.js';

export interface PaymentsTestApp extends App {
  url: string;
  config: Config;
  sms: SmsInbox;
  payments: PaymentsModule;
  standin: ProcessorStandin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

export async function startPaymentsApp(env: Record<string, string> = {}): Promise<PaymentsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-payments-test-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const database = await testDatabase();
  const sms = await openSmsChannel(config);
  const modules = createModules({ sms: sms.sender, smsInbox: sms.inboxUrl });
  if (!modules.some((m) => m.name === 'payments')) modules.push(paymentsModule());
  const app = await createApp(config, { database, modules });
  await app.server.listen({ port, host: '127.0.0.1' });
  const payments = app.modules.find((m) => m.name === 'payments') as PaymentsModule;
  return {
    ...app, url, config, payments, standin: payments.channel!.standin!, sms: new SmsInbox(sms.inboxUrl!),
    async close() {
      await app.close();
      await sms.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CITIZEN = DEMO_ACCOUNTS.find((a) => a.role === 'citizen')!;
export const BARAKA = '00000000-0000-4000-9000-000000000001';
export const DESCRIPTION = { uz: 'Davlat boji', oz: 'Давлат божи', kaa: 'Mámleketlik baj', ru: 'Госпошлина', en: 'State fee' };

let subjects = 0;

/** An invoice of 412,000 so'm with a 10 % online discount (370,800 so'm to pay), for the citizen unless said otherwise. */
export async function testInvoice(app: Pick<PaymentsTestApp, 'ctx' | 'payments'>, over: Partial<Parameters<PaymentsModule['createInvoice']>[1]> = {}) {
  const input = {
    subject: `test-${process.pid}-${++subjects}`, payerPersonId: CITIZEN.id, businessId: null, serviceId: 'passport',
    amountTiyin: 37_080_000, fullAmountTiyin: 41_200_000, discountPercent: 10, description: DESCRIPTION, ...over,
  };
  const { invoiceId } = await app.payments.createInvoice(app.ctx.db, input);
  return { invoiceId, ...input };
}

/** The outbox events of a topic about an invoice. */
export async function eventsOf(app: Pick<App, 'ctx'>, topic: string, invoiceId: string): Promise<unknown[]> {
  const rows = await app.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', topic).execute();
  return rows.map((r) => r.payload).filter((p) => (p as { invoiceId?: string }).invoiceId === invoiceId);
}
