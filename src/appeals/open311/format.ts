// GeoReport v2 answers in its two formats. XML is the spec's required one: a root element,
// one child per item, arrays as a plural element around singular ones (`<formats><format>`);
// JSON carries the same values with the same names.

export type Format = 'json' | 'xml';
export const FORMATS: readonly Format[] = ['json', 'xml'];

export const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** A value the spec puts in an element: omitted when undefined, empty when null. */
export type Value = string | number | boolean | null | undefined | Value[] | { [name: string]: Value };

/** The element name of one item of an array field. */
const SINGULAR: Record<string, string> = { endpoints: 'endpoint', formats: 'format', attributes: 'attribute', values: 'value' };

// XML 1.0 has no way to carry most control characters or a lone surrogate, escaped or not.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data or attribute value: markup escaped, characters XML cannot hold replaced by U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function element(name: string, value: Value): string {
  if (value === undefined) return '';
  if (value === null || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = SINGULAR[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A list answer: `<root><item>…</item>…</root>` or a JSON array. */
export function renderList(format: Format, root: string, item: string, items: Record<string, Value>[]): string {
  if (format === 'json') return JSON.stringify(items);
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${items.map((i) => element(item, i)).join('')}</${root}>\n`;
}

/** One object answer: `<root>…</root>` or a JSON object. */
export function renderObject(format: Format, root: string, value: Record<string, Value>): string {
  if (format === 'json') return JSON.stringify(value);
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

/** The spec's error list: `[{code, description}]` or `<errors><error><code/><description/></error></errors>`. */
export function renderErrors(format: Format, status: number, descriptions: string[]): string {
  return renderList(format, 'errors', 'error', descriptions.map((description) => ({ code: status, description })));
}

/** `services/abc.json` → { name: 'abc', format: 'json' }; undefined for an unknown extension. */
export function splitFormat(file: string): { name: string; format: Format } | undefined {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const format = file.slice(dot + 1).toLowerCase();
  return (FORMATS as readonly string[]).includes(format) ? { name: file.slice(0, dot), format: format as Format } : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A w3c date-time in Uzbekistan's time (UTC+5 all year, no daylight saving), as the spec
 * wants it: with the offset, to the second.
 */
export function w3cDate(date: Date): string {
  const local = new Date(date.getTime() + 5 * 3600_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+05:00`;
}

const W3C = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Reads a w3c date or date-time. A bare date is that day in Uzbekistan; with `endOfDay` it
 * means the end of that day, so `end_date=2026-11-23` includes the 23rd. A `+` that arrived
 * unencoded in a query string (read as a space) is taken for the `+` it was.
 */
export function parseW3cDate(text: string, endOfDay = false): Date | undefined {
  const m = W3C.exec(text.trim().replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo), day = Number(d), hour = Number(h ?? 0), minute = Number(mi ?? 0), second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = !zone ? 5 * 60 : zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second, frac ? Math.round(Number(frac) * 1000) : 0) - offset * 60_000;
  const date = new Date(utc + (endOfDay && !h ? 86_400_000 - 1 : 0));
  // 2026-02-31 rolls over in Date.UTC; such a date is not a date.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  return date;
}
