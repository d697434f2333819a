// Charts drawn on the server as inline SVG (the CSP allows no script, and needs none): each
// is an image with a text alternative, and the same figures follow as a table in <details>.
// Colours are SVG attributes, not CSS, so the charts need nothing from the stylesheet.
import type { ComponentChildren } from 'preact';
import { Table } from '../../web/index.js';

export const COLOURS = ['#1f5fa8', '#2e7d32', '#c62828', '#ef8f00', '#6a1b9a'];
const INK = '#1f2a36';
const GRID = '#d5dde6';

export interface Bar { label: string; value: number; text?: string }

/** A figure: its title, the chart, then the figures as a table behind a <details>. */
function Figure({ id, title, tableLabel, head, rows, children }: { id: string; title: string; tableLabel: string; head: string[]; rows: ComponentChildren[][]; children: ComponentChildren }) {
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}><strong>{title}</strong></figcaption>
      {children}
      <details>
        <summary>{tableLabel}</summary>
        <Table caption={title} head={head} rows={rows} />
      </details>
    </figure>
  );
}

/** Horizontal bars, one per item, each labelled above with its value after it. */
export function BarChart({ id, title, bars, head, tableLabel, colour = COLOURS[0] }: { id: string; title: string; bars: Bar[]; head: [string, string]; tableLabel: string; colour?: string }) {
  const width = 640;
  const row = 34;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const room = width - 90; // space for the value after the longest bar
  const alt = `${title}: ${bars.map((b) => `${b.label} ${b.text ?? b.value}`).join('; ')}`;
  return (
    <Figure id={id} title={title} tableLabel={tableLabel} head={head} rows={bars.map((b) => [b.label, b.text ?? String(b.value)])}>
      <svg viewBox={`0 0 ${width} ${Math.max(1, bars.length) * row}`} width="100%" role="img" aria-label={alt} focusable="false">
        {bars.map((b, i) => {
          const y = i * row;
          const w = Math.max(b.value > 0 ? 2 : 0, (b.value / max) * room);
          return (
            <g key={i}>
              <text x="0" y={y + 12} font-size="12" fill={INK}>{b.label}</text>
              <rect x="0" y={y + 16} width={w} height="12" rx="2" fill={colour} />
              <text x={w + 6} y={y + 27} font-size="12" fill={INK}>{b.text ?? String(b.value)}</text>
            </g>
          );
        })}
      </svg>
    </Figure>
  );
}

export interface Series { name: string; values: number[]; colour: string }

/** Lines over time: one per series, a point per label, the y axis from 0 to a round maximum. */
export function LineChart({ id, title, labels, series, tableLabel, head, format }: { id: string; title: string; labels: string[]; series: Series[]; tableLabel: string; head: string[]; format: (n: number) => string }) {
  const width = 640, height = 240, left = 48, right = 24, top = 12, bottom = 40;
  const top0 = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const x = (i: number) => left + (labels.length <= 1 ? 0 : (i * (width - left - right)) / (labels.length - 1));
  const y = (v: number) => top + (1 - v / top0) * (height - top - bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top0);
  const alt = `${title}: ${series.map((s) => `${s.name} ${s.values.map(format).join(', ')}`).join('; ')}`;
  return (
    <Figure id={id} title={title} tableLabel={tableLabel} head={head} rows={labels.map((label, i) => [label, ...series.map((s) => format(s.values[i] ?? 0))])}>
      <svg viewBox={`0 0 ${width} ${height + 20 * series.length}`} width="100%" role="img" aria-label={alt} focusable="false">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={width - right} y1={y(v)} y2={y(v)} stroke={GRID} stroke-width="1" />
            <text x={left - 6} y={y(v) + 4} font-size="11" text-anchor="end" fill={INK}>{format(v)}</text>
          </g>
        ))}
        {labels.map((label, i) => (i % 2 === 0 || i === labels.length - 1) && (
          <text key={label} x={x(i)} y={height - bottom + 16} font-size="11" text-anchor="middle" fill={INK}>{label}</text>
        ))}
        {series.map((s) => (
          <g key={s.name}>
            <polyline points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} fill="none" stroke={s.colour} stroke-width="2.5" />
            {s.values.map((v, i) => <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.colour} />)}
          </g>
        ))}
        {series.map((s, i) => (
          <g key={`legend-${s.name}`}>
            <rect x={left} y={height + i * 20 - 8} width="14" height="4" fill={s.colour} />
            <text x={left + 20} y={height + i * 20 - 3} font-size="12" fill={INK}>{s.name}</text>
          </g>
        ))}
      </svg>
    </Figure>
  );
}

/** 1, 2, 2.5 or 5 times a power of ten, at or above `n`. */
export function niceMax(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= n)!;
}

/** A shade of blue for an intensity level 0–5, as an SVG fill. */
export const HEAT = ['#f2f5f8', '#d6e4f2', '#a9c8e6', '#6fa3d4', '#3b78b8', '#1d4f86'];

/** The level 0–5 of a count against the largest: 0 only for none. */
export const heatLevel = (n: number, max: number) => (n <= 0 || max <= 0 ? 0 : Math.max(1, Math.ceil((5 * n) / max)));
