import { html, type Html } from './html.ts';
import { num } from './layout.ts';

/** One row of an interval chart: a label, a point and its 95% interval (null: nothing to draw). */
export interface IntervalRow {
  label: string;
  position: number | null;
  ci: readonly [number, number] | null;
}

const W = 640;
const LEFT = 210;
const RIGHT = 30;
const ROW = 26;
const clamp = (v: number) => Math.min(1, Math.max(-1, v));
const px = (v: number) => Math.round((LEFT + ((clamp(v) + 1) / 2) * (W - LEFT - RIGHT)) * 10) / 10;

/**
 * Positions on one axis from -1 (pole A, left) to +1 (pole B, right), one row per label with its
 * interval whisker: the compare page's picture of a table that follows it.
 */
export function intervalChart(rows: readonly IntervalRow[], poles: readonly [string, string], title: string): Html {
  const height = 40 + rows.length * ROW + 28;
  const bottom = 30 + rows.length * ROW;
  return html`<svg class="chart" role="img" aria-label="${title}" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-size="12" font-family="system-ui, sans-serif">
<title>${title}</title>
<rect x="${LEFT}" y="20" width="${W - LEFT - RIGHT}" height="${bottom - 20}" fill="#fafafa" stroke="#bbb"/>
<line x1="${px(0)}" y1="20" x2="${px(0)}" y2="${bottom}" stroke="#bbb" stroke-dasharray="4 3"/>
${[-1, -0.5, 0, 0.5, 1].map((v) => html`<text x="${px(v)}" y="${bottom + 14}" text-anchor="middle" fill="#555">${v}</text>`)}
<text x="${LEFT}" y="14" fill="#333">← ${poles[0]}</text><text x="${W - RIGHT}" y="14" text-anchor="end" fill="#333">${poles[1]} →</text>
${rows.map((r, i) => {
    const y = 20 + ROW / 2 + i * ROW;
    const label = r.label.length > 30 ? `${r.label.slice(0, 29)}…` : r.label;
    return html`<g><title>${r.label}: ${num(r.position)}${r.ci ? ` [${num(r.ci[0])}, ${num(r.ci[1])}]` : ''}</title>
<text x="${LEFT - 8}" y="${y + 4}" text-anchor="end" fill="#222">${label}</text>
${r.ci ? html`<line x1="${px(r.ci[0])}" y1="${y}" x2="${px(r.ci[1])}" y2="${y}" stroke="#0072b2" stroke-width="2"/><line x1="${px(r.ci[0])}" y1="${y - 5}" x2="${px(r.ci[0])}" y2="${y + 5}" stroke="#0072b2" stroke-width="2"/><line x1="${px(r.ci[1])}" y1="${y - 5}" x2="${px(r.ci[1])}" y2="${y + 5}" stroke="#0072b2" stroke-width="2"/>` : ''}
${r.position === null ? html`<text x="${px(0)}" y="${y + 4}" text-anchor="middle" fill="#999">no position</text>` : html`<circle cx="${px(r.position)}" cy="${y}" r="5" fill="#d55e00"/>`}</g>`;
  })}
</svg>`;
}

/** One point of a trend: a period (year) and the position with its interval. */
export interface TrendPoint {
  period: string;
  position: number | null;
  ci: readonly [number, number] | null;
  n_relevant: number;
}

const TW = 720;
const TH = 320;
const T = { left: 70, right: 30, top: 30, bottom: 50 };

/**
 * A source's position over time on one axis: periods spaced by their year on x, -1 (pole A,
 * bottom) to +1 (pole B, top) on y, points with 95% interval whiskers joined by a line.
 */
export function trendChart(points: readonly TrendPoint[], poles: readonly [string, string], title: string): Html {
  const years = points.map((p) => Number(p.period));
  const lo = Math.min(...years);
  const hi = Math.max(...years);
  const span = hi - lo || 1;
  // 30 px inside the frame at both ends, so the first and last whiskers and years stay clear of it.
  const x = (year: number) => Math.round(T.left + 30 + (points.length === 1 ? 0.5 : (year - lo) / span) * (TW - T.left - T.right - 60));
  const y = (v: number) => Math.round(T.top + ((1 - clamp(v)) / 2) * (TH - T.top - T.bottom));
  const drawn = points.filter((p) => p.position !== null);
  const path = drawn.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(Number(p.period))},${y(p.position as number)}`).join(' ');
  return html`<svg class="chart" role="img" aria-label="${title}" width="${TW}" height="${TH}" viewBox="0 0 ${TW} ${TH}" font-size="12" font-family="system-ui, sans-serif">
<title>${title}</title>
<rect x="${T.left}" y="${T.top}" width="${TW - T.left - T.right}" height="${TH - T.top - T.bottom}" fill="#fafafa" stroke="#bbb"/>
<line x1="${T.left}" y1="${y(0)}" x2="${TW - T.right}" y2="${y(0)}" stroke="#bbb" stroke-dasharray="4 3"/>
${[-1, 0, 1].map((v) => html`<text x="${T.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v}</text>`)}
<text x="${T.left}" y="${T.top - 10}" fill="#333">↑ ${poles[1]}</text>
<text x="${T.left}" y="${TH - T.bottom + 34}" fill="#333">↓ ${poles[0]}</text>
${points.map((p) => html`<text x="${x(Number(p.period))}" y="${TH - T.bottom + 16}" text-anchor="middle" fill="#555">${p.period}</text>`)}
${path ? html`<path d="${path}" fill="none" stroke="#999" stroke-width="1.5"/>` : ''}
${drawn.map((p) => {
    const px0 = x(Number(p.period));
    return html`<g><title>${p.period}: ${num(p.position)}${p.ci ? ` [${num(p.ci[0])}, ${num(p.ci[1])}]` : ''}, ${p.n_relevant} relevant chunks</title>
${p.ci ? html`<line x1="${px0}" y1="${y(p.ci[0])}" x2="${px0}" y2="${y(p.ci[1])}" stroke="#0072b2" stroke-width="2"/><line x1="${px0 - 5}" y1="${y(p.ci[0])}" x2="${px0 + 5}" y2="${y(p.ci[0])}" stroke="#0072b2" stroke-width="2"/><line x1="${px0 - 5}" y1="${y(p.ci[1])}" x2="${px0 + 5}" y2="${y(p.ci[1])}" stroke="#0072b2" stroke-width="2"/>` : ''}
<circle cx="${px0}" cy="${y(p.position as number)}" r="5" fill="#d55e00"/></g>`;
  })}
</svg>`;
}
