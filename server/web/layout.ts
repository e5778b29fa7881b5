import { html, type Html, type Slot } from './html.ts';

/** The pages of the navigation bar, in order: path under the mount point and label. */
const NAV: readonly [string, string][] = [
  ['map', 'Map'],
  ['compare', 'Compare'],
  ['trends', 'Trends'],
  ['documents', 'Documents'],
  ['similar', 'Similar passages'],
  ['review', 'Label review'],
  ['queues', 'Queues'],
];

/** Where the pages are mounted (server/app.ts). */
export const WEB_ROOT = '/ui';

/** A path of a page, e.g. page('map') = /ui/map. */
export const page = (path: string): string => `${WEB_ROOT}/${path}`;

/** A whole page: title, navigation with the current page marked, the content, and its scripts. */
export function layout(opts: { title: string; current: string; body: Slot; scripts?: string[] }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · stance</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${page('static/style.css')}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="pages"><span class="brand">stance</span>${NAV.map(
    ([path, label]) => html`<a href="${page(path)}"${path === opts.current ? html` aria-current="page"` : ''}>${label}</a>`,
  )}</nav></header>
<main id="main">
<h1>${opts.title}</h1>
${opts.body}
</main>
${(opts.scripts ?? []).map((s) => html`<script type="module" src="${page(`static/${s}`)}"></script>`)}
</body>
</html>`;
}

/** A number with fixed decimals, or an en dash for none. */
export function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** "[lo, hi]" or an en dash. */
export function interval(ci: readonly [number, number] | null | undefined, digits = 3): string {
  return ci ? `[${num(ci[0], digits)}, ${num(ci[1], digits)}]` : '–';
}

/** A p-value as text: small ones as "< 0.001". */
export function pValue(p: number | null): string {
  if (p === null) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A message box (role=alert for errors, so screen readers say it). */
export function notice(kind: 'error' | 'info', text: Slot): Html {
  return kind === 'error' ? html`<p class="notice error" role="alert">${text}</p>` : html`<p class="notice">${text}</p>`;
}

/** A link with query parameters (empty values left out). */
export function link(path: string, params: Record<string, string | number | readonly string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${page(path)}?${s}` : page(path);
}

/** A <select> of options with the current one selected, and an optional empty first option (its label given). */
export function selectField(name: string, options: readonly string[], current: string | undefined, empty?: string): Html {
  return html`<select name="${name}">${empty !== undefined ? html`<option value="">${empty}</option>` : ''}${options.map((o) => html`<option value="${o}"${o === current ? html` selected` : ''}>${o}</option>`)}</select>`;
}
