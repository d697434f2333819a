// Prefill: what the state already knows is asked from its registries through the exchange,
// on behalf of the person (their PINFL as X-Road-UserId), and shown with its source.
import type { CallRequest, CallResult } from '../exchange/index.js';
import type { Locale } from '../platform/index.js';
import { answerOf, pointerGet, textOf, type Answers } from './answers.js';
import type { FormField, Prefill, PrefillEntry } from './forms.types.js';

/** The exchange as the forms need it: the portal's own client (`exchangeModule().call`). */
export interface PrefillExchange { call(request: CallRequest): Promise<CallResult> }

export interface PrefillContext {
  pinfl: string | null;
  stir: string | null;
  answers: Answers;
  locale: Locale;
  /** X-Road-Issue: the draft the call is made for. */
  issue: string;
}

interface Resolved { service: string; path: string; query: Record<string, string>; key: string; personal: boolean }

/** A failed fetch is tried again by itself after this long; sooner only when asked. */
export const RETRY_AFTER_MS = 2 * 60_000;

function token(value: string, ctx: PrefillContext): string | null | undefined {
  if (value === '$pinfl') return ctx.pinfl;
  if (value === '$stir') return ctx.stir;
  if (value.startsWith('$answers.')) {
    const answer = ctx.answers[value.slice('$answers.'.length)];
    return typeof answer === 'string' || typeof answer === 'number' ? String(answer) : null;
  }
  return undefined;
}

/** The request a prefill makes now, or null when something it needs is not known (no PINFL, no answer yet). */
export function resolve(p: Prefill, ctx: PrefillContext): Resolved | null {
  let missing = false;
  let personal = false;
  const sub = (value: string) => {
    const v = token(value, ctx);
    if (v === undefined) return value;
    if (value === '$pinfl') personal = true;
    if (v === null || v === '') { missing = true; return ''; }
    return v;
  };
  const path = (p.path ?? '').split('/').map((segment) => (segment ? encodeURIComponent(sub(segment)) : segment)).join('/');
  const query = Object.fromEntries(Object.entries(p.query ?? {}).map(([k, v]) => [k, sub(v)]));
  if (missing) return null;
  const key = `${p.service}${path}?${new URLSearchParams(query).toString()}`;
  return { service: p.service, path, query, key, personal };
}

/**
 * Whether a field's prefill must be asked (again): never asked, asked with other
 * answers than now, or failed a while ago (or at all, when `retry`).
 */
export function needsFetch(field: FormField, entry: PrefillEntry | undefined, ctx: PrefillContext, retry: boolean, now = Date.now()): boolean {
  if (!field.prefill) return false;
  const request = resolve(field.prefill, ctx);
  if (!entry) return true;
  if (!request) return entry.status !== 'unavailable';
  if (entry.key !== request.key) return true;
  return entry.status === 'failed' && (retry || now - Date.parse(entry.at) > RETRY_AFTER_MS);
}

/** What came back for each field, and which calls read the person's own data (for their data tracker). */
export interface Fetched { entries: Record<string, PrefillEntry>; personal: { service: string; fields: string[] }[] }

/**
 * Asks the registries for the fields' values, one call per distinct request, all at once,
 * each within `timeoutMs`. Never throws for a registry's failure: the entry says it.
 */
export async function fetchPrefills(exchange: PrefillExchange | undefined, fields: FormField[], ctx: PrefillContext, timeoutMs: number): Promise<Fetched> {
  const at = new Date().toISOString();
  const entries: Record<string, PrefillEntry> = {};
  const calls = new Map<string, { request: Resolved; fields: FormField[] }>();
  for (const field of fields) {
    const p = field.prefill!;
    const request = resolve(p, ctx);
    if (!request) { entries[field.name] = { status: 'unavailable', source: p.service, at, key: '' }; continue; }
    if (!exchange) { entries[field.name] = { status: 'failed', source: p.service, at, key: request.key, reason: 'down' }; continue; }
    const call = calls.get(request.key) ?? { request, fields: [] };
    call.fields.push(field);
    calls.set(request.key, call);
  }
  const personal: Fetched['personal'] = [];
  await Promise.all([...calls.values()].map(async ({ request, fields: asked }) => {
    let result: CallResult;
    try {
      result = await exchange!.call({
        service: request.service, path: request.path, query: request.query, timeoutMs, issue: ctx.issue,
        // X-Road advises a country prefix on the user id.
        ...(ctx.pinfl ? { userId: `UZ${ctx.pinfl}` } : {}),
      });
    } catch (error) {
      result = { ok: false, error: 'down', message: (error as Error).message };
    }
    for (const field of asked) entries[field.name] = entryOf(field, field.prefill!, result, request.key, at, ctx.locale);
    if (result.ok && request.personal) personal.push({ service: request.service, fields: asked.map((f) => f.name) });
  }));
  return { entries, personal };
}

function entryOf(field: FormField, p: Prefill, result: CallResult, key: string, at: string, locale: Locale): PrefillEntry {
  const base = { source: p.service, at, key };
  if (!result.ok) {
    // The registry knows no such record: nothing to fill, and nothing to try again.
    if (result.error === 'refused' && result.status === 404) return { ...base, status: 'empty' };
    return { ...base, status: 'failed', reason: result.error };
  }
  const found = pointerGet(result.data, p.pointer);
  if (p.list) {
    const options = (Array.isArray(found) ? found : []).map((item) => ({
      value: String(answerOf(pointerGet(item, p.list!.value), locale) ?? ''),
      label: p.list!.label.map((l) => textOf(pointerGet(item, l), locale)).filter(Boolean).join(' '),
    })).filter((o) => o.value !== '').slice(0, 200);
    return options.length > 0 ? { ...base, status: 'ok', options } : { ...base, status: 'empty' };
  }
  const value = answerOf(found, locale);
  if (value === undefined || value === null || value === '') return { ...base, status: 'empty' };
  const fitted = field.widget === 'number' ? (typeof value === 'number' ? value : Number.isFinite(Number(value)) ? Number(value) : undefined)
    : field.widget === 'checkbox' ? (typeof value === 'boolean' ? value : undefined)
    : String(value);
  if (fitted === undefined) return { ...base, status: 'empty' };
  const display = p.display ? pointerGet(result.data, p.display) : undefined;
  return { ...base, status: 'ok', value: fitted, ...(display !== undefined ? { display } : {}) };
}

/** The exchange member a service belongs to (`GOV/<member>/…`): names the source to the person. */
export const memberOf = (service: string) => service.split('/')[1] ?? '';
