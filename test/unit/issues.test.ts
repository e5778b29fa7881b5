import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { documentUpdateSchema } from '../../app/documents.ts';
import { similarParams } from '../../app/compare/service.ts';
import { flagName } from '../../cli/options.ts';
import { userErrorMessage } from '../../cli/user-errors.ts';
import { documentMetaSchema } from '../../pipeline/document-meta.ts';
import { describeIssues, describeZodError, issuesOf } from '../../pipeline/issues.ts';

const zodError = (schema: z.ZodType, value: unknown): z.ZodError => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a validation error');
  return r.error;
};

describe('validation messages (pipeline/issues.ts)', () => {
  it('says where once: a message that starts with its field stands for the "field: " prefix', () => {
    expect(describeZodError(zodError(documentMetaSchema, { source: 'S', date: '2013-13-45' }))).toBe('date 2013-13-45: month 13 does not exist (01 to 12)');
    expect(describeZodError(zodError(documentMetaSchema, {}))).toBe('source is required (the organisation or forum the text speaks for)');
    // actorType is spelt actor_type in its messages: that is its own field still.
    expect(describeZodError(zodError(documentMetaSchema, { source: 'S', actorType: ' ' }))).toBe('actor_type is empty; leave it out or give a value');
    // Other messages keep the prefix; a nested path is written out; an input-wide message has none.
    expect(describeIssues([{ path: ['limit'], message: 'Too big' }, { path: ['documents', 2, 'file'], message: 'missing' }, { path: [], message: 'give one' }])).toBe('limit: Too big; documents[2].file: missing; give one');
    expect(describeIssues([{ path: ['documents', 2, 'date'], message: 'date 2013-13: month 13 does not exist' }])).toBe('documents[2].date 2013-13: month 13 does not exist');
  });

  it('spells fields the way the interface does: CLI flags in place of schema fields, in the path and in the text', () => {
    expect(flagName('language')).toBe('--lang');
    expect(flagName('actor_type')).toBe('--actor-type');
    expect(flagName('otherSources')).toBe('--other-sources');
    expect(describeZodError(zodError(similarParams, {}), flagName)).toBe('give exactly one of --text or --chunk');
    expect(describeZodError(zodError(similarParams, {}))).toBe('give exactly one of `text` or `chunk`');
    expect(describeZodError(zodError(documentUpdateSchema, {}), flagName)).toBe('nothing to change: give at least one of --title, --date, --url, --lang, --actor, --actor-type, --kind');
    expect(describeZodError(zodError(documentUpdateSchema, { language: 'x y' }), flagName)).toBe('--lang must be a language tag such as en, fr or pt-BR');
    expect(describeZodError(zodError(documentUpdateSchema, { limit: 0 }), flagName)).toBe('--limit: cannot be changed (only --title, --date, --url, --lang, --actor, --actor-type and --kind can)');
    // The CLI's line for a ZodError: no "arguments: " stutter.
    expect(userErrorMessage(zodError(similarParams, { text: 'a', chunk: 3 }))).toBe('invalid arguments: give exactly one of --text or --chunk');
  });

  it('names an unknown field by its path, and says only that (not "nothing to change" as well)', () => {
    const err = zodError(documentUpdateSchema, { source: 'X' });
    expect(issuesOf(err)).toEqual([{ path: ['source'], message: 'cannot be changed (only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can)' }]);
    expect(issuesOf(zodError(documentUpdateSchema, { source: 'X', id: 3, title: 'T' })).map((i) => i.path)).toEqual([['source'], ['id']]);
    expect(describeIssues([{ path: ['a'], message: 'bad' }, { path: ['a'], message: 'bad' }])).toBe('a: bad');
  });
});
