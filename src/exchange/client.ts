// How the portal (or any member's system) calls a service through its own gateway:
// `call({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path, query, userId, timeoutMs })`
// answers the JSON, or a typed failure that the caller can explain to a person.
import { HttpClient, HttpFailure } from './http.js';
import { encodeId, INSTANCE, parseShortServiceId, serviceKey } from './ids.js';

export interface CallRequest {
  /** `CLASS/member/subsystem/service`, e.g. `GOV/tax-committee/soliq/taxpayer-debts`. */
  service: string;
  /** After the service code, e.g. `/31507901120014` (segments are encoded by the caller). */
  path?: string;
  query?: Record<string, string | number | undefined> | string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** X-Road-UserId: the person on whose behalf the call is made (X-Road advises a country prefix, e.g. `UZ31507901120014`). */
  userId?: string;
  /** X-Road-Issue: the application or case that caused the call. */
  issue?: string;
  /** X-Road-Represented-Party: `CLASS/code` of a party the client acts for. */
  representedParty?: string;
  /** X-Road-Id; made up by the gateway when absent. */
  messageId?: string;
  /** Total time to wait; 5 s unless told. */
  timeoutMs?: number;
}

export type CallFailure =
  /** A gateway or the registry cannot be reached (or the exchange has no valid configuration). */
  | 'down'
  /** No answer within the time. */
  | 'timeout'
  /** The client has no right to this service. */
  | 'denied'
  /** No such service or member in the exchange. */
  | 'unknown-service'
  /** The registry answered, with a 4xx/5xx of its own (e.g. 404: no such record). */
  | 'refused'
  /** The request was malformed, or the exchange refused it as such (signature, certificate…). */
  | 'invalid';

export type CallResult<T = unknown> =
  | { ok: true; status: number; data: T; messageId: string; requestId: string; requestHash: string }
  | { ok: false; error: CallFailure; message: string; status?: number; type?: string; data?: unknown };

export interface ExchangeClient {
  call<T = unknown>(request: CallRequest): Promise<CallResult<T>>;
  close(): void;
}

/** A client of one gateway for one client subsystem (`DARCHA/GOV/digital-technologies/portal`). */
export function createExchangeClient(options: { gatewayUrl: () => string | undefined; client: string; tls?: { key?: string; cert?: string; ca: string } }): ExchangeClient {
  const http = new HttpClient(options.tls);
  const ownMember = options.client.split('/').slice(0, 3).join('/');
  return {
    async call<T>(request: CallRequest): Promise<CallResult<T>> {
      const service = parseShortServiceId(request.service);
      if (!service) return { ok: false, error: 'invalid', message: `not a service id: ${request.service}` };
      const gateway = options.gatewayUrl();
      if (!gateway) return { ok: false, error: 'down', message: 'no gateway of this member is running' };
      const query = typeof request.query === 'string' ? request.query.replace(/^\?/, '')
        : new URLSearchParams(Object.entries(request.query ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
      const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
      const headers: Record<string, string> = {
        'x-road-client': options.client, accept: 'application/json',
        ...(request.userId ? { 'x-road-userid': request.userId } : {}),
        ...(request.issue ? { 'x-road-issue': request.issue } : {}),
        ...(request.representedParty ? { 'x-road-represented-party': request.representedParty } : {}),
        ...(request.messageId ? { 'x-road-id': request.messageId } : {}),
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
      };
      const url = `${gateway}/r1/${encodeId(serviceKey(service))}${request.path ?? ''}${query ? `?${query}` : ''}`;
      let answer;
      try {
        answer = await http.request(url, {
          method: request.method ?? 'GET', headers, body, timeoutMs: request.timeoutMs ?? 5000,
          // Over TLS the gateway is known by its member's certificate (from the CA), not by a host name.
          checkPeer: (cert) => (cert.subject?.serialNumber === ownMember ? undefined : new Error(`the gateway's certificate is not ${ownMember}'s`)),
        });
      } catch (error) {
        if (!(error instanceof HttpFailure)) throw error;
        return { ok: false, error: error.kind === 'network' ? 'down' : 'timeout', message: error.message };
      }
      const type = answer.headers['content-type'] ?? '';
      let data: unknown = answer.body.toString('utf8');
      if (/json/.test(String(type)) && answer.body.length > 0) {
        try { data = JSON.parse(data as string); } catch { /* not JSON after all: keep the text */ }
      }
      const xroadError = answer.headers['x-road-error'];
      if (xroadError) {
        const errorType = String(xroadError);
        const message = (data as { message?: string })?.message ?? errorType;
        return { ok: false, error: failureOf(errorType), status: answer.status, type: errorType, message };
      }
      if (answer.status < 200 || answer.status >= 300) return { ok: false, error: 'refused', status: answer.status, message: `the registry answered ${answer.status}`, data };
      return {
        ok: true, status: answer.status, data: data as T, messageId: String(answer.headers['x-road-id'] ?? ''),
        requestId: String(answer.headers['x-road-request-id'] ?? ''), requestHash: String(answer.headers['x-road-request-hash'] ?? ''),
      };
    },
    close: () => http.close(),
  };
}

function failureOf(type: string): CallFailure {
  const code = type.slice(type.lastIndexOf('.') + 1);
  if (code === 'AccessDenied') return 'denied';
  if (code === 'UnknownService' || code === 'UnknownMember') return 'unknown-service';
  if (code === 'ServiceFailed') return 'timeout';
  if (type.startsWith('Client.')) return 'invalid';
  if (['InvalidSignatureValue', 'IncorrectCertificate', 'CertValidation', 'InvalidMessage', 'InconsistentResponse', 'InvalidClientIdentifier', 'InvalidRequest'].includes(code)) return 'invalid';
  return 'down';
}

export { INSTANCE };
