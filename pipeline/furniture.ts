/**
 * Page furniture: lines that web pages wrap around a text (navigation bars, breadcrumbs, footers,
 * share buttons, "Updated :" stamps) and that would otherwise be scored as if the source said them.
 *
 * The rules work on whole lines of normalized text and are deliberately narrow. A line is removed
 * only when one rule matches it AND it does not look like a sentence of body text (the body guard:
 * eight or more words ending in . ! ? or a closing quote). Each rule is listed in FURNITURE_RULES with
 * a name and the kind of line it targets; README.md documents them and test/unit/furniture.test.ts
 * checks them on the seed documents.
 */

export interface FurnitureRule {
  name: string;
  /** What kind of line the rule is for, shown in docs and `--explain` output. */
  description: string;
  matches(line: string): boolean;
}

const FORMAT_TOKEN = /^(word|pdf|doc|docx|html|ppt|pptx|rtf|txt|epub|zip)$/i;

// Labels of web-page controls that are never prose when they stand alone on a line.
const UI_LABELS = new RegExp(
  '^(' +
    [
      'print( version| this page)?',
      'printer[- ]friendly( version)?',
      'share( it| this( page| article)?)?( / compartir)?',
      'compartir',
      'leave a (comment|reply)',
      'privacy (notices?|policy|statement)',
      'terms (of use|and conditions)',
      'cookie (policy|settings)',
      'logo policy',
      '(back to )?top',
      'skip to (main )?content',
      'feedback',
      'contact( us)?',
      'site ?map',
      'read more',
      'subscribe( to (our )?newsletter)?',
      '(\\w[\\w-]*\\s){0,3}home( ?page)?',
      '(\\w[\\w-]*\\s){0,2}logo',
    ].join('|') +
    ')\\s*[:.]?$',
  'i',
);

export const FURNITURE_RULES: readonly FurnitureRule[] = [
  {
    name: 'navigation-bar',
    description: 'menu or language switcher: short items separated by "|" with no sentence in them',
    matches: (line) =>
      line.includes('|') &&
      line
        .split('|')
        .map((s) => s.trim())
        .every((s) => s.length <= 80 && !/[.!?](\s|$)/.test(s)),
  },
  {
    name: 'breadcrumb',
    description: 'a trail starting at "Home", e.g. "Home : Office of the Secretary-General : CSD"',
    matches: (line) => /^home\s*[:>»›/]/i.test(line) && line.length <= 200,
  },
  {
    name: 'copyright',
    description: 'a footer with ©, "All Rights Reserved" or "Copyright" and a year',
    matches: (line) =>
      line.length <= 200 && (/©|all rights reserved/i.test(line) || /\bcopyright\b.*\b(19|20)\d\d\b/i.test(line)),
  },
  {
    name: 'ui-label',
    description: 'a control label alone on a line: "Print Version", "Share it", "Leave a Comment", "ITU Home Page"',
    matches: (line) => UI_LABELS.test(line),
  },
  {
    name: 'comment-form',
    description: 'the notice of a comment form: "Your email address will not be published..."',
    matches: (line) => /^your email address will not be published\b/i.test(line) || /^required fields are marked\b/i.test(line),
  },
  {
    name: 'page-stamp',
    description: 'page metadata: "Updated : 2011-04-04", "Last updated: ...", "Contact for this page : ..."',
    matches: (line) =>
      /^(last\s+)?(updated|modified)\s*:\s*[\d\s./-]+$/i.test(line) || /^contact for this page\s*:/i.test(line),
  },
  {
    name: 'download-links',
    description: 'a title followed by file-format links, e.g. "... Good Governance Word PDF"',
    matches: (line) => {
      const words = line.split(/\s+/);
      const tail = words.slice(-2);
      return words.length >= 2 && tail.every((w) => FORMAT_TOKEN.test(w)) && !/[.!?]$/.test(line);
    },
  },
  {
    name: 'credits',
    description: 'a translation or photo credit line, e.g. "(Translated by ...: - Photos: Pixabay"',
    matches: (line) => line.length <= 200 && /^\(?\s*(translated by|photos?\s*:|photo credits?|image\s*:)/i.test(line),
  },
  {
    name: 'no-text',
    description: 'a line with no letter or digit (stray bullets, separators); "[...]" gap marks stay',
    matches: (line) => line.length > 0 && !/[\p{L}\p{N}]|\.\.\.|…/u.test(line),
  },
];

/** True when a line reads like a sentence of body text, which no rule may remove. */
export function looksLikeBodySentence(line: string): boolean {
  return /[.!?]["'”’)]?$/.test(line) && line.split(/\s+/).length >= 8;
}

/** The rule that marks a line as furniture, or undefined for body text. */
export function furnitureRuleFor(line: string): FurnitureRule | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || looksLikeBodySentence(trimmed)) return undefined;
  return FURNITURE_RULES.find((rule) => rule.matches(trimmed));
}

export interface RemovedLine {
  line: string;
  rule: string;
}

/** Drops furniture lines from normalized text; returns the text and what was removed, by rule. */
export function removeFurniture(text: string): { text: string; removed: RemovedLine[] } {
  const removed: RemovedLine[] = [];
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const rule = furnitureRuleFor(line);
    if (rule) removed.push({ line, rule: rule.name });
    else kept.push(line);
  }
  return { text: collapseBlankLines(kept.join('\n')), removed };
}

/** Collapses runs of blank lines to one blank line (a paragraph break) and trims the ends. */
export function collapseBlankLines(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
