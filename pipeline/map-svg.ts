/** One axis of the map: its slug and the labels of pole A (-1) and pole B (+1). */
export interface MapAxis {
  slug: string;
  poleA: string;
  poleB: string;
}

/** A group's place on one axis; null when it has no position (or no interval) there. */
export interface MapPlacement {
  position: number | null;
  ci: readonly [number, number] | null;
}

/** One group to place on the map. */
export interface MapGroup {
  key: string;
  x: MapPlacement;
  y: MapPlacement;
  n_relevant: number;
  /** A link for the point (the web page's "select this group"); the point is then focusable. */
  href?: string;
  /** Text shown on hover (a <title>), e.g. positions and counts. */
  tooltip?: string;
  /** Drawn larger with a ring: the group the page shows details of. */
  selected?: boolean;
}

/** Everything the map shows; `note` is the caption (e.g. "synthetic test models: not findings"). */
export interface StanceMapInput {
  x: MapAxis;
  y: MapAxis;
  groups: readonly MapGroup[];
  note: string;
  title?: string;
}

/** An estimated text box in canvas pixels. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface LabelSpot {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

/** Where a label went: its spot, and whether it is far enough from its point to need a leader line. */
interface LabelPlacement {
  spot: LabelSpot;
  leader: boolean;
}

const PLOT = { left: 110, top: 56, size: 520 } as const;
const WIDTH = PLOT.left + PLOT.size + 150;
const PLOT_RIGHT = PLOT.left + PLOT.size;
const PLOT_BOTTOM = PLOT.top + PLOT.size;
export const MAP_FONT_SIZE = 12;
const LINE_HEIGHT = 16;
// The caption spans the canvas, not the plot: it starts at this margin and wraps by estimated width.
const CAPTION_LEFT = 16;
/** Longest group name drawn in full; longer ones end in an ellipsis (the full name is the label's <title>). */
export const MAX_LABEL_CHARS = 24;
/**
 * Where labels may go: right of the y-axis ticks (which end at PLOT.left - 8), above the x-axis
 * ticks, below the title, and inside the canvas's right margin.
 */
export const LABEL_AREA: Box = { x0: PLOT.left + 1, y0: PLOT.top - 18, x1: WIDTH - 2, y1: PLOT_BOTTOM + 4 };
// Okabe-Ito colours without yellow: distinguishable with colour-vision deficiencies, legible on white.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Pixel x of an axis value; values outside [-1, 1] are drawn at the edge. */
function px(v: number): number {
  return PLOT.left + ((clamp(v) + 1) / 2) * PLOT.size;
}

/** Pixel y of an axis value; +1 (pole B) is at the top. */
function py(v: number): number {
  return PLOT.top + ((1 - clamp(v)) / 2) * PLOT.size;
}

/** v limited to [-1, 1]. */
function clamp(v: number): number {
  return Math.min(1, Math.max(-1, v));
}

/** A coordinate rounded to 0.01 px, so output is short and stable. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A group name cut to MAX_LABEL_CHARS characters, ending in an ellipsis when cut. */
export function shortenLabel(key: string): string {
  const chars = [...key];
  return chars.length <= MAX_LABEL_CHARS ? key : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('').trimEnd()}…`;
}

/** The text of a group's label (shortened), and its full form for the tooltip. */
function labelText(g: MapGroup): { short: string; full: string } {
  return { short: `${shortenLabel(g.key)} (n=${g.n_relevant})`, full: `${g.key} (n=${g.n_relevant})` };
}

/**
 * Estimated width of text at the map's font size, on the generous side so estimated boxes cover
 * the drawn ones: capitals and m/w count 0.75 em, every other character 0.6 em (sans-serif
 * averages about 0.5 em).
 */
export function estimateTextWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[A-Z@%MWmw]/.test(ch) ? 0.75 : 0.6;
  return w * MAP_FONT_SIZE;
}

/** Estimated bounding box of a label drawn at a spot (baseline y; ascenders above, descenders below). */
export function labelBox(spot: LabelSpot, text: string): Box {
  const w = estimateTextWidth(text);
  const x0 = spot.anchor === 'start' ? spot.x : spot.anchor === 'end' ? spot.x - w : spot.x - w / 2;
  return { x0, y0: spot.y - MAP_FONT_SIZE, x1: x0 + w, y1: spot.y + 4 };
}

/** Whether two boxes overlap. */
function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Whether a box lies inside another. */
function inside(inner: Box, outer: Box): boolean {
  return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
}

/** Candidate label spots next to a point, best first: right, left, above, below, then a few lines up or down. */
function nearSpots(x: number, y: number): LabelSpot[] {
  const spots: LabelSpot[] = [
    { x: x + 8, y: y + 4, anchor: 'start' },
    { x: x - 8, y: y + 4, anchor: 'end' },
    { x, y: y - 10, anchor: 'middle' },
    { x, y: y + 20, anchor: 'middle' },
  ];
  for (let step = 1; step <= 2; step++) {
    for (const dy of [step * LINE_HEIGHT, -step * LINE_HEIGHT]) {
      spots.push({ x: x + 8, y: y + 4 + dy, anchor: 'start' }, { x: x - 8, y: y + 4 + dy, anchor: 'end' });
    }
  }
  return spots;
}

/** Every spot of a grid over the label area (left-anchored), nearest to the point first: for labels drawn away with a leader line. */
function farSpots(x: number, y: number, text: string): LabelSpot[] {
  const w = estimateTextWidth(text);
  const spots: { spot: LabelSpot; d: number }[] = [];
  for (let by = LABEL_AREA.y0 + MAP_FONT_SIZE; by + 4 <= LABEL_AREA.y1; by += 6) {
    for (let bx = LABEL_AREA.x0; bx + w <= LABEL_AREA.x1; bx += 8) {
      // Distance from the point to the nearest point of the box.
      const dx = Math.max(bx - x, 0, x - (bx + w));
      const dy = Math.max(by - MAP_FONT_SIZE - y, 0, y - (by + 4));
      spots.push({ spot: { x: bx, y: by, anchor: 'start' }, d: dx * dx + dy * dy });
    }
  }
  return spots.sort((a, b) => a.d - b.d).map((s) => s.spot);
}

/**
 * Places labels so that none leaves the label area and none overlaps another label or a marker:
 * next to its point when a spot there is free, else at the nearest free spot of the area (drawn
 * with a leader line). Groups with more relevant chunks are placed first and get the closer spots.
 * A label with no free spot anywhere is left out (undefined) and listed in the caption.
 */
function placeLabels(points: readonly { x: number; y: number; text: string; weight: number }[]): (LabelPlacement | undefined)[] {
  const taken: Box[] = points.map((p) => ({ x0: p.x - 5, y0: p.y - 5, x1: p.x + 5, y1: p.y + 5 }));
  const free = (spot: LabelSpot, text: string) => {
    const b = labelBox(spot, text);
    return inside(b, LABEL_AREA) && !taken.some((t) => overlaps(t, b));
  };
  const order = points.map((_, i) => i).sort((a, b) => (points[b]?.weight ?? 0) - (points[a]?.weight ?? 0) || a - b);
  const out: (LabelPlacement | undefined)[] = points.map(() => undefined);
  for (const i of order) {
    const p = points[i];
    if (!p) continue;
    const near = nearSpots(p.x, p.y).find((s) => free(s, p.text));
    const spot = near ?? farSpots(p.x, p.y, p.text).find((s) => free(s, p.text));
    if (!spot) continue;
    taken.push(labelBox(spot, p.text));
    out[i] = { spot, leader: near === undefined };
  }
  return out;
}

/** The leader line from a point to the nearest point of its label's box. */
function leaderLine(x: number, y: number, box: Box): string {
  const tx = Math.min(Math.max(x, box.x0), box.x1);
  const ty = Math.min(Math.max(y, box.y0), box.y1);
  return `<line class="leader" x1="${n(x)}" y1="${n(y)}" x2="${n(tx)}" y2="${n(ty)}" stroke="#999" stroke-width="0.75"/>`;
}

/**
 * Splits text into lines at spaces, each at most `width` pixels wide by estimateTextWidth (a
 * character count let lines of wide letters run off the canvas); longer words stay whole.
 */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && estimateTextWidth(`${line} ${word}`) > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The "not plotted" note for groups missing a position on either axis; empty when all are plotted. */
function unplottedNote(input: StanceMapInput): string {
  const missing = input.groups.flatMap((g) => {
    const axes = [g.x.position === null ? input.x.slug : null, g.y.position === null ? input.y.slug : null].filter((s) => s !== null);
    return axes.length === 0 ? [] : [`${g.key} (n=${g.n_relevant}, no position on ${axes.join(' and ')})`];
  });
  return missing.length === 0 ? '' : `Not plotted: ${missing.join('; ')}.`;
}

/** Checks that a drawn number is finite, naming the group and field when it is not. */
function checkFinite(v: number, what: string): number {
  if (!Number.isFinite(v)) throw new RangeError(`${what} is ${v}, not a finite number`);
  return v;
}

/** The lines that draw one group's interval whiskers, with end caps. */
function whiskers(x: number, y: number, g: MapGroup, colour: string): string[] {
  const out: string[] = [];
  const stroke = `stroke="${colour}" stroke-width="1.5"`;
  if (g.x.ci !== null) {
    const x0 = px(checkFinite(g.x.ci[0], `${g.key} x.ci[0]`));
    const x1 = px(checkFinite(g.x.ci[1], `${g.key} x.ci[1]`));
    out.push(`<line class="whisker-x" x1="${n(x0)}" y1="${n(y)}" x2="${n(x1)}" y2="${n(y)}" ${stroke}/>`);
    for (const e of [x0, x1]) out.push(`<line x1="${n(e)}" y1="${n(y - 4)}" x2="${n(e)}" y2="${n(y + 4)}" ${stroke}/>`);
  }
  if (g.y.ci !== null) {
    const y0 = py(checkFinite(g.y.ci[0], `${g.key} y.ci[0]`));
    const y1 = py(checkFinite(g.y.ci[1], `${g.key} y.ci[1]`));
    out.push(`<line class="whisker-y" x1="${n(x)}" y1="${n(y0)}" x2="${n(x)}" y2="${n(y1)}" ${stroke}/>`);
    for (const e of [y0, y1]) out.push(`<line x1="${n(x - 4)}" y1="${n(e)}" x2="${n(x + 4)}" y2="${n(e)}" ${stroke}/>`);
  }
  return out;
}

/** Frame, zero gridlines, ticks and axis titles with the pole labels at both ends of each axis. */
function axesMarkup(xAxis: MapAxis, yAxis: MapAxis): string[] {
  const xMid = px(0);
  const yMid = py(0);
  const out = [
    `<rect class="plot-area" x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.size}" height="${PLOT.size}" fill="#fafafa" stroke="#888"/>`,
    `<line class="grid-zero" x1="${n(xMid)}" y1="${PLOT.top}" x2="${n(xMid)}" y2="${PLOT_BOTTOM}" stroke="#bbb" stroke-dasharray="4 3"/>`,
    `<line class="grid-zero" x1="${PLOT.left}" y1="${n(yMid)}" x2="${PLOT_RIGHT}" y2="${n(yMid)}" stroke="#bbb" stroke-dasharray="4 3"/>`,
  ];
  for (const v of [-1, 0, 1]) {
    out.push(`<text x="${n(px(v))}" y="${PLOT_BOTTOM + 16}" text-anchor="middle" fill="#555">${v}</text>`);
    out.push(`<text x="${PLOT.left - 8}" y="${n(py(v) + 4)}" text-anchor="end" fill="#555">${v}</text>`);
  }
  const poleRow = PLOT_BOTTOM + 36;
  out.push(
    `<text class="pole" x="${PLOT.left}" y="${poleRow}" text-anchor="start">← ${escapeXml(xAxis.poleA)}</text>`,
    `<text class="pole" x="${PLOT_RIGHT}" y="${poleRow}" text-anchor="end">${escapeXml(xAxis.poleB)} →</text>`,
    `<text class="axis-title" x="${n(xMid)}" y="${poleRow + 20}" text-anchor="middle" font-weight="bold">${escapeXml(`${xAxis.poleA} ↔ ${xAxis.poleB}`)} (${escapeXml(xAxis.slug)})</text>`,
  );
  const poleCol = PLOT.left - 36;
  const titleCol = PLOT.left - 60;
  out.push(
    `<text class="pole" x="${poleCol}" y="${PLOT_BOTTOM}" transform="rotate(-90 ${poleCol} ${PLOT_BOTTOM})" text-anchor="start">← ${escapeXml(yAxis.poleA)}</text>`,
    `<text class="pole" x="${poleCol}" y="${PLOT.top}" transform="rotate(-90 ${poleCol} ${PLOT.top})" text-anchor="end">${escapeXml(yAxis.poleB)} →</text>`,
    `<text class="axis-title" x="${titleCol}" y="${n(yMid)}" transform="rotate(-90 ${titleCol} ${n(yMid)})" text-anchor="middle" font-weight="bold">${escapeXml(`${yAxis.poleA} ↔ ${yAxis.poleB}`)} (${escapeXml(yAxis.slug)})</text>`,
  );
  return out;
}

/**
 * Renders a stance map as an SVG string: x = position on input.x, y = position on input.y, both
 * from -1 (pole A) to +1 (pole B), with interval whiskers, labels placed clear of each other and
 * inside the canvas (shortened, full name in a <title>), zero gridlines, the caption note and a
 * list of groups left out for lack of a position.
 */
export function renderStanceMapSvg(input: StanceMapInput): string {
  const plotted = input.groups.filter((g) => g.x.position !== null && g.y.position !== null);
  const points = plotted.map((g) => {
    const { short, full } = labelText(g);
    return {
      x: px(checkFinite(g.x.position ?? 0, `${g.key} x.position`)),
      y: py(checkFinite(g.y.position ?? 0, `${g.key} y.position`)),
      text: short,
      full,
      weight: g.n_relevant,
    };
  });
  const placements = placeLabels(points);
  const unlabelled = points.filter((_p, i) => placements[i] === undefined).map((p) => p.full);
  const captionLines = [
    ...wrap(input.note, WIDTH - 2 * CAPTION_LEFT).map((text) => ({ text, italic: true })),
    ...wrap(unplottedNote(input), WIDTH - 2 * CAPTION_LEFT).map((text) => ({ text, italic: false })),
    ...wrap(unlabelled.length ? `Plotted without a label (no room; hover a point for its name, or draw fewer groups with --top or --sources): ${unlabelled.join('; ')}.` : '', WIDTH - 2 * CAPTION_LEFT).map((text) => ({ text, italic: false })),
  ];
  const captionTop = PLOT_BOTTOM + 84;
  const height = captionTop + captionLines.length * LINE_HEIGHT + 8;
  const title = input.title ?? `Stance map: ${input.x.slug} × ${input.y.slug}`;

  const body: string[] = [
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text class="title" x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...axesMarkup(input.x, input.y),
  ];
  plotted.forEach((g, i) => {
    const p = points[i];
    if (!p) return;
    const colour = PALETTE[i % PALETTE.length] ?? '#000';
    body.push(...whiskers(p.x, p.y, g, colour));
  });
  // Leader lines under the markers and labels they join.
  points.forEach((p, i) => {
    const placed = placements[i];
    if (placed?.leader) body.push(leaderLine(p.x, p.y, labelBox(placed.spot, p.text)));
  });
  plotted.forEach((g, i) => {
    const p = points[i];
    if (!p) return;
    const colour = PALETTE[i % PALETTE.length] ?? '#000';
    const ring = g.selected ? ` r="7" stroke="#111" stroke-width="2"` : ` r="4"`;
    // The hover text: the page's tooltip (positions and counts) or, at least, the full name.
    const circle = `<circle class="group" data-key="${escapeXml(g.key)}" cx="${n(p.x)}" cy="${n(p.y)}"${ring} fill="${colour}"><title>${escapeXml(g.tooltip ?? p.full)}</title></circle>`;
    // A linked point is a keyboard stop; its label links too but is skipped by Tab (one stop per group).
    body.push(g.href ? `<a class="group-link" href="${escapeXml(g.href)}" aria-label="${escapeXml(p.full)}">${circle}</a>` : circle);
  });
  plotted.forEach((g, i) => {
    const p = points[i];
    const s = placements[i]?.spot;
    if (!p || !s) return;
    // The <title> holds the full name: a shortened label shows it on hover.
    const label = `<text class="label" x="${n(s.x)}" y="${n(s.y)}" text-anchor="${s.anchor}" fill="#222"${g.selected ? ' font-weight="bold"' : ''}><title>${escapeXml(p.full)}</title>${escapeXml(p.text)}</text>`;
    body.push(g.href ? `<a href="${escapeXml(g.href)}" tabindex="-1">${label}</a>` : label);
  });
  captionLines.forEach((line, i) => {
    const style = line.italic ? ' font-style="italic"' : '';
    body.push(`<text class="caption" x="${CAPTION_LEFT}" y="${captionTop + i * LINE_HEIGHT}"${style} fill="#444">${escapeXml(line.text)}</text>`);
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="${MAP_FONT_SIZE}" role="img">`,
    ...body.map((line) => `  ${line}`),
    '</svg>',
    '',
  ].join('\n');
}
