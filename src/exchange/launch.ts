// Puts a gateway together: its configuration client (cache on disk), signer, message log in
// its own schema, and the Fastify instance. Used by `serve` (the demo gateways in process)
// and by `darcha gateway` (one gateway as its own process).
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';
import { ConfClient } from './confclient.js';
import { startGateway, type Gateway } from './gateway.js';
import { gatewaySchema } from './ids.js';
import { MessageLog } from './message-log.js';
import { gatewayDir, type Credentials } from './pki.js';
import { BatchSigner } from './signer.js';

export interface LaunchOptions {
  db: Db;
  dataDir: string;
  memberCode: string;
  credentials: Credentials;
  caPem: string;
  fetchConf: () => Promise<string>;
  refreshMs: number;
  timeoutMs: number;
  tls?: boolean;
  serviceUrl?: () => string | undefined;
  log: Logger;
  port?: number;
  host?: string;
  /** Where the log's head is kept outside the database; by default beside the gateway's keys. */
  headFile?: string;
}

export interface LaunchedGateway extends Gateway { conf: ConfClient }

export async function launchGateway(options: LaunchOptions): Promise<LaunchedGateway> {
  const dir = gatewayDir(options.dataDir, options.memberCode);
  const log = options.log.child({ gateway: options.credentials.id });
  const conf = new ConfClient({ fetch: options.fetchConf, caPem: options.caPem, cacheFile: join(dir, 'globalconf.jws'), refreshMs: options.refreshMs, log });
  await conf.start();
  const signer = new BatchSigner(options.credentials.privateKey);
  const messageLog = await MessageLog.open(options.db, gatewaySchema(options.memberCode), signer, options.credentials, options.headFile ?? join(dir, 'log-head.json'));
  const gateway = await startGateway({
    member: options.credentials.id, credentials: options.credentials, caPem: options.caPem, conf, messageLog, signer,
    serviceUrl: options.serviceUrl, timeoutMs: options.timeoutMs, tls: options.tls, log, port: options.port, host: options.host,
  });
  return {
    ...gateway, conf,
    async close() { conf.stop(); await gateway.close(); },
  };
}
