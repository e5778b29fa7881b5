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

interface Box {
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

const PLOT = { left: 110, top: 56, size: 520 } as const;
const WIDTH = PLOT.left + PLOT.size + 150;
const PLOT_RIGHT = PLOT.left + PLOT.size;
const PLOT_BOTTOM = PLOT.top + PLOT.size;
const FONT_SIZE = 12;
// A generous average glyph width for sans-serif at 12px, so estimated label boxes cover real ones.
const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;
const NOTE_CHARS_PER_LINE = 110;
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

/** The text of a group's label. */
function labelText(g: MapGroup): string {
  return `${g.key} (n=${g.n_relevant})`;
}

/** Estimated bounding box of a label drawn at a spot. */
function labelBox(spot: LabelSpot, text: string): Box {
  const w = text.length * CHAR_WIDTH;
  const x0 = spot.anchor === 'start' ? spot.x : spot.anchor === 'end' ? spot.x - w : spot.x - w / 2;
  return { x0, y0: spot.y - FONT_SIZE, x1: x0 + w, y1: spot.y + 3 };
}

/** Whether two boxes overlap. */
function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Candidate label spots around a point, best first: right, left, above, below, then stepping away vertically. */
function candidateSpots(x: number, y: number): LabelSpot[] {
  const spots: LabelSpot[] = [
    { x: x + 8, y: y + 4, anchor: 'start' },
    { x: x - 8, y: y + 4, anchor: 'end' },
    { x, y: y - 10, anchor: 'middle' },
    { x, y: y + 20, anchor: 'middle' },
  ];
  for (let step = 1; step <= 8; step++) {
    for (const dy of [step * LINE_HEIGHT, -step * LINE_HEIGHT]) {
      spots.push({ x: x + 8, y: y + 4 + dy, anchor: 'start' }, { x: x - 8, y: y + 4 + dy, anchor: 'end' });
    }
  }
  return spots;
}

/**
 * Places labels in input order, each at the first candidate spot inside the canvas that overlaps
 * no marker and no label already placed; if none is free it takes the first spot inside the canvas.
 */
function placeLabels(points: readonly { x: number; y: number; text: string }[]): LabelSpot[] {
  const taken: Box[] = points.map((p) => ({ x0: p.x - 5, y0: p.y - 5, x1: p.x + 5, y1: p.y + 5 }));
  return points.map((p) => {
    const spots = candidateSpots(p.x, p.y);
    const inside = spots.filter((s) => {
      const b = labelBox(s, p.text);
      // Labels may use the strip between the title and the plot, but not the tick-label row below it.
      return b.x0 >= 2 && b.x1 <= WIDTH - 2 && b.y0 >= PLOT.top - 18 && b.y1 <= PLOT_BOTTOM + 4;
    });
    const free = inside.find((s) => !taken.some((t) => overlaps(t, labelBox(s, p.text))));
    const spot = free ?? inside[0] ?? spots[0] ?? { x: p.x + 8, y: p.y + 4, anchor: 'start' as const };
    taken.push(labelBox(spot, p.text));
    return spot;
  });
}

/** Splits text into lines of at most `width` characters at spaces (longer words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
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
 * from -1 (pole A) to +1 (pole B), with interval whiskers, nudged labels, zero gridlines, the
 * caption note and a list of groups left out for lack of a position.
 */
export function renderStanceMapSvg(input: StanceMapInput): string {
  const plotted = input.groups.filter((g) => g.x.position !== null && g.y.position !== null);
  const points = plotted.map((g) => ({
    x: px(checkFinite(g.x.position ?? 0, `${g.key} x.position`)),
    y: py(checkFinite(g.y.position ?? 0, `${g.key} y.position`)),
    text: labelText(g),
  }));
  const spots = placeLabels(points);
  const captionLines = [
    ...wrap(input.note, NOTE_CHARS_PER_LINE).map((text) => ({ text, italic: true })),
    ...wrap(unplottedNote(input), NOTE_CHARS_PER_LINE).map((text) => ({ text, italic: false })),
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
  plotted.forEach((g, i) => {
    const p = points[i];
    if (!p) return;
    const colour = PALETTE[i % PALETTE.length] ?? '#000';
    const ring = g.selected ? ` r="7" stroke="#111" stroke-width="2"` : ` r="4"`;
    const circle = `<circle class="group" data-key="${escapeXml(g.key)}" cx="${n(p.x)}" cy="${n(p.y)}"${ring} fill="${colour}">${g.tooltip ? `<title>${escapeXml(g.tooltip)}</title>` : ''}</circle>`;
    // A linked point is a keyboard stop; its label links too but is skipped by Tab (one stop per group).
    body.push(g.href ? `<a class="group-link" href="${escapeXml(g.href)}" aria-label="${escapeXml(labelText(g))}">${circle}</a>` : circle);
  });
  plotted.forEach((g, i) => {
    const p = points[i];
    const s = spots[i];
    if (!p || !s) return;
    const label = `<text class="label" x="${n(s.x)}" y="${n(s.y)}" text-anchor="${s.anchor}" fill="#222"${g.selected ? ' font-weight="bold"' : ''}>${escapeXml(p.text)}</text>`;
    body.push(g.href ? `<a href="${escapeXml(g.href)}" tabindex="-1">${label}</a>` : label);
  });
  captionLines.forEach((line, i) => {
    const style = line.italic ? ' font-style="italic"' : '';
    body.push(`<text class="caption" x="${PLOT.left}" y="${captionTop + i * LINE_HEIGHT}"${style} fill="#444">${escapeXml(line.text)}</text>`);
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="${FONT_SIZE}" role="img">`,
    ...body.map((line) => `  ${line}`),
    '</svg>',
    '',
  ].join('\n');
}
