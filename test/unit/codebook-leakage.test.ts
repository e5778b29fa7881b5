import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractQuotes, findLeaks, normaliseForMatch } from '../../eval/codebook-quotes.ts';
import { repoPath } from '../helpers/paths.ts';

interface Row {
  id: string;
  text: string;
  doc?: string;
  split?: string;
}

const readJsonl = (rel: string): Row[] =>
  readFileSync(repoPath(rel), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);

// Seed documents are `seeds/NNN_<hex>.txt` (ids seed-…), corpus documents `seeds/corpus/…`.
const docPath = (row: Row): string => (row.id.startsWith('seed-') ? `seeds/${row.doc}` : `seeds/corpus/${row.doc}`);

describe('extractQuotes', () => {
  it('reads blockquotes and double-quoted strings of 6+ words, splits at ellipses, skips code', () => {
    const md = [
      'Intro with "a short label" and “one two three four five six” inline.',
      '',
      '> first line of a block',
      '> and its second line',
      '',
      'A "quote that runs over',
      'two lines of prose" here, and "alpha beta gamma delta epsilon zeta … eta theta" cut.',
      '```json',
      '{"id": "x", "text": "this is code and never a quote at all"}',
      '```',
    ].join('\n');
    expect(extractQuotes(md)).toEqual([
      'first line of a block and its second line',
      'one two three four five six',
      'quote that runs over two lines of prose',
      'alpha beta gamma delta epsilon zeta',
    ]);
  });
});

describe('findLeaks', () => {
  const texts = new Map([
    ['t1', 'States, and only States, must regulate the national segment of the Internet.'],
    ['t2', 'Too short.'],
  ]);

  it('finds a quote that shares a 6-word window with a protected text, whatever the case and punctuation', () => {
    const leaks = findLeaks(['As they said: ONLY STATES must regulate the national segment — indeed.'], texts);
    expect(leaks).toEqual([expect.objectContaining({ where: 't1', window: 'only states must regulate the national' })]);
  });

  it('finds a protected text that lies inside a longer quote', () => {
    const inside = 'Intro words. States, and only States, must regulate the national segment of the Internet. More words.';
    expect(findLeaks([inside], texts)).toHaveLength(1);
  });

  it('passes a quote that shares at most 5 consecutive words', () => {
    expect(findLeaks(['only states must regulate the, in our view, national segment'], texts)).toEqual([]);
  });
});

describe('eval/CODEBOOK.md', () => {
  const codebook = readFileSync(repoPath('eval/CODEBOOK.md'), 'utf8');
  const gold = readJsonl('eval/gold.jsonl');
  const added = readJsonl('eval/taggings/new-items.jsonl');
  const items = [...gold, ...added];
  const testItems = items.filter((row) => row.split === 'test');
  const testDocs = [...new Map(testItems.map((row) => [row.doc, row] as const)).values()];

  it('quotes examples, so the leakage check below has something to check', () => {
    expect(extractQuotes(codebook).length).toBeGreaterThanOrEqual(10);
  });

  it('quotes no test item and no passage of a test document', () => {
    const protectedTexts = new Map<string, string>([
      ...testItems.map((row) => [row.id, row.text] as const),
      ...testDocs.map((row) => [row.doc ?? row.id, readFileSync(repoPath(docPath(row)), 'utf8')] as const),
    ]);
    expect(testDocs.length).toBeGreaterThan(0);
    const leaks = findLeaks(extractQuotes(codebook), protectedTexts).map((l) => `${l.where}: "${l.window}" in quote "${l.quote}"`);
    expect(leaks).toEqual([]);
  });

  it('quotes dev passages verbatim (each blockquote is the text of a dev item or part of it)', () => {
    const devTexts = items.filter((row) => row.split === 'dev').map((row) => normaliseForMatch(row.text));
    const blockquotes = [...codebook.matchAll(/^> (.*)$/gm)].map((m) => normaliseForMatch(m[1] ?? ''));
    expect(blockquotes.length).toBeGreaterThan(0);
    expect(blockquotes.filter((quote) => !devTexts.some((text) => text.includes(quote)))).toEqual([]);
  });

  it('cites no test item id', () => {
    const testIds = new Set(testItems.map((row) => row.id));
    const cited = [...codebook.matchAll(/\b(?:seed|corpus)-\d{3}-p\d{2}\b/g)].map((m) => m[0]);
    expect(cited.filter((id) => testIds.has(id))).toEqual([]);
  });
});
