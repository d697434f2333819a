// A member's gateway, the security server of X-Road: its own Fastify instance on its own port.
// Client side (`/r1/…`): the member's information systems call services of other members;
// the gateway signs the request, sends it to the provider's gateway, checks the signed answer.
// Server side (`/transport/r1/…`): another gateway's signed request is checked (signature,
// certificate, time, replay, access right), passed to the member's information system, and
// the answer signed. Both sides log every message (message-log.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { canonicalRequest, canonicalResponse, passedHeaders, requestHash } from './canonical.js';
import type { ConfSource } from './confclient.js';
import { clientError, clientProxyError, ERROR_CONTENT_TYPE, serverProxyError, XRoadError, type ErrorSide } from './errors.js';
import type { ConfService, GlobalConf } from './globalconf.js';
import { HttpClient, HttpFailure, type HttpAnswer } from './http.js';
import { clientKey, INSTANCE, memberKey, parseClientId, parseServiceUrl, serviceKey, subsystemKey, type ClientId, type ServiceRequestTarget } from './ids.js';
import type { LogRecord, MessageLog } from './message-log.js';
import { derFingerprint, type Credentials } from './pki.js';
import { BatchSigner, digestOf, Verifier } from './signer.js';

/** How far a request's time may be from ours, either way. */
export const TIME_WINDOW_MS = 60_000;
const META_SERVICES = new Set(['listMethods', 'allowedMethods', 'getOpenAPI']);
const NOTHING = new Set<string>();
/** What a provider's information system may not set: the gateway sets these. */
const SET_BY_GATEWAY = new Set(['x-road-client', 'x-road-service', 'x-road-id', 'x-road-request-id', 'x-road-request-hash', 'x-road-error']);
const EMPTY = Buffer.alloc(0);

export interface GatewayOptions {
  /** `DARCHA/GOV/<code>`. */
  member: string;
  credentials: Credentials;
  caPem: string;
  conf: ConfSource;
  messageLog: MessageLog;
  signer: BatchSigner;
  /** The member's information system (the registries' server), where allowed requests go. */
  serviceUrl?: () => string | undefined;
  /** How long to wait for another gateway, and (less a little) for the information system. */
  timeoutMs: number;
  /** Mutual TLS between gateways (and to the information systems). */
  tls?: boolean;
  log: Logger;
  port?: number;
  host?: string;
  bodyLimit?: number;
}

export interface Gateway {
  member: string;
  url: string;
  server: FastifyInstance;
  messageLog: MessageLog;
  close(): Promise<void>;
}

/** Replays: request ids seen within the time window (a request older than that is refused anyway). */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  remember(id: string, at: number) {
    const now = Date.now();
    for (const [key, expires] of this.#seen) { if (expires > now) break; this.#seen.delete(key); }
    this.#seen.set(id, Math.max(at, now) + TIME_WINDOW_MS);
  }
  seen(id: string): boolean { const expires = this.#seen.get(id); return expires !== undefined && expires > Date.now(); }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { member, credentials, conf, messageLog, signer, log } = options;
  const verifier = new Verifier();
  const replay = new ReplayGuard();
  for (const id of await messageLog.recentRequestIds(Date.now() - 2 * TIME_WINDOW_MS)) replay.remember(id, Date.now());
  const tls = options.tls ? { key: credentials.privateKeyPem, cert: credentials.certificatePem, ca: options.caPem } : undefined;
  const http = new HttpClient(tls, options.bodyLimit);
  const app = Fastify({
    logger: false, bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024, routerOptions: { maxParamLength: 2000 },
    ...(tls ? { https: { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false } } : {}),
  } as Record<string, unknown>) as unknown as FastifyInstance;
  // Any payload passes through untouched (X-Road REST §3.1), as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const confOrFail = (side: ErrorSide): GlobalConf => {
    const current = conf.current;
    if (!current || current.expired()) throw new XRoadError(side, 'OutdatedGlobalConf', 'The global configuration is missing or has expired');
    return current;
  };

  /** A certificate of `memberKeyText` from the configuration, trusted now; otherwise why not. */
  const peerKey = (current: GlobalConf, signerPrint: string | undefined, expectedMember: string, side: ErrorSide) => {
    const cert = signerPrint ? current.certificates.get(signerPrint) : undefined;
    if (!cert) throw new XRoadError(side, 'IncorrectCertificate', 'The signer\'s certificate is not in the global configuration');
    if (cert.memberKey !== expectedMember) throw new XRoadError(side, 'IncorrectCertificate', `The signer's certificate belongs to ${cert.memberKey}, not ${expectedMember}`);
    if (cert.problem) throw new XRoadError(side, 'CertValidation', `The signer's certificate is not trusted: ${cert.problem}`);
    const now = Date.now();
    if (now < cert.notBefore || now > cert.notAfter) throw new XRoadError(side, 'CertValidation', `The signer's certificate is ${now > cert.notAfter ? 'expired' : 'not yet valid'}`);
    return cert;
  };

  const sendError = (reply: FastifyReply, error: unknown, extra: Record<string, string> = {}) => {
    const x = error instanceof XRoadError ? error : clientProxyError('InternalError', 'Internal error');
    if (!(error instanceof XRoadError)) log.error({ err: error }, 'gateway error');
    return reply.code(x.status).headers({ ...extra, 'content-type': ERROR_CONTENT_TYPE, 'x-road-error': x.type }).send(x.body());
  };

  // ---- client side: the member's own information systems ----
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'], url: '/r1/*',
    handler: async (request, reply) => {
      try {
        await clientProxy(request, reply);
      } catch (error) {
        return sendError(reply, error);
      }
      return reply;
    },
  });

  async function clientProxy(request: FastifyRequest, reply: FastifyReply) {
    const target = parseServiceUrl(request.url);
    if (!target) throw clientError('BadRequest', 'Error parsing the client\'s REST request: the URL must be /r1/{xRoadInstance}/{memberClass}/{memberCode}/{subsystemCode}/{serviceCode}[/path] (X-Road Message Protocol for REST r1)');
    const header = single(request.headers['x-road-client']);
    if (!header) throw clientError('InvalidClientIdentifier', 'The client identifier is missing (X-Road-Client)');
    const client = parseClientId(header);
    if (!client) throw clientError('InvalidClientIdentifier', `Malformed client identifier: ${header.slice(0, 100)}`);
    const current = confOrFail('Server.ClientProxy');
    if (memberKey(client) !== member || (client.subsystem && !current.subsystems.has(clientKey(client)))) {
      throw clientError('UnknownMember', `Client '${clientKey(client)}' not found at this gateway (${member})`);
    }
    const providerKey = memberKey(target.service);
    const provider = current.members.get(providerKey);
    if (!provider?.address) throw clientProxyError('UnknownMember', `Could not find suitable address for service provider "${serviceKey(target.service)}"`);

    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const headers = passedHeaders(request.headers);
    headers['x-road-client'] = clientKey(client);
    headers['x-road-id'] ||= randomUUID();
    const requestId = randomUUID();
    const timestamp = Date.now();
    const servicePath = pathOf(request.url);
    const canonical = canonicalRequest({ requestId, timestamp, method: request.method, servicePath, query: target.query, headers, body });
    const signature = await signer.sign(digestOf(canonical));
    const hash = requestHash(canonical, body);
    const base = { requestId, messageId: headers['x-road-id'], client: clientKey(client), service: serviceKey(target.service) };
    // Logged with its answer, in one write, before the caller sees anything.
    const requestRecord: LogRecord = { ...base, side: 'client', direction: 'request', status: null, canonical, body, signer: credentials.fingerprint, signature };

    const abort = new AbortController();
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
    let answer: HttpAnswer;
    try {
      answer = await http.request(`${provider.address}/transport${servicePath}${target.query ? `?${target.query}` : ''}`, {
        method: request.method, body, timeoutMs: options.timeoutMs, signal: abort.signal,
        headers: { ...headers, 'x-road-request-id': requestId, 'x-darcha-timestamp': String(timestamp), 'x-darcha-signer': credentials.fingerprint, 'x-darcha-signature': signature, ...(body.length ? { 'content-length': String(body.length) } : {}) },
        checkPeer: (cert) => {
          const known = current.certificates.get(derFingerprint(cert.raw));
          return known?.memberKey === providerKey && !known.problem ? undefined : new Error(`the TLS certificate is not one of ${providerKey}`);
        },
      });
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      if (error.kind === 'network') conf.refreshSoon();
      await messageLog.append(requestRecord).catch((e) => log.error({ err: e }, 'message log write failed'));
      throw error.kind === 'timeout'
        ? clientProxyError('ServiceFailed', `The provider's gateway did not answer in time: ${error.message}`, requestId)
        : clientProxyError('NetworkError', `The provider's gateway cannot be reached: ${error.message}`, requestId);
    }

    // The answer, checked: signed by the provider's gateway, for this very request.
    const answerHeaders = passedHeaders(answer.headers, NOTHING);
    const answerTime = Number(single(answer.headers['x-darcha-timestamp']));
    const answerSigner = single(answer.headers['x-darcha-signer']) ?? '';
    const answerSignature = single(answer.headers['x-darcha-signature']) ?? '';
    const answerCanonical = canonicalResponse({ requestId, timestamp: answerTime, status: answer.status, requestHash: answerHeaders['x-road-request-hash'] ?? '', headers: answerHeaders, body: answer.body });
    let problem: XRoadError | undefined;
    try {
      const cert = peerKey(current, answerSigner, providerKey, 'Server.ClientProxy');
      if (!verifier.verify(digestOf(answerCanonical), answerSignature, cert.publicKey, answerSigner)) problem = clientProxyError('InvalidSignatureValue', 'The signature of the provider\'s answer does not verify', requestId);
      // A provider gateway's own error (signed) is passed on even when it saw another request
      // than was sent (altered on the way): it says what went wrong there.
      else if (answerHeaders['x-road-request-hash'] !== hash && !answerHeaders['x-road-error']) problem = clientProxyError('InconsistentResponse', 'The answer is not for this request (X-Road-Request-Hash differs)', requestId);
      else void messageLog.rememberCertificate(cert.pem, answerSigner).catch(() => {});
    } catch (error) {
      problem = error as XRoadError;
    }
    try {
      await messageLog.append([requestRecord, { ...base, side: 'client', direction: 'response', status: answer.status, canonical: answerCanonical, body: answer.body, signer: answerSigner, signature: answerSignature }]);
    } catch (error) {
      log.error({ err: error }, 'message log write failed');
      throw clientProxyError('LoggingFailed', 'The message could not be logged', requestId);
    }
    if (problem) throw problem;
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(answerHeaders)) if (name !== 'content-type' || answer.body.length > 0) out[name] = value;
    return reply.code(answer.status).headers(out).send(answer.body);
  }

  // X-Road's listClients: every member and subsystem of the instance, JSON or XML by Accept.
  app.get('/listClients', async (request, reply) => {
    try {
      const current = confOrFail('Server.ClientProxy');
      const instance = single((request.query as Record<string, string | string[]>).xRoadInstance) ?? INSTANCE;
      const list = instance !== INSTANCE ? [] : current.document.members.flatMap((m) => [
        { id: { member_class: m.memberClass, member_code: m.memberCode, object_type: 'MEMBER', xroad_instance: INSTANCE }, name: m.name },
        ...m.subsystems.map((s) => ({ id: { member_class: m.memberClass, member_code: m.memberCode, subsystem_code: s.code, object_type: 'SUBSYSTEM', xroad_instance: INSTANCE }, name: m.name })),
      ]);
      if (/application\/json/.test(request.headers.accept ?? '')) return reply.type('application/json;charset=utf-8').send({ member: list });
      const xml = list.map((c) => `<ns2:member><ns2:id ns1:objectType="${c.id.object_type}"><ns1:xRoadInstance>${esc(c.id.xroad_instance)}</ns1:xRoadInstance><ns1:memberClass>${esc(c.id.member_class)}</ns1:memberClass><ns1:memberCode>${esc(c.id.member_code)}</ns1:memberCode>${'subsystem_code' in c.id ? `<ns1:subsystemCode>${esc(c.id.subsystem_code as string)}</ns1:subsystemCode>` : ''}</ns2:id><ns2:name>${esc(c.name)}</ns2:name></ns2:member>`).join('');
      return reply.type('text/xml;charset=utf-8').send(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ns2:clientList xmlns:ns1="http://x-road.eu/xsd/identifiers" xmlns:ns2="http://x-road.eu/xsd/xroad.xsd">${xml}</ns2:clientList>`);
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get('/healthz', async () => ({ member, conf: conf.current ? (conf.current.expired() ? 'expired' : 'valid') : 'missing', logged: messageLog.lastSeq }));

  // ---- server side: other members' gateways ----
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'], url: '/transport/r1/*',
    handler: (request, reply) => serverProxy(request, reply),
  });

  async function serverProxy(request: FastifyRequest, reply: FastifyReply) {
    const requestId = single(request.headers['x-road-request-id']) ?? '';
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    let hash = '';
    let requestRecord: LogRecord | undefined;
    let base: Omit<LogRecord, 'side' | 'direction' | 'status' | 'canonical' | 'body' | 'signer' | 'signature'> | undefined;
    let client: ClientId | undefined;
    let target: ServiceRequestTarget | undefined;

    const answer = async (status: number, headers: Record<string, string>, payload: Buffer) => {
      const timestamp = Date.now();
      const signed = passedHeaders(headers as IncomingHttpHeaders, NOTHING);
      if (client && target) Object.assign(signed, { 'x-road-client': clientKey(client), 'x-road-service': serviceKey(target.service) });
      if (base) signed['x-road-id'] = base.messageId;
      Object.assign(signed, { 'x-road-request-id': requestId, 'x-road-request-hash': hash });
      signed['content-type'] ??= 'application/octet-stream';
      const canonical = canonicalResponse({ requestId, timestamp, status, requestHash: hash, headers: signed, body: payload });
      const signature = await signer.sign(digestOf(canonical));
      if (requestRecord && base) {
        try {
          await messageLog.append([requestRecord, { ...base, side: 'server', direction: 'response', status, canonical, body: payload, signer: credentials.fingerprint, signature }]);
        } catch (error) {
          log.error({ err: error }, 'message log write failed');
          requestRecord = undefined;
          const failure = serverProxyError('LoggingFailed', 'The message could not be logged', requestId);
          return answer(failure.status, { 'content-type': ERROR_CONTENT_TYPE, 'x-road-error': failure.type }, Buffer.from(failure.body()));
        }
      }
      return reply.code(status).headers({ ...signed, 'x-darcha-timestamp': String(timestamp), 'x-darcha-signer': credentials.fingerprint, 'x-darcha-signature': signature }).send(payload);
    };

    try {
      if (tls && !(request.raw.socket as TLSSocket).authorized) throw serverProxyError('InvalidMessage', 'The calling gateway did not present a certificate from the trusted CA');
      target = parseServiceUrl(request.url, '/transport/r1/');
      if (!target) throw serverProxyError('InvalidMessage', 'Malformed service identifier');
      client = parseClientId(single(request.headers['x-road-client']));
      if (!client) throw serverProxyError('InvalidClientIdentifier', 'The client identifier is missing or malformed');
      if (!/^[A-Za-z0-9-]{8,64}$/.test(requestId)) throw serverProxyError('InvalidMessage', 'The request id is missing or malformed');
      const current = confOrFail('Server.ServerProxy');
      const timestamp = Number(single(request.headers['x-darcha-timestamp']));
      const headers = passedHeaders(request.headers);
      const canonical = canonicalRequest({ requestId, timestamp, method: request.method, servicePath: pathOf(request.url).slice('/transport'.length), query: target.query, headers, body });
      hash = requestHash(canonical, body);

      const signerPrint = single(request.headers['x-darcha-signer']);
      const cert = peerKey(current, signerPrint, memberKey(client), 'Server.ServerProxy');
      if (tls) {
        const peer = (request.raw.socket as TLSSocket).getPeerCertificate();
        const peerPrint = peer?.raw ? derFingerprint(peer.raw) : undefined;
        if (!peerPrint || current.certificates.get(peerPrint)?.memberKey !== memberKey(client)) throw serverProxyError('InvalidMessage', 'The TLS certificate of the calling gateway is not the client member\'s');
      }
      if (!(Math.abs(Date.now() - timestamp) <= TIME_WINDOW_MS)) throw serverProxyError('InvalidMessage', `The message time is outside the accepted window of ${TIME_WINDOW_MS / 1000} s`, requestId);
      const signature = single(request.headers['x-darcha-signature']) ?? '';
      if (!verifier.verify(digestOf(canonical), signature, cert.publicKey, signerPrint!)) throw serverProxyError('InvalidSignatureValue', 'The request signature does not verify', requestId);
      if (replay.seen(requestId)) throw serverProxyError('InvalidMessage', `Message ${requestId} was already received (replay)`, requestId);
      replay.remember(requestId, timestamp);

      base = { requestId, messageId: headers['x-road-id'] ?? '', client: clientKey(client), service: serviceKey(target.service) };
      requestRecord = { ...base, side: 'server', direction: 'request', status: null, canonical, body, signer: signerPrint!, signature };
      void messageLog.rememberCertificate(cert.pem, signerPrint).catch(() => {});

      if (memberKey(target.service) !== member) throw serverProxyError('UnknownService', `Unknown service: ${serviceKey(target.service)} (not served by ${member})`, requestId);
      if (META_SERVICES.has(target.service.serviceCode) && target.path === '') {
        const meta = metaService(current, client, target);
        return answer(200, { 'content-type': 'application/json;charset=utf-8' }, Buffer.from(JSON.stringify(meta)));
      }
      const known = current.services.get(serviceKey(target.service));
      if (!known) throw serverProxyError('UnknownService', `Unknown service: ${serviceKey(target.service)}`, requestId);
      if (!current.allowed(clientKey(client), serviceKey(target.service))) throw serverProxyError('AccessDenied', `Request is not allowed: ${serviceKey(target.service)}`, requestId);
      const serviceUrl = options.serviceUrl?.();
      if (!serviceUrl) throw serverProxyError('ServiceMissingUrl', `No information system is configured for ${subsystemKey(target.service)}`, requestId);

      const { memberCode, subsystem, serviceCode } = target.service;
      let result: HttpAnswer;
      const abort = new AbortController();
      reply.raw.on('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
      try {
        result = await http.request(`${serviceUrl.replace(/\/$/, '')}/${encodeURIComponent(memberCode)}/${encodeURIComponent(subsystem)}/${encodeURIComponent(serviceCode)}${target.path}${target.query ? `?${target.query}` : ''}`, {
          method: request.method, body, timeoutMs: Math.max(100, options.timeoutMs - 500), signal: abort.signal,
          headers: { ...headers, 'x-road-request-id': requestId, ...(body.length ? { 'content-length': String(body.length) } : {}) },
        });
      } catch (error) {
        if (!(error instanceof HttpFailure)) throw error;
        throw error.kind === 'timeout'
          ? serverProxyError('ServiceFailed', `The information system did not answer in time: ${error.message}`, requestId)
          : serverProxyError('NetworkError', `The information system cannot be reached: ${error.message}`, requestId);
      }
      const out = passedHeaders(result.headers, SET_BY_GATEWAY);
      return answer(result.status, out, result.body);
    } catch (error) {
      const x = error instanceof XRoadError ? error : serverProxyError('InternalError', 'Internal error', requestId || undefined);
      if (!(error instanceof XRoadError)) log.error({ err: error }, 'gateway error');
      return answer(x.status, { 'content-type': ERROR_CONTENT_TYPE, 'x-road-error': x.type }, Buffer.from(x.body()));
    }
  }

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    member, server: app, messageLog, url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    async close() {
      const deadline = setTimeout(() => app.server.closeAllConnections(), 3000);
      await app.close();
      clearTimeout(deadline);
      http.close();
      await messageLog.close();
    },
  };
}

/** listMethods, allowedMethods and getOpenAPI, as X-Road's Service Metadata Protocol for REST defines them. */
function metaService(current: GlobalConf, client: ClientId, target: ServiceRequestTarget): unknown {
  const sub = current.subsystems.get(subsystemKey(target.service));
  if (!sub) throw serverProxyError('UnknownService', `Unknown service: ${serviceKey(target.service)}`);
  const { memberClass, memberCode, subsystem } = target.service;
  if (target.service.serviceCode === 'getOpenAPI') {
    const code = new URLSearchParams(target.query).get('serviceCode');
    if (!code) throw serverProxyError('InvalidRequest', 'The query must name the service: ?serviceCode=…');
    const service = sub.subsystem.services.find((s) => s.code === code);
    if (!service) throw serverProxyError('UnknownService', `Unknown service: ${subsystemKey(target.service)}/${code}`);
    return service.openapi;
  }
  const only = target.service.serviceCode === 'allowedMethods';
  const services = sub.subsystem.services.filter((s) => !only || current.allowed(clientKey(client), `${subsystemKey(target.service)}/${s.code}`));
  return {
    service: services.map((s) => ({
      member_class: memberClass, member_code: memberCode, object_type: 'SERVICE', service_code: s.code, service_type: 'OPENAPI',
      subsystem_code: subsystem, xroad_instance: INSTANCE, endpoint_list: endpoints(s),
    })),
  };
}

/** A service's endpoints from its OpenAPI, path parameters as '*' (as X-Road lists them). */
export function endpoints(service: ConfService): { method: string; path: string }[] {
  const paths = (service.openapi.paths ?? {}) as Record<string, Record<string, unknown>>;
  const list = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations)
    .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
    .map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '*') })));
  return list.length > 0 ? list : [{ method: service.method, path: service.path.replace(/\{[^}]+\}/g, '*') || '/' }];
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const pathOf = (url: string) => { const q = url.indexOf('?'); return q < 0 ? url : url.slice(0, q); };
const esc = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

