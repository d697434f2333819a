// X-Road identifiers: `INSTANCE/CLASS/MEMBER[/SUBSYSTEM]` for clients and
// `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE` for services, each part percent-encoded UTF-8.

/** The one instance of this exchange. */
export const INSTANCE = 'DARCHA';

/** A part of an identifier: short, printable, no separators (stricter than X-Road, on purpose). */
const PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export interface MemberId { instance: string; memberClass: string; memberCode: string }
export interface ClientId extends MemberId { subsystem?: string }
export interface ServiceId extends MemberId { subsystem: string; serviceCode: string }

export const memberKey = (id: MemberId) => `${id.instance}/${id.memberClass}/${id.memberCode}`;
export const clientKey = (id: ClientId) => (id.subsystem ? `${memberKey(id)}/${id.subsystem}` : memberKey(id));
export const serviceKey = (id: ServiceId) => `${memberKey(id)}/${id.subsystem}/${id.serviceCode}`;
export const subsystemKey = (id: ServiceId | (MemberId & { subsystem: string })) => `${memberKey(id)}/${id.subsystem}`;

function decodeParts(text: string): string[] | undefined {
  try {
    const parts = text.split('/').map(decodeURIComponent);
    return parts.every((p) => PART.test(p)) ? parts : undefined;
  } catch {
    return undefined;
  }
}

/** `DARCHA/GOV/x[/sub]` as the X-Road-Client header carries it; undefined when malformed. */
export function parseClientId(text: string | undefined): ClientId | undefined {
  if (!text || text.length > 300) return undefined;
  const parts = decodeParts(text.trim());
  if (!parts || parts.length < 3 || parts.length > 4) return undefined;
  const [instance, memberClass, memberCode, subsystem] = parts as [string, string, string, string?];
  return { instance, memberClass, memberCode, ...(subsystem ? { subsystem } : {}) };
}

export interface ServiceRequestTarget {
  service: ServiceId;
  /** What follows the service code, still percent-encoded as it came ('' or starting with '/'). */
  path: string;
  /** The raw query string without '?', passed on unchanged. */
  query: string;
}

/**
 * Splits `/r1/{instance}/{class}/{member}/{subsystem}/{service}[/path][?query]`. The path
 * after the service is kept as sent, but may not climb out of the service (`..`) nor carry
 * encoded slashes or backslashes that a registry might read differently (SSRF, X-Road §4.2).
 */
export function parseServiceUrl(url: string, prefix = '/r1/'): ServiceRequestTarget | undefined {
  if (url.length > 2000 || !url.startsWith(prefix)) return undefined;
  const q = url.indexOf('?');
  const pathPart = q < 0 ? url.slice(prefix.length) : url.slice(prefix.length, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const segments = pathPart.split('/');
  if (segments.length < 5) return undefined;
  const parts = decodeParts(segments.slice(0, 5).join('/'));
  if (!parts) return undefined;
  const rest = segments.slice(5);
  const path = rest.length ? `/${rest.join('/')}` : '';
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/.test(path) || /%2f|%5c|%00/i.test(path)) return undefined;
  if (rest.some((s) => { try { const d = decodeURIComponent(s); return d === '.' || d === '..'; } catch { return true; } })) return undefined;
  if (/[#\s]/.test(query)) return undefined;
  const [instance, memberClass, memberCode, subsystem, serviceCode] = parts as [string, string, string, string, string];
  return { service: { instance, memberClass, memberCode, subsystem, serviceCode }, path, query };
}

/** `GOV/tax-committee/soliq/taxpayer-debts` (without the instance) to a service id. */
export function parseShortServiceId(text: string): ServiceId | undefined {
  const parts = decodeParts(text);
  if (!parts || parts.length !== 4) return undefined;
  const [memberClass, memberCode, subsystem, serviceCode] = parts as [string, string, string, string];
  return { instance: INSTANCE, memberClass, memberCode, subsystem, serviceCode };
}

export const encodeId = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** A schema name for a member's gateway: `gw_` and the code with anything else than [a-z0-9] as `_`. */
export function gatewaySchema(memberCode: string): string {
  return `gw_${memberCode.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 63);
}
