// The payer's pages: an invoice with its online discount, the choice of Payme or Click (then
// the processor's checkout), and the receipt. Only the payer, or someone acting for the
// invoice's business within their power, may see them; anyone else gets 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { accountBar, mayActIn, principal, type Session } from '../identity/index.js';
import { formatNumber, LOCALE_INFO, LOCALES, local, NotFoundError, translator, type Db, type Locale, type Translate } from '../platform/index.js';
import { Button, ErrorSummary, Layout, renderPage, sendPage, SummaryList, type Crumb } from '../web/index.js';
import type { PaymentsChannel } from './payments-channel.js';
import { findInvoice, receiptOf, type InvoiceRow } from './payments.store.js';
import type { Provider } from './payments.tables.js';

const PROVIDERS: readonly Provider[] = ['payme', 'click'];
const PROVIDER_NAMES: Record<Provider, string> = { payme: 'Payme', click: 'Click' };

/** Whether the signed-in person may see and pay this invoice. */
export function mayPay(session: Session, invoice: Pick<InvoiceRow, 'payer_person_id' | 'business_id' | 'service_id'>): boolean {
  if (invoice.payer_person_id === session.person.id) return true;
  const acting = session.actingFor;
  return !!acting && !!invoice.business_id && acting.businessId === invoice.business_id && (acting.director || mayActIn(session, invoice.service_id));
}

export const money = (l: Locale, t: Translate, tiyin: number) => t('money.sum', { amount: formatNumber(l, tiyin / 100) });

const when = (l: Locale, at: Date) =>
  new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Tashkent' }).format(at);

/** The amount to pay, the full fee struck through beside it when there is a discount. */
function Amount({ invoice, l, t }: { invoice: InvoiceRow; l: Locale; t: Translate }) {
  const amount = Number(invoice.amount_tiyin);
  const full = Number(invoice.full_amount_tiyin);
  if (full <= amount) return <strong>{money(l, t, amount)}</strong>;
  return (
    <>
      <s class="price-full"><span class="visually-hidden">{t('payments.pay.full-fee')} </span>{money(l, t, full)}</s>{' '}
      <strong class="price-online">{money(l, t, amount)}</strong>
      <br /><span>{t('payments.pay.discount', { discount: Number(invoice.discount_percent), saved: money(l, t, full - amount) })}</span>
    </>
  );
}

export function payRoutes(app: FastifyInstance, deps: { db: Db; channel: () => PaymentsChannel; publicUrl: string }): void {
  const { db } = deps;

  /** The invoice if this person may see it; 404 otherwise, whether it exists or not. */
  async function invoiceFor(request: FastifyRequest<{ Params: { invoiceId: string } }>): Promise<InvoiceRow> {
    const invoice = await findInvoice(db, request.params.invoiceId);
    if (!invoice || !mayPay(principal(request), invoice)) throw new NotFoundError();
    return invoice;
  }

  // The choice is posted to us and answered with a redirect to the processor's checkout, which
  // the browser follows only if the page's form-action allows the checkout's origin.
  function allowCheckout(reply: FastifyReply) {
    const { payme, click } = deps.channel().settings;
    const origins = [...new Set([payme.checkoutUrl, click.checkoutUrl].map((u) => new URL(u).origin))].join(' ');
    const policy = String(reply.getHeader('content-security-policy') ?? '');
    reply.header('content-security-policy', policy.replace("form-action 'self'", `form-action 'self' ${origins}`));
  }

  function send(request: FastifyRequest, reply: FastifyReply, page: { title: string; path: string; status?: number; crumbs?: Crumb[]; body: ComponentChildren }) {
    const l = request.locale;
    const t = translator(l);
    return sendPage(request, reply.code(page.status ?? 200).header('cache-control', 'no-store'), renderPage(
      <Layout locale={l} t={t} title={page.title} path={page.path} account={accountBar(principal(request), l)}
        breadcrumbs={[{ href: `/${l}/cabinet`, label: t('cabinet.title') }, ...(page.crumbs ?? []), { label: page.title }]}>
        {page.body}
      </Layout>,
    ));
  }

  const backPath = (invoice: InvoiceRow) => `/cabinet/applications/${encodeURIComponent(invoice.subject)}`;

  for (const l of LOCALES) {
    const t = translator(l);

    async function payPage(request: FastifyRequest<{ Params: { invoiceId: string } }>, reply: FastifyReply, invoice: InvoiceRow, error?: string) {
      const title = t('payments.pay.title');
      const base = `/${l}/pay/${invoice.id}`;
      const status = invoice.status;
      if (status === 'pending') allowCheckout(reply);
      return send(request, reply, {
        title, path: `/pay/${invoice.id}`, status: error ? 400 : 200,
        body: <>
          <h1>{title}</h1>
          <p class="lead">{local(invoice.description, l)}</p>
          {status === 'paid' && <p class="notice" role="status">{t('payments.pay.paid', { date: when(l, invoice.paid_at!) })} <a href={`${base}/receipt`}>{t('payments.pay.see-receipt')}</a></p>}
          {status === 'refunded' && <p class="notice" role="status">{t('payments.pay.refunded', { date: when(l, invoice.refunded_at!) })} <a href={`${base}/receipt`}>{t('payments.pay.see-receipt')}</a></p>}
          {status === 'cancelled' && <p class="notice" role="status">{t('payments.pay.cancelled')}</p>}
          <section class="panel" aria-labelledby="invoice">
            <h2 id="invoice">{t('payments.pay.invoice')}</h2>
            <SummaryList rows={[
              [t('payments.pay.what'), local(invoice.description, l)],
              [t('payments.pay.amount'), <Amount invoice={invoice} l={l} t={t} />],
              [t('payments.pay.number'), invoice.id],
              [t('payments.pay.status'), t(`payments.status.${status}`)],
            ]} />
          </section>
          {status === 'pending' && (
            <form method="post" action={base} class="panel" novalidate>
              <ErrorSummary title={t('payments.pay.problem')} errors={error ? [{ href: '#provider-payme', text: error }] : []} />
              <input type="hidden" name="_csrf" value={reply.csrfToken()} />
              <fieldset class={error ? 'field field--error' : 'field'} aria-describedby={error ? 'provider-error' : undefined}>
                <legend>{t('payments.pay.how')}</legend>
                {error && <p class="field__error" id="provider-error">{error}</p>}
                {PROVIDERS.map((p) => (
                  <div class="radio" key={p}>
                    <input type="radio" id={`provider-${p}`} name="provider" value={p} />
                    <label for={`provider-${p}`}>{PROVIDER_NAMES[p]}</label>
                  </div>
                ))}
              </fieldset>
              <p class="field__hint">{t('payments.pay.hint')}</p>
              <Button>{t('payments.pay.go')}</Button>
            </form>
          )}
          <p><a href={`/${l}${backPath(invoice)}`}>{t('payments.pay.to-application')}</a></p>
        </>,
      });
    }

    app.get<{ Params: { invoiceId: string } }>(`/${l}/pay/:invoiceId`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) =>
      payPage(request, reply, await invoiceFor(request)));

    app.post<{ Params: { invoiceId: string }; Body: { provider?: unknown } }>(`/${l}/pay/:invoiceId`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const invoice = await invoiceFor(request);
      if (invoice.status !== 'pending') return reply.redirect(`/${l}/pay/${invoice.id}`, 303);
      const body = request.body;
      const provider = body && typeof body === 'object' ? (body as { provider?: unknown }).provider : undefined;
      if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
        return payPage(request, reply, invoice, t('payments.pay.choose'));
      }
      const back = `${deps.publicUrl}/${l}${invoice.return_path ?? backPath(invoice)}`;
      const url = deps.channel().checkoutUrl(provider as Provider, { id: invoice.id, amountTiyin: Number(invoice.amount_tiyin) }, back, l);
      return reply.header('cache-control', 'no-store').redirect(url, 303);
    });

    app.get<{ Params: { invoiceId: string } }>(`/${l}/pay/:invoiceId/receipt`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
      const invoice = await invoiceFor(request);
      const receipt = await receiptOf(db, invoice.id);
      if (!receipt) throw new NotFoundError();
      const title = t('payments.receipt.title', { number: receipt.number });
      return send(request, reply, {
        title, path: `/pay/${invoice.id}/receipt`, crumbs: [{ href: `/${l}/pay/${invoice.id}`, label: t('payments.pay.title') }],
        body: <>
          <h1>{title}</h1>
          {invoice.status === 'refunded' && (
            <p class="notice" role="status">{t('payments.receipt.refunded', { date: when(l, invoice.refunded_at!) })}{invoice.refund_reason ? ` ${t('payments.receipt.reason', { reason: invoice.refund_reason })}` : ''}</p>
          )}
          <section class="panel" aria-labelledby="receipt">
            <h2 id="receipt">{t('payments.receipt.paid')}</h2>
            <SummaryList rows={[
              [t('payments.receipt.number'), receipt.number],
              [t('payments.pay.what'), local(invoice.description, l)],
              [t('payments.receipt.amount'), <Amount invoice={invoice} l={l} t={t} />],
              [t('payments.receipt.when'), when(l, receipt.paid_at)],
              [t('payments.receipt.provider'), PROVIDER_NAMES[receipt.provider]],
              [t('payments.receipt.transaction'), receipt.provider_txn_id],
              [t('payments.pay.number'), invoice.id],
            ]} />
          </section>
          <p><a href={`/${l}${backPath(invoice)}`}>{t('payments.pay.to-application')}</a></p>
        </>,
      });
    });
  }
}
