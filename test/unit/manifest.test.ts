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
    expect(errors[2]?.message).toMatch(/date: date must be YYYY, YYYY-MM or YYYY-MM-DD/);
    expect(errors[3]?.message).toMatch(/url: url must be an absolute http or https URL/);
  });

  it('names the missing file field', () => {
    const { errors } = parseManifest('[{"source": "ITU"}]', 'm.json');
    expect(errors[0]).toMatchObject({ where: 'documents[0]' });
    expect(errors[0]?.message).toMatch(/^file: /);
  });

  it('refuses a manifest that is not JSON or has the wrong shape', () => {
    expect(() => parseManifest('{"documents": [', 'm.json')).toThrow(ManifestError);
    expect(() => parseManifest('{"documents": [', 'm.json')).toThrow(/m\.json: not valid JSON/);
    expect(() => parseManifest('{"docs": []}', 'm.json')).toThrow(/expected a JSON array of entries or an object with a "documents" array/);
    expect(() => parseManifest('[]', 'm.json')).toThrow(/lists no documents/);
  });
});
