// The payer's pages: who may see them, the discount shown, the choice of processor, the
// checkout through the stand-in over HTTP, and the receipt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS } from '../identity/index.js';
import { csrfFor, signIn } from '../testing.js';
import { BARAKA, CITIZEN, startPaymentsApp, testInvoice, type PaymentsTestApp } from './payments.testing.js';

let app: PaymentsTestApp;
before(async () => { app = await startPaymentsApp(); });
after(() => app?.close());

const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;
const get = (url: string, cookie?: string) => app.server.inject({ url, headers: cookie ? { cookie } : {} });

async function post(url: string, cookie: string, fields: Record<string, string>) {
  const csrf = await csrfFor(app, url, cookie);
  return app.server.inject({
    method: 'POST', url, headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf.token, ...fields }).toString(),
  });
}

test('the payer sees the amount with the online discount, the full fee struck through; the page is not cached', async () => {
  const { invoiceId } = await testInvoice(app);
  const cookie = await signIn(app, CITIZEN.id);
  const page = await get(`/en/pay/${invoiceId}`, cookie);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-store');
  // The choice is answered with a redirect to the checkout, which form-action must allow; nothing else is loosened.
  assert.match(String(page.headers['content-security-policy']), new RegExp(`form-action 'self' ${app.standin.url};`));
  assert.match(String((await get('/en/cabinet', cookie)).headers['content-security-policy']), /form-action 'self';/);
  assert.match(page.body, /<s class="price-full"><span class="visually-hidden">Full fee: <\/span>412,000 soʻm<\/s>/);
  assert.match(page.body, /<strong class="price-online">370,800 soʻm<\/strong>/);
  assert.match(page.body, /Online discount 10%: you save 41,200 soʻm/);
  assert.match(page.body, /State fee/);
  assert.match(page.body, /Awaiting payment/);
  assert.match(page.body, /value="payme"/);
  assert.match(page.body, /value="click"/);
  const ru = await get(`/ru/pay/${invoiceId}`, cookie);
  assert.match(ru.body, /<h1>Оплата пошлины<\/h1>/);
  assert.match(ru.body, /Госпошлина/);
  const kaa = await get(`/kaa/pay/${invoiceId}`, cookie);
  assert.match(kaa.body, /<h1>Bajdı tólew<\/h1>/);
});

test('no one else sees the invoice: another person gets 404, as for an invoice that does not exist; no session goes to sign-in', async () => {
  const { invoiceId } = await testInvoice(app);
  const stranger = await signIn(app, account('foreigner').id);
  assert.equal((await get(`/en/pay/${invoiceId}`, stranger)).statusCode, 404);
  assert.equal((await get(`/en/pay/${invoiceId}/receipt`, stranger)).statusCode, 404);
  const forged = await post(`/en/pay/${invoiceId}`, await signIn(app, CITIZEN.id), { provider: 'payme' });
  assert.equal(forged.statusCode, 303, 'the payer may');
  const csrf = await csrfFor(app, '/en/cabinet', stranger);
  const refused = await app.server.inject({
    method: 'POST', url: `/en/pay/${invoiceId}`, headers: { cookie: `${stranger}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(csrf.token)}&provider=payme`,
  });
  assert.equal(refused.statusCode, 404);
  assert.equal((await get('/en/pay/00000000-0000-4000-8000-000000000000', stranger)).statusCode, 404);
  assert.equal((await get('/en/pay/x', stranger)).statusCode, 404);
  assert.equal((await get("/en/pay/1'%20or%201=1", stranger)).statusCode, 404);
  const anonymous = await get(`/en/pay/${invoiceId}`);
  assert.equal(anonymous.statusCode, 303);
  assert.match(String(anonymous.headers.location), /signin\?next=/);
});

test("a business's invoice: its director and its representative, acting for it, may see it; not the director acting for no one", async () => {
  const { invoiceId } = await testInvoice(app, { payerPersonId: account('citizen').id, businessId: BARAKA, serviceId: 'trade-licence' });
  assert.equal((await get(`/en/pay/${invoiceId}`, await signIn(app, account('director').id, { actingFor: BARAKA }))).statusCode, 200);
  assert.equal((await get(`/en/pay/${invoiceId}`, await signIn(app, account('representative').id, { actingFor: BARAKA }))).statusCode, 200);
  assert.equal((await get(`/en/pay/${invoiceId}`, await signIn(app, account('director').id))).statusCode, 404);
  assert.equal((await get(`/en/pay/${invoiceId}`, await signIn(app, account('officer').id))).statusCode, 404);
});

test('choosing a processor: none or a hostile value is a 400 with the message by the field and in the summary; a choice goes to its checkout', async () => {
  const invoice = await testInvoice(app);
  const cookie = await signIn(app, CITIZEN.id);
  const url = `/en/pay/${invoice.invoiceId}`;
  for (const fields of [{}, { provider: 'paypal' }, { provider: '<script>alert(1)</script>' }, { provider: 'x'.repeat(10_000) }] as Record<string, string>[]) {
    const page = await post(url, cookie, fields);
    assert.equal(page.statusCode, 400, JSON.stringify(fields).slice(0, 50));
    assert.match(page.body, /class="error-summary"[\s\S]*Choose Payme or Click/);
    assert.match(page.body, /id="provider-error">Choose Payme or Click/);
    assert.doesNotMatch(page.body, /<script>alert/);
  }
  const payme = await post(url, cookie, { provider: 'payme' });
  assert.equal(payme.statusCode, 303);
  const location = new URL(String(payme.headers.location));
  assert.equal(location.origin, app.standin.url);
  const params = Buffer.from(location.pathname.slice(1), 'base64').toString();
  assert.equal(params, `m=${app.payments.channel!.settings.payme.merchantId};ac.invoice=${invoice.invoiceId};a=${invoice.amountTiyin};c=${app.url}/en/cabinet/applications/${invoice.subject};l=en`);

  const click = await post(url, cookie, { provider: 'click' });
  const clickUrl = new URL(String(click.headers.location));
  assert.equal(clickUrl.pathname, '/services/pay');
  assert.equal(clickUrl.searchParams.get('amount'), '370800.00');
  assert.equal(clickUrl.searchParams.get('transaction_param'), invoice.invoiceId);
  assert.equal(clickUrl.searchParams.get('service_id'), app.payments.channel!.settings.click.serviceId);
  assert.equal(clickUrl.searchParams.get('return_url'), `${app.url}/en/cabinet/applications/${invoice.subject}`);
  assert.equal((await get(`${url}/receipt`, cookie)).statusCode, 404, 'no receipt before payment');
});

test('through the stand-in checkout over HTTP: Pay sends the browser back, the invoice is paid and the receipt shows', async () => {
  for (const provider of ['payme', 'click'] as const) {
    const invoice = await testInvoice(app);
    const cookie = await signIn(app, CITIZEN.id);
    const checkout = String((await post(`/ru/pay/${invoice.invoiceId}`, cookie, { provider })).headers.location);
    const page = await fetch(checkout);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /370\s800 сўм|370\s800/, 'the checkout shows the amount');
    assert.match(html, /Оплатить/);
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html)!;
    const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const paid = await fetch(new URL(form[1]!, app.standin.url), { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    assert.equal(paid.status, 303);
    assert.ok(String(paid.headers.get('location')).startsWith(`${app.url}/ru/cabinet/applications/${invoice.subject}`));
    assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'paid');

    const payPage = await get(`/ru/pay/${invoice.invoiceId}`, cookie);
    assert.match(payPage.body, /Оплачено/);
    assert.doesNotMatch(payPage.body, /name="provider"/, 'no second payment offered');
    const csrf = await csrfFor(app, '/en/cabinet', cookie);
    const again = await app.server.inject({
      method: 'POST', url: `/ru/pay/${invoice.invoiceId}`, headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf.token)}&provider=${provider}`,
    });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `/ru/pay/${invoice.invoiceId}`, 'a paid invoice is not sent to checkout again');
    const receipt = await get(`/en/pay/${invoice.invoiceId}/receipt`, cookie);
    assert.equal(receipt.statusCode, 200);
    assert.equal(receipt.headers['cache-control'], 'no-store');
    assert.match(receipt.body, /<h1>Receipt \d{4}-\d{6}<\/h1>/);
    assert.match(receipt.body, new RegExp(provider === 'payme' ? 'Payme' : 'Click'));
    assert.match(receipt.body, /370,800 soʻm/);
  }
});

test('the checkout refuses links it did not make: another merchant, a foreign return address', async () => {
  const invoice = await testInvoice(app);
  const encode = (s: string) => Buffer.from(s).toString('base64');
  const foreign = await fetch(`${app.standin.url}/${encode(`m=${app.payments.channel!.settings.payme.merchantId};ac.invoice=${invoice.invoiceId};a=${invoice.amountTiyin};c=https://evil.example/;l=en`)}`);
  assert.equal(foreign.status, 400);
  const otherMerchant = await fetch(`${app.standin.url}/${encode(`m=someone-else;ac.invoice=${invoice.invoiceId};a=${invoice.amountTiyin};c=${app.url}/en/;l=en`)}`);
  assert.equal(otherMerchant.status, 400);
  const pay = await fetch(`${app.standin.url}/payme/pay`, {
    method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ order: encode(`m=${app.payments.channel!.settings.payme.merchantId};ac.invoice=${invoice.invoiceId};a=${invoice.amountTiyin};c=https://evil.example/;l=en`) }),
  });
  assert.equal(pay.status, 400);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');
});

test('every payments route as every demo role and as no one, with "x" for its parameters: declared, never a 500, people let through', async () => {
  const routes = app.server.routeTable.filter((r) => /^\/(uz|oz|kaa|ru|en)\/pay\/|^\/payments\//.test(r.url));
  assert.ok(routes.length >= 5 * 3 + 4, `${routes.length} routes`);
  const citizen = await signIn(app, CITIZEN.id);
  const csrf = await csrfFor(app, '/en/cabinet', citizen);
  const failures: string[] = [];
  for (const route of routes) {
    if (route.access !== 'public' && route.access !== 'person') failures.push(`${route.method} ${route.url}: access ${route.access}`);
    for (const role of [undefined, ...DEMO_ACCOUNTS.map((a) => a.role)]) {
      const session = role ? await signIn(app, account(role).id) : undefined;
      const unsafe = route.method !== 'GET';
      const response = await app.server.inject({
        method: route.method as 'GET', url: route.url.replace(/:\w+/g, 'x'),
        headers: { cookie: [session, unsafe ? csrf.cookie : undefined].filter(Boolean).join('; '), ...(unsafe ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(unsafe ? { payload: `_csrf=${encodeURIComponent(csrf.token)}` } : {}),
      });
      const refused = response.statusCode === 401 || response.statusCode === 403 || (response.statusCode === 303 && /signin/.test(String(response.headers.location)));
      if (response.statusCode >= 500) failures.push(`${route.method} ${route.url} as ${role}: ${response.statusCode}`);
      if (route.access === 'person' && refused === (role !== undefined)) failures.push(`${route.method} ${route.url} as ${role ?? 'anonymous'}: ${response.statusCode}`);
    }
  }
  assert.deepEqual(failures, []);
});
