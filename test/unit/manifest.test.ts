import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../../pipeline/manifest.ts';

describe('parseManifest', () => {
  it('reads a JSON manifest with snake_case fields and keeps unknown fields as metadata', () => {
    const { entries, errors } = parseManifest(
      JSON.stringify({ documents: [{ file: 'a.txt', source: 'ITU', actor_type: 'intergovernmental', date: '2013-10-17', complete: false }] }),
      'm.json',
    );
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      { file: 'a.txt', where: 'documents[0]', meta: { source: 'ITU', actorType: 'intergovernmental', date: '2013-10-17', metadata: { complete: false } } },
    ]);
  });

  it('reads JSON Lines and reports a bad line by number without losing the good ones', () => {
    const text = ['{"file": "a.txt", "source": "ITU"}', '', '{"file": "b.txt"}', '{not json', '{"file": "c.txt", "source": "X", "date": "May 2013"}', '{"file": "d.txt", "source": "Y", "url": "not a url"}'].join('\n');
    const { entries, errors } = parseManifest(text, 'm.jsonl');
    expect(entries.map((e) => e.file)).toEqual(['a.txt']);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ where: 'line 3', file: 'b.txt' });
    expect(errors[0]?.message).toMatch(/source/);
    expect(errors[1]).toMatchObject({ where: 'line 4' });
    expect(errors[1]?.message).toMatch(/not valid JSON/);
    expect(errors[2]?.message).toBe('date must be YYYY, YYYY-MM or YYYY-MM-DD');
    expect(errors[3]?.message).toBe('url must be an absolute http or https URL such as https://example.org/page');
  });

  it('names the missing file field', () => {
    const { errors } = parseManifest('[{"source": "ITU"}]', 'm.json');
    expect(errors[0]).toMatchObject({ where: 'documents[0]' });
    expect(errors[0]?.message).toBe('`file` is missing (the path of the document, relative to the manifest)');
  });

  it('refuses a manifest that is not JSON or has the wrong shape', () => {
    expect(() => parseManifest('{"documents": [', 'm.json')).toThrow(ManifestError);
    expect(() => parseManifest('{"documents": [', 'm.json')).toThrow(/m\.json: not valid JSON/);
    expect(() => parseManifest('{"docs": []}', 'm.json')).toThrow(/expected a JSON array of entries or an object with a "documents" array/);
    expect(() => parseManifest('[]', 'm.json')).toThrow(/lists no documents/);
  });
});

describe('manifest aliases', () => {
  it('reads a JSON alias map and files entries given under an alias with the canonical source', () => {
    const m = parseManifest(
      JSON.stringify({
        aliases: { ITU: ['International Telecommunication Union', 'ITU'], 'Civil society': ['Access Now'] },
        documents: [
          { file: 'a.txt', source: 'International Telecommunication Union' },
          { file: 'b.txt', source: 'Access Now', actor: 'Access Now' },
          { file: 'c.txt', source: 'Someone else' },
        ],
      }),
      'm.json',
    );
    expect(m.aliases).toEqual({ 'International Telecommunication Union': 'ITU', 'Access Now': 'Civil society' });
    expect(m.entries.map((e) => e.meta.source)).toEqual(['ITU', 'Civil society', 'Someone else']);
    expect(m.entries[1]?.meta.actor).toBe('Access Now');
  });

  it('reads alias lines of a JSON Lines manifest, wherever they stand', () => {
    const text = ['{"file": "a.txt", "source": "Old name"}', '{"aliases": {"New": ["Old name"]}}', '{"aliases": {"New": ["Older name"], "Other": ["O"]}}'].join('\n');
    const m = parseManifest(text, 'm.jsonl');
    expect(m.aliases).toEqual({ 'Old name': 'New', 'Older name': 'New', O: 'Other' });
    expect(m.entries.map((e) => e.meta.source)).toEqual(['New']);
    expect(m.errors).toEqual([]);
  });

  it('refuses an alias of two sources, a chain, and a malformed map, naming the place', () => {
    expect(() => parseManifest('{"aliases": {"A": ["x"], "B": ["x"]}}\n{"file": "a.txt", "source": "A"}', 'm.jsonl')).toThrow(/m\.jsonl line 1: "x" is an alias of both "A" and "B"/);
    expect(() => parseManifest(JSON.stringify({ aliases: { A: ['B'], B: ['C'] }, documents: [{ file: 'a', source: 'A' }] }), 'm.json')).toThrow(/"B" is both a canonical name and an alias of "A"/);
    expect(() => parseManifest(JSON.stringify({ aliases: ['A'], documents: [{ file: 'a', source: 'A' }] }), 'm.json')).toThrow(/aliases must be an object mapping a canonical source name to a list/);
    expect(() => parseManifest(JSON.stringify({ aliases: { A: 'B' }, documents: [{ file: 'a', source: 'A' }] }), 'm.json')).toThrow(/"A" must map to a list of names/);
    expect(() => parseManifest(JSON.stringify({ aliases: { A: ['x'.repeat(201)] }, documents: [{ file: 'a', source: 'A' }] }), 'm.json')).toThrow(/limit is 200/);
  });
});
