import { html, type SafeHtml } from './html.ts';
import { shortenText } from '../shorten-text.ts';

// Bar charts drawn on the server as inline SVG: no chart library, no script, readable on a phone.
// Each bar has its label on its own line above it, so long names (procedures) need no truncation,
// and every chart comes with the same figures as a table for screen readers and exact reading.

export interface BarDatum {
  label: string;
  value: number;
  /** How the value is written next to the bar (default: the number in Romanian format). */
  valueLabel?: string;
  tone?: 'main' | 'alt';
}

export interface BarChart {
  id: string;
  /** Read by screen readers as the chart's name. */
  title: string;
  data: BarDatum[];
  /** A reference line, e.g. the 540 users a year the project promised. */
  target?: { value: number; label: string };
  /** The column header of the values in the table. */
  valueHeader?: string;
}

/** Drawn 1:1 on a tablet or desktop (CSS caps it at this width) and scaled down only a little on a phone. */
const width = 360;
const labelHeight = 20;
const barHeight = 18;
const rowGap = 12;
const valueSpace = 64;
/** Labels longer than this are shortened on the chart; the table under it has them whole. */
const maximumLabelLength = 46;
const numberFormat = new Intl.NumberFormat('ro-RO', { maximumFractionDigits: 1 });


export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function barChart(chart: BarChart): SafeHtml {
  if (chart.data.length === 0) return html`<p class="notice">Nu există date pentru această perioadă.</p>`;
  const maximum = Math.max(...chart.data.map((datum) => datum.value), chart.target?.value ?? 0, 1);
  const barArea = width - valueSpace;
  const rowHeight = labelHeight + barHeight + rowGap;
  const top = chart.target ? 22 : 4;
  const height = top + chart.data.length * rowHeight;
  const scale = (value: number) => Math.max(0, (value / maximum) * barArea);
  const titleId = `${chart.id}-titlu`;
  const rows = chart.data.map((datum, index) => {
    const y = top + index * rowHeight;
    const barWidth = scale(datum.value);
    const valueText = datum.valueLabel ?? formatNumber(datum.value);
    return html`<g>
      <text x="0" y="${y + 15}">${shortenText(datum.label, maximumLabelLength)}${datum.label.length > maximumLabelLength ? html`<title>${datum.label}</title>` : ''}</text>
      <rect class="bar${datum.tone === 'alt' ? ' alt' : ''}" x="0" y="${y + labelHeight}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3"></rect>
      <text x="${(barWidth + 6).toFixed(1)}" y="${y + labelHeight + 14}">${valueText}</text>
    </g>`;
  });
  const target = chart.target
    ? html`<line class="target" x1="${scale(chart.target.value).toFixed(1)}" x2="${scale(chart.target.value).toFixed(1)}" y1="16" y2="${height}"></line>
        <text x="${Math.max(0, Math.min(scale(chart.target.value), barArea) - 130).toFixed(1)}" y="12">${chart.target.label}</text>`
    : html``;
  return html`<figure class="chart-figure">
    <svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId}" data-testid="chart" preserveAspectRatio="xMinYMin meet">
      <title id="${titleId}">${chart.title}</title>
      <line class="axis" x1="0" x2="0" y1="${top}" y2="${height}"></line>
      ${rows}
      ${target}
    </svg>
    <details class="table-toggle">
      <summary>Cifrele din grafic</summary>
      <table class="data-table">
        <caption class="visually-hidden">${chart.title}</caption>
        <thead><tr><th scope="col">Categorie</th><th scope="col" class="number">${chart.valueHeader ?? 'Valoare'}</th></tr></thead>
        <tbody>${chart.data.map((datum) => html`<tr><th scope="row">${datum.label}</th><td class="number">${datum.valueLabel ?? formatNumber(datum.value)}</td></tr>`)}</tbody>
      </table>
    </details>
  </figure>`;
}
