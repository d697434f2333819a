// The heads' dashboard of appeals: hotspot alerts first, then the key figures, charts with
// their tables, and the district heat table, for the agencies the head leads.
import type { FastifyInstance } from 'fastify';
import type { CatalogSnapshot } from '../../catalog/index.js';
import { latinToCyrillic } from '../../catalog/index.js';
import { districtById, officePage, officeScope, principal, type Session } from '../../identity/index.js';
import { UZ_REGIONS } from '../../identity/index.js';
import { LOCALE_INFO, LOCALES, local, translator, type Db, type Locale, type Translate } from '../../platform/index.js';
import { Button, ErrorSummary, Select, Table } from '../../web/index.js';
import { APPEAL_KINDS, APPEAL_STATES, type Topic } from '../types.js';
import { BarChart, COLOURS, HEAT, heatLevel, LineChart } from './charts.js';
import { HOTSPOT_RULE, hotspotsOf, type Hotspot } from './hotspot.js';
import { periodOf } from './period.js';
import { districtsOf, overdueOf, statsOf, trendOf, type DistrictCount, type Filter, type Measures } from './queries.js';

export const PERIODS = [30, 90, 365] as const;

export interface AnalyticsDeps {
  db: Db;
  catalog: () => CatalogSnapshot | undefined;
  /** The module's clock (tests move it). */
  now?: () => Date;
  /** The classifier, for the topics' names and the topic filter. */
  topics: () => Topic[];
}

/** The agencies whose figures a session sees: those it may see whole (a head's; an officer limited to a unit or place sees none here). */
export function dashboardAgencies(session: Session): string[] {
  return [...new Set(officeScope(session).filter((s) => !s.unit && !s.region && !s.district).map((s) => s.agencyId))].sort();
}

/** Every figure of the page, each from its own query (the bench times the same functions). */
export async function dashboardFigures(db: Db, filter: Filter, now: Date) {
  const [stats, overdue, trend, districts, hotspots] = await Promise.all([
    statsOf(db, filter), overdueOf(db, filter, now), trendOf(db, filter), districtsOf(db, filter), hotspotsOf(db, filter.agencies, now),
  ]);
  return { stats, overdue, trend, districts, hotspots };
}

const REGION_IDS = UZ_REGIONS.map((r) => r.id as string);

function placeName(id: string, l: Locale): string {
  const d = districtById(id);
  if (!d) return id;
  return l === 'ru' ? d.name.ru : l === 'en' ? d.name.en : l === 'oz' ? latinToCyrillic(d.name.uz) : d.name.uz;
}

function formats(l: Locale) {
  const tag = LOCALE_INFO[l].intl;
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  return {
    percent: (part: number, whole: number) => (whole > 0 ? percent.format(part / whole) : '—'),
    decimal: (n: number) => decimal.format(n),
    integer: (n: number) => integer.format(n),
    p: (p: number) => (p < 1e-6 ? `< ${new Intl.NumberFormat(tag, { maximumSignificantDigits: 1 }).format(1e-6)}` : new Intl.NumberFormat(tag, { maximumSignificantDigits: 2 }).format(p)),
  };
}

const averageRating = (m: Measures) => {
  const count = m.ratings.reduce((a, b) => a + b, 0);
  return count > 0 ? m.ratings.reduce((sum, n, i) => sum + n * (i + 1), 0) / count : undefined;
};

export function dashboardRoutes(app: FastifyInstance, deps: AnalyticsDeps): void {
  for (const l of LOCALES) {
    const t = translator(l);
    const base = `/${l}/office/appeals/dashboard`;

    app.get<{ Querystring: Record<string, string | undefined> }>(base, { schema: { hide: true }, config: { access: 'head' } }, async (request, reply) => {
      const session = principal(request);
      const query = request.query;
      const topics = deps.topics();
      const topicIds = new Set(topics.map((x) => x.id));
      const errors: Record<string, string> = {};
      const periodText = String(query.period ?? '30');
      const days = PERIODS.find((p) => String(p) === periodText);
      if (!days) errors.period = t('appeals.analytics.error.period');
      const region = String(query.region ?? '');
      if (region && !REGION_IDS.includes(region)) errors.region = t('appeals.analytics.error.region');
      const topic = String(query.topic ?? '');
      if (topic && !topicIds.has(topic)) errors.topic = t('appeals.analytics.error.topic');

      const now = deps.now?.() ?? new Date();
      const agencies = dashboardAgencies(session);
      const period = periodOf(days ?? 30, now);
      const filter: Filter = { agencies, period, region: region && !errors.region ? region : undefined, topic: topic && !errors.topic ? topic : undefined };
      const figures = await dashboardFigures(deps.db, filter, now);
      const snapshot = deps.catalog();
      const agencyName = (id: string) => local(snapshot?.agency(id)?.name, l) || id;
      const topicName = (id: string) => local(topics.find((x) => x.id === id)?.name, l) || id;
      const f = formats(l);
      const params = new URLSearchParams({ period: String(period.days), ...(filter.region ? { region: filter.region } : {}), ...(filter.topic ? { topic: filter.topic } : {}) });
      const title = t('appeals.analytics.title');
      return officePage(request, reply.code(Object.keys(errors).length > 0 ? 400 : 200), {
        title, path: `/appeals/dashboard?${params}`, section: 'appeals',
        breadcrumbs: [{ href: `/${l}/office/appeals`, label: t('appeals.analytics.appeals') }, { label: title }],
        body: <>
          <h1>{title}</h1>
          <p class="lead">{t('appeals.analytics.scope', { agencies: agencies.map(agencyName).join(', ') || '—', from: period.from, to: period.today })}</p>
          <Hotspots hotspots={figures.hotspots} t={t} l={l} f={f} topicName={topicName} />
          <ErrorSummary title={t('appeals.analytics.problem')} errors={Object.entries(errors).map(([k, v]) => ({ href: `#${k}`, text: v }))} />
          <Filters t={t} l={l} base={base} errors={errors} values={{ period: days ? String(days) : periodText, region, topic }} topics={topics} />
          <Figures t={t} l={l} f={f} figures={figures} agencyName={agencyName} topicName={topicName} />
        </>,
      });
    });
  }
}

function Hotspots({ hotspots, t, l, f, topicName }: { hotspots: Hotspot[]; t: Translate; l: Locale; f: ReturnType<typeof formats>; topicName: (id: string) => string }) {
  return (
    <section aria-labelledby="hotspots" class="panel">
      <h2 id="hotspots">{t('appeals.analytics.hotspots.title')}</h2>
      {hotspots.length === 0 ? <p>{t('appeals.analytics.hotspots.none')}</p> : hotspots.map((h) => (
        <p key={`${h.topicId}/${h.district}`} class="notice">
          <strong>{t('appeals.analytics.hotspots.alert', { topic: topicName(h.topicId), district: placeName(h.district, l), region: h.region ? t(`region.${h.region}`) : '—' })}</strong>{' '}
          {t('appeals.analytics.hotspots.detail', { count: h.count, expected: f.decimal(h.expected), p: f.p(h.p) })}
        </p>
      ))}
      <details>
        <summary>{t('appeals.analytics.hotspots.rule-title')}</summary>
        <p>{t('appeals.analytics.hotspots.rule', {
          window: HOTSPOT_RULE.windowDays, weeks: HOTSPOT_RULE.baselineDays / 7, prior: f.decimal(HOTSPOT_RULE.priorPerWindow),
          min: HOTSPOT_RULE.minCount, alpha: f.decimal(HOTSPOT_RULE.alpha * 100),
        })}</p>
      </details>
    </section>
  );
}

function Filters({ t, l, base, errors, values, topics }: { t: Translate; l: Locale; base: string; errors: Record<string, string>; values: Record<'period' | 'region' | 'topic', string>; topics: Topic[] }) {
  const field = (name: 'period' | 'region' | 'topic', label: string, options: { value: string; label: string }[]) => (
    <div class={errors[name] ? 'field field--error' : 'field'}>
      <label for={name}>{label}</label>
      {errors[name] && <p class="field__error" id={`${name}-error`}>{errors[name]}</p>}
      <select id={name} name={name} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={errors[name] ? `${name}-error` : undefined}>
        {options.map((o) => <option value={o.value} selected={o.value === values[name]} key={o.value}>{o.label}</option>)}
      </select>
    </div>
  );
  return (
    <form method="get" action={base} class="panel" aria-labelledby="filters">
      <h2 id="filters">{t('appeals.analytics.filters')}</h2>
      {field('period', t('appeals.analytics.period'), PERIODS.map((p) => ({ value: String(p), label: t('appeals.analytics.last-days', { count: p }) })))}
      {field('region', t('appeals.analytics.region'), [{ value: '', label: t('appeals.analytics.any-region') }, ...REGION_IDS.map((r) => ({ value: r, label: t(`region.${r}`) }))])}
      {field('topic', t('appeals.analytics.topic'), [{ value: '', label: t('appeals.analytics.any-topic') },
        ...topics.map((x) => ({ value: x.id, label: local(x.name, l) })).sort((a, b) => a.label.localeCompare(b.label))])}
      <Button>{t('appeals.analytics.apply')}</Button>
    </form>
  );
}

function Figures({ t, l, f, figures, agencyName, topicName }: {
  t: Translate; l: Locale; f: ReturnType<typeof formats>; figures: Awaited<ReturnType<typeof dashboardFigures>>;
  agencyName: (id: string) => string; topicName: (id: string) => string;
}) {
  const { stats, overdue, trend, districts } = figures;
  const m = stats.total;
  const rating = averageRating(m);
  const rated = m.ratings.reduce((a, b) => a + b, 0);
  const showTable = t('appeals.analytics.show-table');
  const countHead = t('appeals.analytics.appeals-count');
  const regionName = (id: string) => (id ? t(`region.${id}`) : t('appeals.analytics.no-place'));
  const top = (map: Map<string, Measures>, name: (id: string) => string, limit = 15) =>
    [...map].sort((a, b) => b[1].n - a[1].n).slice(0, limit).map(([id, x]) => ({ label: name(id), value: x.n }));
  if (m.n === 0 && overdue.total === 0) return <p>{t('appeals.analytics.empty')}</p>;
  return <>
    <section aria-labelledby="key-figures">
      <h2 id="key-figures">{t('appeals.analytics.key-figures')}</h2>
      <ul class="queue-list">
        <li class="card"><span class="count">{f.integer(m.n)}</span>{t('appeals.analytics.total')}</li>
        <li class="card"><span class="count">{f.integer(overdue.total)}</span>{t('appeals.analytics.overdue', { rate: f.percent(overdue.total, m.n) })}</li>
        <li class="card"><span class="count">{f.percent(m.onTime, m.answered)}</span>{t('appeals.analytics.execution', { onTime: m.onTime, answered: m.answered })}</li>
        <li class="card"><span class="count">{m.answered > 0 ? f.decimal(m.answerSeconds / m.answered / 86400) : '—'}</span>{t('appeals.analytics.time-to-answer')}</li>
        <li class="card"><span class="count">{rating === undefined ? '—' : f.decimal(rating)}</span>{t('appeals.analytics.rating', { count: rated })}</li>
      </ul>
    </section>

    <section aria-labelledby="trend-title">
      <h2 id="trend-title">{t('appeals.analytics.trend')}</h2>
      <LineChart id="trend" title={t('appeals.analytics.trend-caption')} tableLabel={showTable} format={f.integer}
        labels={trend.map((w) => `${w.week.slice(8, 10)}.${w.week.slice(5, 7)}`)}
        head={[t('appeals.analytics.week'), t('appeals.analytics.registered'), t('appeals.analytics.answered')]}
        series={[
          { name: t('appeals.analytics.registered'), values: trend.map((w) => w.registered), colour: COLOURS[0] },
          { name: t('appeals.analytics.answered'), values: trend.map((w) => w.answered), colour: COLOURS[1] },
        ]} />
    </section>

    <section aria-labelledby="breakdown">
      <h2 id="breakdown">{t('appeals.analytics.breakdown')}</h2>
      <BarChart id="by-state" title={t('appeals.analytics.by-state')} tableLabel={showTable} head={[t('appeals.analytics.state'), countHead]}
        bars={APPEAL_STATES.map((s) => ({ label: t(`appeals.analytics.states.${s}`), value: m.states[s] }))} />
      <BarChart id="by-kind" title={t('appeals.analytics.by-kind')} tableLabel={showTable} head={[t('appeals.analytics.kind'), countHead]} colour={COLOURS[4]}
        bars={APPEAL_KINDS.map((k) => ({ label: t(`appeals.analytics.kinds.${k}`), value: m.kinds[k] }))} />
      <BarChart id="ratings" title={t('appeals.analytics.ratings')} tableLabel={showTable} head={[t('appeals.analytics.stars-head'), t('appeals.analytics.answers-count')]} colour={COLOURS[3]}
        bars={m.ratings.map((n, i) => ({ label: t('appeals.analytics.stars', { count: i + 1 }), value: n })).reverse()} />
      <BarChart id="by-region" title={t('appeals.analytics.by-region')} tableLabel={showTable} head={[t('appeals.analytics.region'), countHead]}
        bars={top(stats.byRegion, regionName, 20)} />
      <BarChart id="by-topic" title={t('appeals.analytics.by-topic')} tableLabel={showTable} head={[t('appeals.analytics.topic'), countHead]} colour={COLOURS[1]}
        bars={top(stats.byTopic, topicName)} />
    </section>

    <section aria-labelledby="by-agency">
      <h2 id="by-agency">{t('appeals.analytics.by-agency')}</h2>
      <Table caption={t('appeals.analytics.by-agency')}
        head={[t('appeals.analytics.agency'), countHead, t('appeals.analytics.overdue-head'), t('appeals.analytics.execution-head'), t('appeals.analytics.time-head'), t('appeals.analytics.rating-head')]}
        rows={[...stats.byAgency].sort((a, b) => b[1].n - a[1].n).map(([id, x]) => {
          const r = averageRating(x);
          return [agencyName(id), f.integer(x.n), f.integer(overdue.byAgency.get(id) ?? 0), f.percent(x.onTime, x.answered),
            x.answered > 0 ? f.decimal(x.answerSeconds / x.answered / 86400) : '—', r === undefined ? '—' : f.decimal(r)];
        })} />
    </section>

    <HeatTable t={t} l={l} f={f} districts={districts} />
  </>;
}

/** Regions with their districts, each shaded by its count against the district with the most. */
function HeatTable({ t, l, f, districts }: { t: Translate; l: Locale; f: ReturnType<typeof formats>; districts: DistrictCount[] }) {
  const max = Math.max(0, ...districts.filter((d) => d.district).map((d) => d.n));
  const byRegion = new Map<string, DistrictCount[]>();
  for (const d of districts) byRegion.set(d.region, [...(byRegion.get(d.region) ?? []), d]);
  const regions = [...byRegion].map(([region, list]) => ({ region, list: list.sort((a, b) => b.n - a.n), total: list.reduce((s, d) => s + d.n, 0) }))
    .sort((a, b) => b.total - a.total);
  return (
    <section aria-labelledby="heat">
      <h2 id="heat">{t('appeals.analytics.heat.title')}</h2>
      <p class="field__hint">{t('appeals.analytics.heat.hint')}</p>
      <Table caption={t('appeals.analytics.heat.title')} head={[t('appeals.analytics.region'), countHead(t), t('appeals.analytics.heat.districts')]}
        rows={regions.map(({ region, list, total }) => [
          region ? t(`region.${region}`) : t('appeals.analytics.no-place'),
          f.integer(total),
          <ul class="heat-list">
            {list.map((d) => {
              const level = d.district ? heatLevel(d.n, max) : 0;
              return (
                <li key={d.district} class={`heat heat--${level}`}>
                  <svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill={HEAT[level]} stroke="#8aa1b8" stroke-width="1" /></svg>{' '}
                  {d.district ? placeName(d.district, l) : t('appeals.analytics.heat.no-district')}: {f.integer(d.n)}
                </li>
              );
            })}
          </ul>,
        ])} />
    </section>
  );
}

const countHead = (t: Translate) => t('appeals.analytics.appeals-count');
