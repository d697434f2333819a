// A local stand-in of the payment processors, Payme and Click, for the demo and the tests.
// Its checkout pages take the addresses the real ones do (Payme: `/<base64 of m=…;ac.…;a=…;c=…;l=…>`,
// Click: `/services/pay?service_id&merchant_id&amount&transaction_param&return_url`), show the
// amount with Pay and Cancel, and on Pay call our merchant endpoints exactly as the processor
// would (Payme: CheckPerformTransaction → CreateTransaction → PerformTransaction with Basic
// `Paycom:<key>`; Click: Prepare → Complete, signed), then send the browser back. Every call is
// recorded and can be replayed byte for byte, and tests can make any call directly, so that
// retries, duplicates and odd orderings are easy to produce. Never started in production.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply } from 'fastify';
import { isLocale, t, type Locale } from '../platform/index.js';
import { clickSign, tiyinToSom, type ClickAnswer, type ClickCredentials } from './click.merchant.js';
import { paymeAuthorization, PAYME_ACCOUNT_FIELD, type PaymeAnswer } from './payme.merchant.js';

export interface ProcessorStandinOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Our portal's base URL: the merchant endpoints are under it, and it is the only place the browser is sent back to. */
  merchantUrl: string;
  payme: { merchantId: string; key: string };
  click: ClickCredentials;
}

/** One call the stand-in made to the merchant, as sent and as answered. */
export interface StandinCall {
  n: number;
  provider: 'payme' | 'click';
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  answer: unknown;
}

export interface ProcessorStandin {
  /** Base address, no trailing slash: the checkout of both processors. */
  url: string;
  close(): Promise<void>;
  /** A Payme Merchant API call, authorized with our key unless another is given. */
  payme(method: string, params: Record<string, unknown>, options?: { key?: string; id?: number }): Promise<PaymeAnswer>;
  /** Click's Prepare or Complete, signed with our secret unless another is given; `action` and `error` filled in. */
  click(step: 'prepare' | 'complete', fields: Record<string, string>, options?: { secretKey?: string }): Promise<ClickAnswer>;
  /** What Payme does when the payer presses Pay. */
  payWithPayme(invoiceId: string, amountTiyin: number, options?: { id?: string; time?: number }): Promise<{ ok: boolean; id: string; answers: PaymeAnswer[] }>;
  /** What Click does when the payer presses Pay. */
  payWithClick(invoiceId: string, amountTiyin: number): Promise<{ ok: boolean; clickTransId: string; answers: ClickAnswer[] }>;
  /** Payme returning a performed payment: CancelTransaction with reason 5. */
  refundPayme(paymeId: string, reason?: number): Promise<PaymeAnswer>;
  /** Sends recorded call `n` again, exactly as it was. */
  replay(n: number): Promise<StandinCall>;
  calls(): StandinCall[];
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Click's sign_time: `YYYY-MM-DD HH:mm:ss`, Tashkent time. */
function signTime(at = new Date()): string {
  return new Date(at.getTime() + 5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

let clickCounter = 0;
const clickId = () => String(Date.now() * 100 + (clickCounter++ % 100));

export async function startProcessorStandin(options: ProcessorStandinOptions): Promise<ProcessorStandin> {
  const merchant = new URL(options.merchantUrl);
  const calls: StandinCall[] = [];

  async function send(call: Omit<StandinCall, 'n' | 'status' | 'answer'>): Promise<StandinCall> {
    const response = await fetch(call.url, { method: 'POST', headers: call.headers, body: call.body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let answer: unknown = text;
    try { answer = JSON.parse(text); } catch { /* kept as text */ }
    const done: StandinCall = { ...call, n: calls.length + 1, status: response.status, answer };
    calls.push(done);
    return done;
  }

  let rpcId = 1;
  const payme = async (method: string, params: Record<string, unknown>, opts: { key?: string; id?: number } = {}): Promise<PaymeAnswer> => {
    const call = await send({
      provider: 'payme', method, url: new URL('/payments/payme', merchant).toString(),
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: paymeAuthorization(opts.key ?? options.payme.key) },
      body: JSON.stringify({ jsonrpc: '2.0', id: opts.id ?? rpcId++, method, params }),
    });
    return call.answer as PaymeAnswer;
  };

  const click = async (step: 'prepare' | 'complete', fields: Record<string, string>, opts: { secretKey?: string } = {}): Promise<ClickAnswer> => {
    const f: Record<string, string> = {
      service_id: options.click.serviceId, click_paydoc_id: clickId(), error: '0', error_note: 'Success', sign_time: signTime(),
      ...fields, action: fields.action ?? (step === 'prepare' ? '0' : '1'),
    };
    f.sign_string ??= clickSign(opts.secretKey ?? options.click.secretKey, {
      click_trans_id: f.click_trans_id ?? '', service_id: f.service_id!, merchant_trans_id: f.merchant_trans_id ?? '',
      merchant_prepare_id: step === 'complete' ? f.merchant_prepare_id ?? '' : undefined, amount: f.amount ?? '', action: f.action!, sign_time: f.sign_time!,
    });
    const call = await send({
      provider: 'click', method: step, url: new URL(`/payments/click/${step}`, merchant).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString(),
    });
    return call.answer as ClickAnswer;
  };

  async function payWithPayme(invoiceId: string, amountTiyin: number, opts: { id?: string; time?: number } = {}) {
    const id = opts.id ?? randomBytes(12).toString('hex');
    const account = { [PAYME_ACCOUNT_FIELD]: invoiceId };
    const answers: PaymeAnswer[] = [await payme('CheckPerformTransaction', { amount: amountTiyin, account })];
    if ('error' in answers[0]!) return { ok: false, id, answers };
    answers.push(await payme('CreateTransaction', { id, time: opts.time ?? Date.now(), amount: amountTiyin, account }));
    if ('error' in answers[1]!) return { ok: false, id, answers };
    answers.push(await payme('PerformTransaction', { id }));
    // The card was debited but the merchant refused: Payme takes the transaction back.
    if ('error' in answers[2]!) answers.push(await payme('CancelTransaction', { id, reason: 3 }));
    return { ok: answers.length === 3, id, answers };
  }

  async function payWithClick(invoiceId: string, amountTiyin: number) {
    const clickTransId = clickId();
    const base = { click_trans_id: clickTransId, merchant_trans_id: invoiceId, amount: tiyinToSom(amountTiyin), click_paydoc_id: clickId() };
    const prepared = await click('prepare', base);
    if (prepared.error !== 0) return { ok: false, clickTransId, answers: [prepared] };
    const completed = await click('complete', { ...base, merchant_prepare_id: String(prepared.merchant_prepare_id) });
    return { ok: completed.error === 0, clickTransId, answers: [prepared, completed] };
  }

  // The browser goes back to the merchant only: a checkout link cannot be made to send it elsewhere.
  const backTo = (url: string | undefined): URL | undefined => {
    try {
      const target = new URL(url ?? '');
      return target.origin === merchant.origin ? target : undefined;
    } catch { return undefined; }
  };
  const localeOf = (back: URL | undefined, fallback?: string): Locale => {
    const prefix = back?.pathname.split('/')[1];
    if (isLocale(prefix)) return prefix;
    return isLocale(fallback) ? fallback : 'uz';
  };

  function page(reply: FastifyReply, l: Locale, status: number, title: string, body: string) {
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(`<!doctype html>
<html lang="${l === 'oz' ? 'uz-Cyrl' : l === 'uz' ? 'uz-Latn' : l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.amount{font-size:2rem;font-weight:700}.note{color:#555}.error{border-left:6px solid #b00020;padding:.5rem 1rem;background:#fdecee}
form{display:inline-block;margin:1rem 1rem 0 0}button{font:inherit;padding:.6rem 1.4rem;border-radius:6px;border:2px solid #0b5fff;background:#0b5fff;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5fff}</style></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
  }

  function checkoutPage(reply: FastifyReply, l: Locale, provider: 'payme' | 'click', fields: Record<string, string>, amountTiyin: number, invoiceId: string) {
    const hidden = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
    const som = t(l, 'money.sum', { amount: amountTiyin / 100 });
    return page(reply, l, 200, t(l, `payments.standin.title-${provider}`), `
<p class="note">${escape(t(l, 'payments.standin.lead'))}</p>
<p>${escape(t(l, 'payments.standin.amount'))}</p><p class="amount">${escape(som)}</p>
<p>${escape(t(l, 'payments.standin.invoice', { id: invoiceId }))}</p>
<form method="post" action="/${provider}/pay">${hidden}<button type="submit">${escape(t(l, 'payments.standin.pay'))}</button></form>
<form method="post" action="/${provider}/cancel">${hidden}<button type="submit" class="secondary">${escape(t(l, 'payments.standin.cancel'))}</button></form>`);
  }

  function failedPage(reply: FastifyReply, l: Locale, provider: 'payme' | 'click', message: string, back: URL | undefined) {
    return page(reply, l, 200, t(l, `payments.standin.title-${provider}`), `
<div class="error" role="alert"><h2>${escape(t(l, 'payments.standin.failed'))}</h2><p>${escape(t(l, 'payments.standin.said', { message }))}</p></div>
${back ? `<p><a href="${escape(back.toString())}">${escape(t(l, 'payments.standin.back'))}</a></p>` : ''}`);
  }

  const refused = (reply: FastifyReply, l: Locale, provider: 'payme' | 'click') =>
    page(reply, l, 400, t(l, `payments.standin.title-${provider}`), `<div class="error" role="alert"><p>${escape(t(l, 'payments.standin.refused'))}</p></div>`);

  // Payme's checkout carries its order in the path, base64: longer than Fastify's default parameter.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 4000 } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? 400 : 502;
    return reply.code(status).send({ error: status === 400 ? 'bad request' : 'the merchant did not answer' });
  });
  const fields = (body: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    return out;
  };

  // Payme: the checkout's GET form, `m=…;ac.invoice=…;a=…;c=…;l=…` in base64.
  const paymeOrder = (encoded: string | undefined) => {
    if (!encoded || encoded.length > 4000 || !/^[A-Za-z0-9+/=_-]+$/.test(encoded)) return undefined;
    const params = new Map<string, string>();
    for (const part of Buffer.from(encoded, 'base64').toString('utf8').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const amount = Number(params.get('a'));
    const invoice = params.get(`ac.${PAYME_ACCOUNT_FIELD}`);
    if (params.get('m') !== options.payme.merchantId || !invoice || !Number.isSafeInteger(amount) || amount <= 0) return undefined;
    return { invoice, amount, back: backTo(params.get('c')), lang: params.get('l') };
  };

  app.get<{ Params: { order: string } }>('/:order', async (request, reply) => {
    const order = paymeOrder(request.params.order);
    if (!order?.back) return refused(reply, localeOf(order?.back, order?.lang), 'payme');
    return checkoutPage(reply, localeOf(order.back, order.lang), 'payme', { order: request.params.order }, order.amount, order.invoice);
  });
  app.post('/payme/pay', async (request, reply) => {
    const order = paymeOrder(fields(request.body).order);
    if (!order?.back) return refused(reply, localeOf(order?.back, order?.lang), 'payme');
    const l = localeOf(order.back, order.lang);
    const result = await payWithPayme(order.invoice, order.amount);
    if (!result.ok) {
      const error = result.answers.map((a) => ('error' in a ? a.error : undefined)).find(Boolean)!;
      const message = l === 'ru' ? error.message.ru : l === 'en' ? error.message.en : error.message.uz;
      return failedPage(reply, l, 'payme', `${message} (${error.code})`, order.back);
    }
    return reply.redirect(order.back.toString(), 303);
  });
  app.post('/payme/cancel', async (request, reply) => {
    const order = paymeOrder(fields(request.body).order);
    if (!order?.back) return refused(reply, localeOf(order?.back, order?.lang), 'payme');
    return reply.redirect(order.back.toString(), 303);
  });

  // Click: its pay page's query.
  const clickOrder = (q: Record<string, string>) => {
    const match = /^(\d{1,13})\.(\d{2})$/.exec(q.amount ?? '');
    if (q.service_id !== options.click.serviceId || q.merchant_id !== options.click.merchantId || !match || !q.transaction_param) return undefined;
    return { invoice: q.transaction_param, amount: Number(match[1]) * 100 + Number(match[2]), back: backTo(q.return_url) };
  };
  const CLICK_QUERY = ['service_id', 'merchant_id', 'amount', 'transaction_param', 'return_url'];
  app.get('/services/pay', async (request, reply) => {
    const q = fields(request.query);
    const order = clickOrder(q);
    if (!order?.back) return refused(reply, localeOf(order?.back, undefined), 'click');
    return checkoutPage(reply, localeOf(order.back), 'click', Object.fromEntries(CLICK_QUERY.map((k) => [k, q[k]!])), order.amount, order.invoice);
  });
  app.post('/click/pay', async (request, reply) => {
    const order = clickOrder(fields(request.body));
    if (!order?.back) return refused(reply, 'uz', 'click');
    const l = localeOf(order.back);
    const result = await payWithClick(order.invoice, order.amount);
    if (!result.ok) {
      const last = result.answers.at(-1)!;
      return failedPage(reply, l, 'click', `${last.error_note} (${last.error})`, order.back);
    }
    const back = new URL(order.back);
    back.searchParams.set('payment_id', result.clickTransId);
    back.searchParams.set('payment_status', '2');
    return reply.redirect(back.toString(), 303);
  });
  app.post('/click/cancel', async (request, reply) => {
    const order = clickOrder(fields(request.body));
    if (!order?.back) return refused(reply, 'uz', 'click');
    return reply.redirect(order.back.toString(), 303);
  });

  // For tests and demos: what was sent, sending it again, and calls made by hand.
  app.get('/standin/calls', async () => calls);
  app.post<{ Params: { n: string } }>('/standin/calls/:n/replay', async (request, reply) => {
    const n = Number(request.params.n);
    if (!calls[n - 1]) return reply.code(404).send({ error: 'no such call' });
    return replay(n);
  });
  app.post<{ Body: { method?: string; params?: Record<string, unknown>; key?: string } }>('/standin/payme', async (request) =>
    payme(String(request.body?.method ?? ''), request.body?.params ?? {}, { key: request.body?.key }));
  app.post<{ Params: { step: string } }>('/standin/click/:step', async (request, reply) => {
    const step = request.params.step;
    if (step !== 'prepare' && step !== 'complete') return reply.code(404).send({ error: 'prepare or complete' });
    return click(step, fields(request.body));
  });
  app.post<{ Body: { id?: string; reason?: number } }>('/standin/payme/refund', async (request, reply) => {
    const answer = await refundPayme(String(request.body?.id ?? ''), request.body?.reason);
    return reply.code('error' in answer ? 409 : 200).send(answer);
  });

  async function replay(n: number): Promise<StandinCall> {
    const { provider, method, url, headers, body } = calls[n - 1]!;
    return send({ provider, method, url, headers, body });
  }
  const refundPayme = (paymeId: string, reason = 5) => payme('CancelTransaction', { id: paymeId, reason });

  const url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url, close: () => app.close(), payme, click, payWithPayme, payWithClick, refundPayme, replay, calls: () => [...calls],
  };
}
