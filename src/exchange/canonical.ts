// What is signed. A request: its id and time, method, service path and query, every header
// passed on (X-Road-* and the caller's own), and the SHA-256 of the body; a response: the
// same for its status, headers and body, bound to its request by the request hash.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Headers never passed through a gateway (hop-by-hop, or naming a host), X-Road REST §4.3. */
const FILTERED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'user-agent', 'server', 'expect', 'content-length', 'date', 'accept-encoding', 'content-encoding',
]);
/** Set by the gateways themselves, whatever a caller or a registry sent. */
const GATEWAY_HEADERS = new Set(['x-road-request-hash', 'x-road-error', 'x-road-service', 'x-road-request-id']);

/**
 * The headers a gateway passes on, lower-case names with single values: hop-by-hop ones, the
 * gateways' own and the transport's (`x-darcha-*`) are dropped, repeated ones joined.
 */
export function passedHeaders(headers: IncomingHttpHeaders, drop: ReadonlySet<string> = GATEWAY_HEADERS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || FILTERED.has(name) || drop.has(name) || name.startsWith('x-darcha-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function headerBlock(headers: Record<string, string>): string {
  const names = Object.keys(headers).sort();
  return `${names.length}\n${names.map((n) => `${n}:${headers[n]!.trim()}`).join('\n')}`;
}

export const bodyHash = (body: Buffer) => createHash('sha256').update(body).digest('base64');

export interface RequestParts {
  requestId: string;
  timestamp: number;
  method: string;
  /** `/r1/DARCHA/GOV/…/service[/path]`, percent-encoded as sent. */
  servicePath: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export function canonicalRequest(r: RequestParts): string {
  return ['DARCHA-R1-REQUEST', r.requestId, String(r.timestamp), r.method.toUpperCase(), r.servicePath, r.query, headerBlock(r.headers), bodyHash(r.body)].join('\n');
}

/** X-Road-Request-Hash: base64 SHA-512(SHA-512(headers) + SHA-512(body)), or SHA-512(headers) alone without a body (PR-REST §4.3). */
export function requestHash(canonical: string, body: Buffer): string {
  const head = createHash('sha512').update(canonical).digest();
  if (body.length === 0) return head.toString('base64');
  return createHash('sha512').update(head).update(createHash('sha512').update(body).digest()).digest('base64');
}

export interface ResponseParts {
  requestId: string;
  timestamp: number;
  status: number;
  requestHash: string;
  headers: Record<string, string>;
  body: Buffer;
}

export function canonicalResponse(r: ResponseParts): string {
  return ['DARCHA-R1-RESPONSE', r.requestId, String(r.timestamp), String(r.status), r.requestHash, headerBlock(r.headers), bodyHash(r.body)].join('\n');
}
