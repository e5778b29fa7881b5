/**
 * HTML built from template literals where every interpolated value is escaped unless it is
 * already Html: document text, titles, sources and labels can never become markup. This is the
 * one escaping function of the pages; nothing else writes raw text into HTML.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template slot takes: text (escaped), Html (kept), numbers, lists of either, or nothing. */
export type Slot = Html | string | number | boolean | null | undefined | readonly Slot[];

/** Escapes text for HTML content and attribute values (quoted with " or '). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function render(slot: Slot): string {
  if (slot === null || slot === undefined || slot === false || slot === true) return '';
  if (slot instanceof Html) return slot.value;
  if (Array.isArray(slot)) return slot.map((s: Slot) => render(s)).join('');
  if (typeof slot === 'number') return Number.isFinite(slot) ? String(slot) : '';
  return escapeHtml(slot as string);
}

/** The template tag: html`<p>${text}</p>` escapes `text`. */
export function html(strings: TemplateStringsArray, ...slots: Slot[]): Html {
  let out = strings[0] ?? '';
  slots.forEach((slot, i) => {
    out += render(slot) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup produced elsewhere and known to be safe (the SVG renderers escape their own text). */
export function trusted(markup: string): Html {
  return new Html(markup);
}
