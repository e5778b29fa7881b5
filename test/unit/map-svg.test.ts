import { describe, expect, it } from 'vitest';
import { escapeXml, estimateTextWidth, MAX_LABEL_CHARS, renderStanceMapSvg } from '../../pipeline/map-svg.ts';
import type { MapGroup, StanceMapInput } from '../../pipeline/map-svg.ts';

interface Element {
  name: string;
  attrs: Map<string, string>;
  text: string;
  children: Element[];
}

/**
 * A tiny XML well-formedness checker: balanced tags, quoted unique attributes, no raw `<` or stray
 * `&` in text or values. Throws on the first problem; returns the root element.
 */
function parseXml(xml: string): Element {
  const stack: Element[] = [];
  let root: Element | null = null;
  let i = 0;
  const checkText = (text: string, where: number) => {
    for (let k = 0; k < text.length; k++) {
      if (text[k] === '<') throw new Error(`raw < at ${where + k}`);
      if (text[k] === '&') {
        const end = text.indexOf(';', k);
        const entity = end < 0 ? '' : text.slice(k + 1, end);
        if (!['amp', 'lt', 'gt', 'quot', 'apos'].includes(entity)) throw new Error(`bad entity at ${where + k}`);
      }
    }
  };
  const isNameChar = (c: string) => /[A-Za-z0-9_:.-]/.test(c);
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? xml.length : next;
      const text = xml.slice(i, end);
      checkText(text, i);
      const top = stack[stack.length - 1];
      if (top) top.text += text;
      else if (text.trim() !== '') throw new Error(`text outside the root at ${i}`);
      i = end;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at ${i}`);
      i = end + 1;
      continue;
    }
    let j = i + 1;
    while (j < xml.length && isNameChar(xml[j] as string)) j++;
    const el: Element = { name: xml.slice(i + 1, j), attrs: new Map(), text: '', children: [] };
    if (el.name === '') throw new Error(`empty tag name at ${i}`);
    for (;;) {
      while (xml[j] === ' ' || xml[j] === '\n') j++;
      if (xml.startsWith('/>', j) || xml[j] === '>') break;
      const nameStart = j;
      while (j < xml.length && isNameChar(xml[j] as string)) j++;
      const attr = xml.slice(nameStart, j);
      if (attr === '' || xml[j] !== '=' || xml[j + 1] !== '"') throw new Error(`bad attribute at ${nameStart}`);
      const close = xml.indexOf('"', j + 2);
      if (close < 0) throw new Error(`unterminated attribute at ${nameStart}`);
      const value = xml.slice(j + 2, close);
      checkText(value, j + 2);
      if (el.attrs.has(attr)) throw new Error(`duplicate attribute ${attr} at ${nameStart}`);
      el.attrs.set(attr, value);
      j = close + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error(`second root element at ${i}`);
    else root = el;
    if (xml[j] === '>') {
      stack.push(el);
      i = j + 1;
    } else {
      i = j + 2;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** All elements of the tree, depth first. */
function walk(el: Element): Element[] {
  return [el, ...el.children.flatMap(walk)];
}

/** Numeric attribute value, failing the test when it is absent. */
function num(el: Element | undefined, attr: string): number {
  const v = el?.attrs.get(attr);
  if (v === undefined) throw new Error(`missing ${attr}`);
  return Number(v);
}

const placed = (key: string, x: number, y: number, ci = 0.1, n = 12): MapGroup => ({
  key,
  x: { position: x, ci: [x - ci, x + ci] },
  y: { position: y, ci: [y - ci, y + ci] },
  n_relevant: n,
});

const input: StanceMapInput = {
  x: { slug: 'sov_ms', poleA: 'sovereignty', poleB: 'multistakeholder' },
  y: { slug: 'sec_dev', poleA: 'security', poleB: 'development' },
  groups: [
    placed('ITU', 1, 1),
    placed('ICT4Peace <Foundation> & "friends"', -0.5, 0.2),
    placed('Havana forum', 0.21, 0.19),
    placed('Havana forum bis', 0.22, 0.2),
    { key: 'Lonely x', x: { position: 0.3, ci: null }, y: { position: null, ci: null }, n_relevant: 1 },
    { key: 'Nowhere', x: { position: null, ci: null }, y: { position: null, ci: null }, n_relevant: 0 },
  ],
  note: 'synthetic test models: not findings',
};

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML forbids', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('renderStanceMapSvg', () => {
  const svg = renderStanceMapSvg(input);
  const root = parseXml(svg);
  const all = walk(root);
  const texts = all.filter((e) => e.name === 'text').map((e) => e.text);

  it('is well-formed SVG', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs.get('xmlns')).toBe('http://www.w3.org/2000/svg');
    // The checker itself must catch what it is there to catch (its own messages).
    expect(() => parseXml('<svg><g></svg>')).toThrow('</svg> closes <g> at 8');
    expect(() => parseXml('<svg><text>a < b</text></svg>')).toThrow('empty tag name at 13');
  });

  it('is the same string for the same input', () => {
    expect(renderStanceMapSvg(input)).toBe(svg);
  });

  it('labels each plotted group with its escaped key, names over 24 characters cut with an ellipsis and given in full in a <title>', () => {
    expect(svg).not.toContain('<Foundation>');
    const labels = all.filter((e) => e.attrs.get('class') === 'label');
    // 'ICT4Peace <Foundation> & "friends"' is 34 characters: its first 23 (trailing space dropped), then the ellipsis.
    expect(labels.map((e) => e.text)).toEqual(['ITU (n=12)', 'ICT4Peace &lt;Foundation&gt;… (n=12)', 'Havana forum (n=12)', 'Havana forum bis (n=12)']);
    expect(labels.map((e) => e.children.find((c) => c.name === 'title')?.text)).toEqual([
      'ITU (n=12)',
      'ICT4Peace &lt;Foundation&gt; &amp; &quot;friends&quot; (n=12)',
      'Havana forum (n=12)',
      'Havana forum bis (n=12)',
    ]);
  });

  it('places a group at (1, 1) at the top-right corner of the plot area', () => {
    const area = all.find((e) => e.attrs.get('class') === 'plot-area');
    const itu = all.find((e) => e.name === 'circle' && e.attrs.get('data-key') === 'ITU');
    expect(num(itu, 'cx')).toBe(num(area, 'x') + num(area, 'width'));
    expect(num(itu, 'cy')).toBe(num(area, 'y'));
  });

  it('maps positions linearly, with +1 up on the y axis', () => {
    const area = all.find((e) => e.attrs.get('class') === 'plot-area');
    const [x0, y0, w, h] = [num(area, 'x'), num(area, 'y'), num(area, 'width'), num(area, 'height')];
    const ict = all.find((e) => e.name === 'circle' && e.attrs.get('data-key')?.startsWith('ICT4Peace'));
    expect(num(ict, 'cx')).toBeCloseTo(x0 + 0.25 * w, 1);
    expect(num(ict, 'cy')).toBeCloseTo(y0 + 0.4 * h, 1);
  });

  it('draws whiskers in both directions spanning the intervals', () => {
    const area = all.find((e) => e.attrs.get('class') === 'plot-area');
    const w = num(area, 'width');
    const wx = all.filter((e) => e.attrs.get('class') === 'whisker-x');
    const wy = all.filter((e) => e.attrs.get('class') === 'whisker-y');
    expect(wx).toHaveLength(4);
    expect(wy).toHaveLength(4);
    // ICT4Peace: x interval [-0.6, -0.4] is 0.2 of the 2-unit axis.
    expect(Math.abs(num(wx[1], 'x2') - num(wx[1], 'x1'))).toBeCloseTo(0.1 * w, 1);
  });

  it('has axis titles with pole labels at both ends, zero gridlines and the caption', () => {
    expect(texts).toContain('← sovereignty');
    expect(texts).toContain('multistakeholder →');
    expect(texts).toContain('← security');
    expect(texts).toContain('development →');
    expect(texts.some((t) => t.includes('sovereignty ↔ multistakeholder'))).toBe(true);
    expect(all.filter((e) => e.attrs.get('class') === 'grid-zero')).toHaveLength(2);
    expect(texts).toContain('synthetic test models: not findings');
  });

  it('lists groups without a position in a note instead of plotting them', () => {
    const circles = all.filter((e) => e.name === 'circle').map((e) => e.attrs.get('data-key'));
    expect(circles).not.toContain('Lonely x');
    expect(circles).not.toContain('Nowhere');
    const note = all.filter((e) => e.attrs.get('class') === 'caption').map((e) => e.text).join(' ');
    expect(note).toContain('Lonely x (n=1, no position on sec_dev)');
    expect(note).toContain('Nowhere (n=0, no position on sov_ms and sec_dev)');
  });

  it('nudges labels of nearby groups apart', () => {
    const crowded = renderStanceMapSvg({
      ...input,
      groups: [placed('A forum', 0.2, 0.2), placed('B forum', 0.21, 0.2), placed('C forum', 0.2, 0.21), placed('D forum', 0.22, 0.19), placed('E', 1, 1)],
    });
    const labels = walk(parseXml(crowded)).filter((e) => e.attrs.get('class') === 'label');
    expect(labels).toHaveLength(5);
    // Boxes from a narrower glyph estimate than any sans-serif at 12px: they must not overlap.
    const boxes = labels.map((e) => {
      const w = e.text.length * 6;
      const x = num(e, 'x');
      const anchor = e.attrs.get('text-anchor');
      const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
      return { x0, x1: x0 + w, y0: num(e, 'y') - 11, y1: num(e, 'y') + 1 };
    });
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1).toBe(false);
      }),
    );
    // The label of a group at the top-right corner stays inside the canvas.
    const e = boxes[4];
    expect(e && e.x1 <= num(parseXml(crowded), 'width') && e.y0 >= 0).toBe(true);
  });

  it('rejects non-finite positions', () => {
    const bad = { ...input, groups: [placed('x', Number.NaN, 0)] };
    expect(() => renderStanceMapSvg(bad)).toThrow('x x.position is NaN');
  });
});

describe('renderStanceMapSvg with many groups', () => {
  // 43 groups, as the seed corpus with its long unnormalised source names gives: long names, points
  // at the corners and edges, and a pile at the origin.
  const longName = (i: number) => `Organisation number ${i} for International Telecommunication and Governance Affairs`;
  const groups: MapGroup[] = [];
  for (let i = 0; i < 43; i++) {
    const at: [number, number] =
      i < 4 ? ([[-1, -1], [-1, 1], [1, -1], [1, 1]][i] as [number, number]) : i < 12 ? [i % 2 ? 1 : -1, (i - 8) / 4] : i < 20 ? [(i - 16) / 4, i % 2 ? 1 : -1] : [0.001 * (i % 3), -0.001 * (i % 2)];
    groups.push(placed(i % 5 === 0 ? `WWW MMM ${i} WIDE CAPITALS OF THE WORLD SUMMIT` : longName(i), at[0], at[1], 0.05, 43 - i));
  }
  const svg = renderStanceMapSvg({ ...input, groups });
  const root = parseXml(svg);
  const elements = walk(root);
  const canvas = { x0: 0, y0: 0, x1: num(root, 'width'), y1: num(root, 'height') };
  // A box from the label's attributes, with a glyph width no narrower than the layout's estimate
  // and never under 0.6 em a character (wider than the average of any sans-serif at 12px).
  const boxes = elements
    .filter((e) => e.attrs.get('class') === 'label')
    .map((e) => {
      const text = e.text.replace(/&[a-z]+;/g, '_');
      const w = Math.max(estimateTextWidth(text), [...text].length * 0.6 * 12);
      const x = num(e, 'x');
      const anchor = e.attrs.get('text-anchor');
      const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
      return { text, x0, x1: x0 + w, y0: num(e, 'y') - 12, y1: num(e, 'y') + 4 };
    });

  it('labels every group, each label shortened', () => {
    expect(boxes).toHaveLength(43);
    for (const b of boxes) expect([...b.text.replace(/ \(n=\d+\)$/, '')].length).toBeLessThanOrEqual(MAX_LABEL_CHARS);
  });

  it('keeps every label box inside the canvas', () => {
    for (const b of boxes) {
      expect(b.x0, b.text).toBeGreaterThanOrEqual(canvas.x0);
      expect(b.x1, b.text).toBeLessThanOrEqual(canvas.x1);
      expect(b.y0, b.text).toBeGreaterThanOrEqual(canvas.y0);
      expect(b.y1, b.text).toBeLessThanOrEqual(canvas.y1);
    }
  });

  it('lets no two labels overlap', () => {
    const clashes: string[] = [];
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) clashes.push(`${a.text} / ${b.text}`);
      }),
    );
    expect(clashes).toEqual([]);
  });

  it('joins labels drawn away from their point with a leader line that starts at the point', () => {
    const leaders = elements.filter((e) => e.attrs.get('class') === 'leader');
    // 23 labels around the origin cannot all sit next to it.
    expect(leaders.length).toBeGreaterThan(0);
    const origin = { x: num(elements.find((e) => e.attrs.get('class') === 'plot-area'), 'x') + 260, y: num(elements.find((e) => e.attrs.get('class') === 'plot-area'), 'y') + 260 };
    expect(leaders.some((l) => Math.abs(num(l, 'x1') - origin.x) < 1 && Math.abs(num(l, 'y1') - origin.y) < 1)).toBe(true);
  });

  it('leaves out a label it has no room for and lists the group in the caption instead', () => {
    const crowd = Array.from({ length: 150 }, (_, i) => placed(`${longName(i)} ${i}`, 0, 0, 0.05, 1));
    const packed = walk(parseXml(renderStanceMapSvg({ ...input, groups: crowd })));
    const drawn = packed.filter((e) => e.attrs.get('class') === 'label').length;
    expect(drawn).toBeLessThan(150);
    const caption = packed.filter((e) => e.attrs.get('class') === 'caption').map((e) => e.text).join(' ');
    expect(caption).toContain('Plotted without a label');
    expect(caption).toContain(`${longName(149)} 149 (n=1)`);
  });

  it('wraps a long caption so that every line fits the canvas, by the same width estimate as the labels', () => {
    const crowd = Array.from({ length: 150 }, (_, i) => placed(`WIDE MEMBER STATE ${longName(i)} ${i}`, 0, 0, 0.05, 1));
    const root = parseXml(renderStanceMapSvg({ ...input, groups: crowd, note: 'SYNTHETIC TEST MODELS WITH RANDOM WEIGHTS: THE MAP SHOWS THE MECHANICS ONLY, NOT ANY FINDING ABOUT THESE SOURCES OR TEXTS' }));
    const width = num(root, 'width');
    const lines = walk(root).filter((e) => e.attrs.get('class') === 'caption');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(num(line, 'x') + estimateTextWidth(line.text), line.text).toBeLessThanOrEqual(width);
  });
});
