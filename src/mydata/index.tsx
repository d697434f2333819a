// "What the state knows about me" (issue #6): the citizen's records in the registries, each
// asked through the exchange on the person's behalf (X-Road-UserId = their PINFL), all at once,
// each with its own time limit, so that one registry down or slow never hides the others.
import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { latinToCyrillic } from '../catalog/index.js';
import type { CallResult, ExchangeModule } from '../exchange/index.js';
import { logDataAccess, principal, sendCabinetPage } from '../identity/index.js';
import { LOCALE_INFO, LOCALES, t as translate, translator, type AppContext, type Db, type Locale, type Module, type Translate } from '../platform/index.js';
import { SummaryList, Table } from '../web/index.js';
import { SOURCES, type Accounts, type Answers, type RegistryText, type SectionKey, type Source } from './sources.js';

/** How long each registry gets to answer: past it the section says so and the page goes on. */
export const SECTION_TIMEOUT_MS = 3000;

const ACCESSOR = 'Darcha portal (on your request)';
const PURPOSE = 'You viewed your data';

type Outcome = { source: Source; at: Date } & ({ ok: true; data: unknown } | { ok: false; failure: 'timeout' | 'down' | 'not-found' | 'refused' });

/** Asks one registry; whatever happens becomes an outcome, never an exception. */
async function ask(exchange: Pick<ExchangeModule, 'call'>, source: Source, pinfl: string): Promise<Outcome> {
  let result: CallResult;
  try {
    // The client's own timeout covers the call; the race guards against anything that would not end.
    result = await Promise.race([
      exchange.call({ ...source.request(pinfl), userId: `UZ${pinfl}`, issue: 'mydata', timeoutMs: SECTION_TIMEOUT_MS }),
      new Promise<CallResult>((resolve) => setTimeout(() => resolve({ ok: false, error: 'timeout', message: 'no answer in time' }), SECTION_TIMEOUT_MS + 500).unref()),
    ]);
  } catch {
    result = { ok: false, error: 'down', message: 'the call failed' };
  }
  const at = new Date();
  if (result.ok) {
    const data = result.data as Record<string, unknown> | null;
    if (data && typeof data === 'object' && Array.isArray(data[source.list])) return { source, at, ok: true, data };
    return { source, at, ok: false, failure: 'refused' };
  }
  const failure = result.error === 'timeout' ? 'timeout' : result.error === 'down' ? 'down' : result.error === 'refused' && result.status === 404 ? 'not-found' : 'refused';
  return { source, at, ok: false, failure };
}

export function mydataModule(deps: { exchange: Pick<ExchangeModule, 'call'> }): Module {
  return {
    name: 'mydata',
    routes(app: FastifyInstance, ctx: AppContext) {
      for (const l of LOCALES) {
        app.get(`/${l}/cabinet/state`, { schema: { hide: true }, config: { access: 'person' } }, async (request, reply) => {
          const { person } = principal(request);
          const t = translator(l);
          const unread = await unreadOf(ctx.db, person.id);
          let body: ComponentChildren;
          if (!person.pinfl) {
            body = <p class="notice">{t('mydata.no-pinfl')}</p>;
          } else {
            const pinfl = person.pinfl;
            const outcomes = await Promise.all(SOURCES.map((s) => ask(deps.exchange, s, pinfl)));
            // Every read that reached the person is theirs to see under "who looked at my data".
            for (const o of outcomes.filter((x) => x.ok)) {
              await logDataAccess(ctx.db, { personId: person.id, accessorKind: 'system', accessor: ACCESSOR, agencyId: o.source.member, purpose: PURPOSE, fields: o.source.fields });
            }
            body = outcomes.map((o) => <SectionView key={o.source.key} l={l} t={t} outcome={o} />);
          }
          return sendCabinetPage(request, reply, { section: 'state', title: t('mydata.title'), unread, children: <>
            <h1>{t('mydata.title')}</h1>
            <p class="lead">{t('mydata.lead')}</p>
            {body}
          </> });
        });
      }
    },
  };
}

/** Unread notifications, for the cabinet's navigation (identity keeps them). */
async function unreadOf(db: Db, personId: string): Promise<number> {
  const row = await db.selectFrom('identity_notification').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

// Formatting in the user's language.
const numberFormat = (l: Locale) => new Intl.NumberFormat(LOCALE_INFO[l].intl, { maximumFractionDigits: 2 });
const money = (l: Locale, tiyin: number) => translate(l, 'money.sum', { amount: numberFormat(l).format(tiyin / 100) });
const day = (l: Locale, iso: string) => new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
const month = (l: Locale, ym: string) => new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${ym}-01T00:00:00Z`));
const moment = (l: Locale, at: Date) => new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Asia/Tashkent' }).format(at);
/** The registries write Uzbek in Latin script, with Russian and English beside it. */
const text = (l: Locale, v: RegistryText) => (l === 'ru' ? v.ru ?? v.uz : l === 'en' ? v.en ?? v.uz : l === 'oz' ? latinToCyrillic(v.uz) : v.uz);

function SectionView({ l, t, outcome }: { l: Locale; t: Translate; outcome: Outcome }) {
  const { key, member } = outcome.source;
  const registry = t(`mydata.registry.${member}`);
  return (
    <section class="panel" id={`state-${key}`} aria-labelledby={`state-${key}-title`}>
      <h2 id={`state-${key}-title`}>{t(`mydata.section.${key}`)}</h2>
      <p class="hint">{t('mydata.source', { registry, time: moment(l, outcome.at) })}</p>
      {outcome.ok
        ? <Content l={l} t={t} k={key} data={outcome.data} />
        : <p class="notice" role="status">{t(`mydata.failure.${outcome.failure}`, { registry })}</p>}
    </section>
  );
}

function Content({ l, t, k, data }: { l: Locale; t: Translate; k: SectionKey; data: unknown }) {
  const m = (tiyin: number) => money(l, tiyin);
  switch (k) {
    case 'residence': {
      const d = data as Answers['residence'];
      if (!d.current) return <p>{t('mydata.residence.none')}</p>;
      return <SummaryList rows={[
        [t('mydata.residence.address'), text(l, d.current.address.text)],
        [t('mydata.residence.kind'), t(`mydata.residence.${d.current.kind === 'temporary' ? 'temporary' : 'permanent'}`)],
        [t('mydata.residence.since'), day(l, d.current.registeredOn)],
      ]} />;
    }
    case 'tax': {
      const d = data as Answers['tax'];
      if (d.debts.length === 0) return <p>{t('mydata.tax.none')}</p>;
      return <>
        <p><strong>{t('mydata.total-owed', { amount: m(d.totalTiyin) })}</strong></p>
        <Table caption={t('mydata.section.tax')} head={[t('mydata.tax.tax'), t('mydata.tax.period'), t('mydata.tax.principal'), t('mydata.tax.penalty'), t('mydata.tax.due')]}
          rows={d.debts.map((x) => [text(l, x.taxName), x.period, m(x.principalTiyin), m(x.penaltyTiyin), day(l, x.dueOn)])} />
      </>;
    }
    case 'fines': {
      const d = data as Answers['fines'];
      if (d.fines.length === 0) return <p>{t('mydata.fines.none')}</p>;
      return <>
        <p><strong>{t('mydata.total-owed', { amount: m(d.unpaidTiyin) })}</strong></p>
        <Table caption={t('mydata.section.fines')} head={[t('mydata.fines.number'), t('mydata.fines.offence'), t('mydata.fines.date'), t('mydata.fines.plate'), t('mydata.amount'), t('mydata.status')]}
          rows={d.fines.map((f) => [f.number, text(l, f.offenceName), day(l, f.issuedAt), f.plate ?? '—', m(f.amountTiyin),
            f.paid ? t('mydata.fines.paid', { date: f.paidOn ? day(l, f.paidOn) : '—' })
              : f.enforcementCase ? t('mydata.fines.enforced', { number: f.enforcementCase }) : <strong>{t('mydata.fines.unpaid')}</strong>])} />
      </>;
    }
    case 'enforcement': {
      const d = data as Answers['enforcement'];
      if (d.cases.length === 0) return <p>{t('mydata.enforcement.none')}</p>;
      return <>
        <p><strong>{t('mydata.total-owed', { amount: m(d.totalTiyin) })}</strong></p>
        <Table caption={t('mydata.section.enforcement')} head={[t('mydata.enforcement.number'), t('mydata.enforcement.basis'), t('mydata.enforcement.creditor'), t('mydata.enforcement.opened'), t('mydata.amount'), t('mydata.enforcement.remaining'), t('mydata.status')]}
          rows={d.cases.map((c) => [c.number, text(l, c.basisName), text(l, c.creditor.name), day(l, c.openedOn), m(c.amountTiyin), m(c.remainingTiyin), t(`mydata.enforcement.${c.status === 'open' ? 'open' : 'closed'}`)])} />
      </>;
    }
    case 'gas': case 'power': case 'water': {
      const d = data as Accounts;
      if (d.accounts.length === 0) return <p>{t('mydata.accounts.none')}</p>;
      return <>
        <p><strong>{t('mydata.total-owed', { amount: m(d.totalDebtTiyin) })}</strong></p>
        <Table caption={t(`mydata.section.${k}`)} head={[t('mydata.accounts.number'), t('mydata.accounts.address'), t('mydata.accounts.debt'), t('mydata.accounts.last-payment')]}
          rows={d.accounts.map((a) => [a.number, text(l, a.address.text), m(a.debtTiyin),
            a.lastPaymentOn ? `${day(l, a.lastPaymentOn)}, ${m(a.lastPaymentTiyin ?? 0)}` : '—'])} />
      </>;
    }
    case 'salary': {
      const d = data as Answers['salary'];
      if (d.records.length === 0) return <p>{t('mydata.salary.none')}</p>;
      return <>
        <p><strong>{t('mydata.salary.total', { from: month(l, d.from), to: month(l, d.to), amount: m(d.totalSalaryTiyin) })}</strong></p>
        <Table caption={t('mydata.section.salary')} head={[t('mydata.salary.month'), t('mydata.salary.employer'), t('mydata.salary.salary'), t('mydata.salary.social-tax')]}
          rows={d.records.map((r) => [month(l, r.month), text(l, r.employer.name), m(r.salaryTiyin), m(r.socialTaxTiyin)])} />
      </>;
    }
    case 'property': {
      const d = data as Answers['property'];
      if (d.objects.length === 0) return <p>{t('mydata.property.none')}</p>;
      return <Table caption={t('mydata.section.property')} head={[t('mydata.property.number'), t('mydata.property.kind'), t('mydata.property.address'), t('mydata.property.area'), t('mydata.property.value'), t('mydata.property.share'), t('mydata.property.since')]}
        rows={d.objects.map((o) => [o.cadastralNumber, text(l, o.kindName), text(l, o.address.text), t('mydata.property.m2', { area: numberFormat(l).format(o.areaM2) }), m(o.valueTiyin), o.share, day(l, o.since)])} />;
    }
  }
}
