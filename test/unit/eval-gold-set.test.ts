import { describe, expect, it } from 'vitest';
import { filterSplit, goldLabels, GoldSetError, parseGoldSet, setHash } from '../../eval/gold-set.ts';

const AXES = [
  { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] },
  { slug: 'security_rights', poles: ['security', 'rights'] },
] as const;

const LABELS = { sovereignty_multistakeholder: 'sovereignty', security_rights: 'irrelevant' };
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ id: 'p1', text: 'States decide.', source: 'UN', labels: LABELS, split: 'dev', ...fields });

function errorOf(text: string): GoldSetError {
  try {
    parseGoldSet(text, 'gold.jsonl', AXES);
  } catch (error) {
    if (error instanceof GoldSetError) return error;
    throw error;
  }
  throw new Error('expected a GoldSetError');
}

describe('parseGoldSet', () => {
  it('parses items, skipping blank lines and accepting CRLF, with their 1-based lines', () => {
    const text = [line({}), '', '   ', line({ id: 'p2', split: 'test', doc: 'd7', note: 'hard case' })].join('\r\n');
    expect(parseGoldSet(text, 'gold.jsonl', AXES)).toEqual([
      { id: 'p1', text: 'States decide.', source: 'UN', labels: LABELS, split: 'dev', line: 1 },
      { id: 'p2', text: 'States decide.', source: 'UN', labels: LABELS, split: 'test', doc: 'd7', note: 'hard case', line: 4 },
    ]);
  });

  it('ignores a byte-order mark and returns nothing for an empty file', () => {
    expect(parseGoldSet(`\uFEFF${line({})}\n`, 'gold.jsonl', AXES)).toHaveLength(1);
    expect(parseGoldSet('\n\n', 'gold.jsonl', AXES)).toEqual([]);
  });

  it('reports invalid JSON with file, line and cause', () => {
    const error = errorOf(`${line({})}\n\n{"id": "p2",`);
    expect(error.message).toMatch(/^gold\.jsonl:3: invalid JSON: /);
    expect(error.file).toBe('gold.jsonl');
    expect(error.line).toBe(3);
    expect(error.field).toBeUndefined();
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports a line that is not an object', () => {
    expect(errorOf('[1, 2]').message).toBe('gold.jsonl:1: must be a JSON object, got [1,2]');
  });

  it('reports a missing field', () => {
    const { id: _id, ...noId } = JSON.parse(line({})) as Record<string, unknown>;
    const error = errorOf(JSON.stringify(noId));
    expect(error.message).toBe('gold.jsonl:1: id: is missing');
    expect(error.field).toBe('id');
  });

  it('reports an empty or blank text', () => {
    expect(errorOf(line({ text: '' })).message).toBe('gold.jsonl:1: text: must not be empty');
    expect(errorOf(line({ text: ' \n ' })).message).toBe('gold.jsonl:1: text: must not be empty');
  });

  it('reports fields of the wrong type or value', () => {
    expect(errorOf(line({ source: 3 })).message).toBe('gold.jsonl:1: source: must be a string, got 3');
    expect(errorOf(line({ split: 'train' })).message).toBe('gold.jsonl:1: split: must be "dev" or "test", got "train"');
    expect(errorOf(line({ labels: ['sovereignty'] })).message).toBe('gold.jsonl:1: labels: must be an object, got ["sovereignty"]');
    expect(errorOf(line({ doc: null })).message).toBe('gold.jsonl:1: doc: must be a string, got null');
  });

  it('reports an unknown field, listing the known ones', () => {
    expect(errorOf(line({ lables: {} })).message).toBe(
      'gold.jsonl:1: lables: unknown field (known fields: id, text, source, doc, labels, split, note, annotator)',
    );
  });

  it('reports an unknown axis slug in labels', () => {
    const error = errorOf(line({ labels: { ...LABELS, openness: 'open' } }));
    expect(error.message).toBe(
      'gold.jsonl:1: labels.openness: unknown axis "openness" (known axes: sovereignty_multistakeholder, security_rights)',
    );
    expect(error.field).toBe('labels.openness');
  });

  it('reports an unknown label for an axis, listing the allowed ones', () => {
    expect(errorOf(line({ labels: { ...LABELS, security_rights: 'sovereignty' } })).message).toBe(
      'gold.jsonl:1: labels.security_rights: unknown label "sovereignty" for axis security_rights (allowed: security, rights, neutral, irrelevant)',
    );
  });

  it('reports an axis left without a label', () => {
    expect(errorOf(line({ labels: { sovereignty_multistakeholder: 'neutral' } })).message).toBe(
      'gold.jsonl:1: labels.security_rights: missing label for axis security_rights (use "irrelevant" if the axis does not apply)',
    );
  });

  it('reports a duplicate id with both lines', () => {
    const error = errorOf([line({}), line({ id: 'p2' }), line({})].join('\n'));
    expect(error.message).toBe('gold.jsonl:3: id: duplicate id "p1" (first used on line 1)');
    expect(error.line).toBe(3);
  });
});

describe('filterSplit', () => {
  const items = parseGoldSet([line({}), line({ id: 'p2', split: 'test' })].join('\n'), 'gold.jsonl', AXES);

  it('keeps one split, or everything for "all"', () => {
    expect(filterSplit(items, 'dev').map((i) => i.id)).toEqual(['p1']);
    expect(filterSplit(items, 'test').map((i) => i.id)).toEqual(['p2']);
    expect(filterSplit(items, 'all').map((i) => i.id)).toEqual(['p1', 'p2']);
  });
});

describe('goldLabels', () => {
  it('lists the labels of one axis in item order, and refuses an axis the items lack', () => {
    const items = parseGoldSet(
      [line({}), line({ id: 'p2', labels: { ...LABELS, security_rights: 'rights' } })].join('\n'),
      'gold.jsonl',
      AXES,
    );
    expect(goldLabels(items, 'security_rights')).toEqual(['irrelevant', 'rights']);
    expect(() => goldLabels(items, 'openness')).toThrow('gold item p1 (line 1) has no label for axis openness');
  });
});

describe('setHash', () => {
  it('is the SHA-256 hex of the content', () => {
    // The FIPS 180-2 test vector for "abc".
    expect(setHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(setHash('abc\n')).not.toBe(setHash('abc'));
  });
});
