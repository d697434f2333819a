// The payment processors of this installation: their credentials and checkout addresses from
// the configuration, or, outside production with no checkout configured, a local stand-in
// processor that shows a checkout page and calls our merchant endpoints as Payme and Click do.
import { ConfigError, type Config, type Locale } from '../platform/index.js';
import type { ClickCredentials } from './click.merchant.js';
import { tiyinToSom } from './click.merchant.js';
import { PAYME_ACCOUNT_FIELD } from './payme.merchant.js';
import { startProcessorStandin, type ProcessorStandin } from './processor.standin.js';
import type { Provider } from './payments.tables.js';

export interface PaymentsSettings {
  payme: { merchantId: string; key: string; checkoutUrl: string };
  click: ClickCredentials & { checkoutUrl: string };
}

export interface PaymentsChannel {
  settings: PaymentsSettings;
  /** The stand-in processor, when this process runs one (outside production, no checkout configured). */
  standin?: ProcessorStandin;
  /** Where to send the payer's browser to pay an invoice, and whence the processor brings them back. */
  checkoutUrl(provider: Provider, invoice: { id: string; amountTiyin: number }, returnUrl: string, locale: Locale): string;
  /**
   * Asks the processor to return a Payme payment; it answers by calling our CancelTransaction.
   * False when no processor here can be asked (production: the refund is made in Payme's merchant cabinet).
   */
  requestRefund(paymeTransactionId: string): Promise<boolean>;
  close(): Promise<void>;
}

// Demo values: used only outside production, where no money moves.
const DEMO = {
  PAYME_MERCHANT_ID: 'da7c4a0000000000000d3m0a', PAYME_KEY: 'demo-payme-key-not-a-secret',
  CLICK_SERVICE_ID: '90001', CLICK_MERCHANT_ID: '90002', CLICK_SECRET_KEY: 'demo-click-secret-not-a-secret',
} as const;

/** Payme's checkout language: it speaks Russian, Uzbek and English. */
const paymeLanguage = (l: Locale) => (l === 'ru' || l === 'en' ? l : 'uz');

/** Payme's checkout address: the base, then base64 of `m=…;ac.invoice=…;a=…;c=…;l=…` (its GET form). */
export function paymeCheckoutUrl(base: string, merchantId: string, invoice: { id: string; amountTiyin: number }, returnUrl: string, locale: Locale): string {
  const params = `m=${merchantId};ac.${PAYME_ACCOUNT_FIELD}=${invoice.id};a=${invoice.amountTiyin};c=${returnUrl};l=${paymeLanguage(locale)}`;
  return `${base.replace(/\/$/, '')}/${Buffer.from(params).toString('base64')}`;
}

/** Click's pay page: `/services/pay?service_id&merchant_id&amount&transaction_param&return_url`. */
export function clickCheckoutUrl(base: string, credentials: ClickCredentials, invoice: { id: string; amountTiyin: number }, returnUrl: string): string {
  const query = new URLSearchParams({
    service_id: credentials.serviceId, merchant_id: credentials.merchantId, amount: tiyinToSom(invoice.amountTiyin),
    transaction_param: invoice.id, return_url: returnUrl,
  });
  return `${base.replace(/\/$/, '')}/services/pay?${query}`;
}

export async function openPaymentsChannel(config: Config): Promise<PaymentsChannel> {
  const given = {
    PAYME_MERCHANT_ID: config.PAYME_MERCHANT_ID, PAYME_KEY: config.PAYME_KEY, CLICK_SERVICE_ID: config.CLICK_SERVICE_ID,
    CLICK_MERCHANT_ID: config.CLICK_MERCHANT_ID, CLICK_SECRET_KEY: config.CLICK_SECRET_KEY,
  };
  if (config.production) {
    const missing = [...Object.entries(given), ['PAYMENTS_CHECKOUT_URL', config.PAYMENTS_CHECKOUT_URL]].filter(([, v]) => !v).map(([k]) => k);
    if (missing.length > 0) throw new ConfigError(`Invalid configuration:\n  ${missing.join(', ')}: required in production (Payme and Click merchant settings)`);
  }
  const value = (name: keyof typeof DEMO) => given[name] ?? DEMO[name];
  const credentials = {
    payme: { merchantId: value('PAYME_MERCHANT_ID'), key: value('PAYME_KEY') },
    click: { serviceId: value('CLICK_SERVICE_ID'), merchantId: value('CLICK_MERCHANT_ID'), secretKey: value('CLICK_SECRET_KEY') },
  };
  const standin = config.PAYMENTS_CHECKOUT_URL ? undefined : await startProcessorStandin({
    merchantUrl: config.publicUrl, payme: credentials.payme, click: credentials.click,
  });
  const [paymeBase, clickBase = paymeBase] = (config.PAYMENTS_CHECKOUT_URL ?? standin!.url).split(',') as [string, string?];
  const settings: PaymentsSettings = {
    payme: { ...credentials.payme, checkoutUrl: paymeBase },
    click: { ...credentials.click, checkoutUrl: clickBase! },
  };
  return {
    settings,
    standin,
    checkoutUrl(provider, invoice, returnUrl, locale) {
      return provider === 'payme'
        ? paymeCheckoutUrl(settings.payme.checkoutUrl, settings.payme.merchantId, invoice, returnUrl, locale)
        : clickCheckoutUrl(settings.click.checkoutUrl, settings.click, invoice, returnUrl);
    },
    async requestRefund(paymeTransactionId) {
      if (!standin) return false;
      const answer = await standin.refundPayme(paymeTransactionId);
      if ('error' in answer) throw new Error(`the processor's CancelTransaction was refused: ${answer.error.code}`);
      return true;
    },
    close: async () => { await standin?.close(); },
  };
}
