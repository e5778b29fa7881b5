import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freshDataDir } from '../helpers/db.ts';
import { runCliInProcess as runCli } from '../helpers/in-process-cli.ts';
import { repoPath } from '../helpers/paths.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const hasPostgres = await postgresAvailable();
const STORES = ['pglite', 'postgres'] as const;

/** The manifest's canonical sources, read from the file (not from a run). */
function manifestSources(path: string): string[] {
  const text = readFileSync(repoPath(path), 'utf8');
  const rows = path.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>) : ((JSON.parse(text) as { documents: Record<string, unknown>[] }).documents);
  return rows.flatMap((r) => (typeof r.source === 'string' ? [r.source] : []));
}

// The commands on a small store, without processing (no model, no scorer): fast on both stores.
// They run in this process (runCliInProcess: the same command layer, exit codes and output,
// without a process start and a store opening of their own each); cli-ingest spawns the binary.
describe.each(STORES)('stance documents and stance sources on %s', { timeout: 400_000 }, (kind) => {
  const skip = kind === 'postgres' && !hasPostgres;
  /**
   * A store with three documents (an alias, two actor types) ingested through the manifest. The
   * tests that rename, merge or delete build one of their own, so every test runs alone and in
   * any order; the others only read the shared one (a metadata correction changes nothing they read).
   */
  async function manifestStore(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
    const dir = mkdtempSync(join(tmpdir(), 'stance-docs-cli-'));
    let env: Record<string, string>;
    let drop = async () => {};
    if (kind === 'postgres') {
      const testDb = await createTestDatabase();
      drop = testDb.drop;
      env = { DATABASE_URL: testDb.url };
      expect((await runCli(['db', 'migrate'], env)).code).toBe(0);
    } else {
      env = { STANCE_DATA_DIR: await freshDataDir() };
    }
    writeFileSync(join(dir, 'a.txt'), 'The first text, about who governs the Internet.');
    writeFileSync(join(dir, 'b.txt'), 'The second text, about security and rights online.');
    writeFileSync(join(dir, 'c.txt'), 'The third text, filed under a long name.');
    writeFileSync(
      join(dir, 'm.jsonl'),
      [
        '{"aliases": {"Short": ["A long name of the short source"]}}',
        '{"file": "a.txt", "source": "Short", "actor_type": "state", "date": "2013"}',
        '{"file": "b.txt", "source": "A long name of the short source", "actor_type": "industry", "title": "Second"}',
        '{"file": "c.txt", "source": "Other", "title": "Thrid"}',
      ].join('\n'),
    );
    const r = await runCli(['ingest', '--manifest', join(dir, 'm.jsonl'), '--no-process', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return {
      env,
      cleanup: async () => {
        await drop();
        rmSync(dir, { recursive: true, force: true });
        if (env.STANCE_DATA_DIR) rmSync(env.STANCE_DATA_DIR, { recursive: true, force: true });
      },
    };
  }

  let env: Record<string, string>;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (skip) return;
    ({ env, cleanup } = await manifestStore());
  }, 120_000);
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('ingest files an alias under its canonical source and notes a differing actor type', async () => {
    const r = await runCli(['sources', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      sources: [
        { name: 'Other', actor_type: null, documents: 1, aliases: [] },
        { name: 'Short', actor_type: 'state', documents: 2, aliases: ['A long name of the short source'] },
      ],
    });
    const text = await runCli(['sources'], env);
    expect(text.stdout).toMatch(/^Short\s+2\s+state\s+A long name of the short source$/m);
  });

  it.skipIf(skip)('stores the aliases of a manifest whose documents are all duplicates', async () => {
    const { env, cleanup } = await manifestStore();
    onTestFinished(cleanup);
    const dir = mkdtempSync(join(tmpdir(), 'stance-alias-dup-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The text of the store's a.txt (filed under Short): a duplicate, so nothing is filed under Civil.
    writeFileSync(join(dir, 'a.txt'), 'The first text, about who governs the Internet.');
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ aliases: { Civil: ['Acc'] }, documents: [{ file: 'a.txt', source: 'Acc' }] }));
    const r = await runCli(['ingest', '--manifest', join(dir, 'm.json'), '--no-process'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^duplicate .*a\.txt: duplicate of document \d+ \(Short\); nothing created$/m);
    expect(r.stderr).toContain('alias      "Acc" -> Civil (a new source: no document is filed under it yet)');
    const listed = JSON.parse((await runCli(['sources', '--json'], env)).stdout) as { sources: unknown[] };
    expect(listed.sources).toContainEqual({ name: 'Civil', actor_type: null, documents: 0, aliases: ['Acc'] });
    // A later ingest under the alias lands in the canonical source instead of starting a source "Acc".
    writeFileSync(join(dir, 'x.txt'), 'A new text from the access group, about rights online.');
    const later = await runCli(['ingest', join(dir, 'x.txt'), '--source', 'Acc', '--actor-type', 'civil society', '--no-process', '--json'], env);
    expect(later.code, later.stderr).toBe(0);
    expect((JSON.parse(later.stdout) as { results: unknown[] }).results[0]).toMatchObject({ status: 'created', source: 'Civil' });
    const after = JSON.parse((await runCli(['sources', '--json'], env)).stdout) as { sources: { name: string }[] };
    expect(after.sources.map((x) => x.name)).toEqual(['Civil', 'Other', 'Short']);
    expect(after.sources[0]).toEqual({ name: 'Civil', actor_type: 'civil society', documents: 1, aliases: ['Acc'] });
  });

  it.skipIf(skip)('lists documents with filters and pages, as a table and as JSON', async () => {
    const all = JSON.parse((await runCli(['documents', '--json'], env)).stdout) as { total: number; documents: { id: number; source: string; actor_type: string | null; status: string }[] };
    expect(all.total).toBe(3);
    expect(all.documents.map((d) => [d.source, d.actor_type, d.status])).toEqual([
      ['Short', 'state', 'queued'],
      ['Short', 'industry', 'queued'],
      ['Other', null, 'queued'],
    ]);
    const page = JSON.parse((await runCli(['documents', '--source', 'A long name of the short source', '--limit', '1', '--offset', '1', '--json'], env)).stdout) as { total: number; documents: { title: string }[] };
    expect(page.total).toBe(2);
    expect(page.documents.map((d) => d.title)).toEqual(['Second']);
    const table = await runCli(['documents', '--limit', '2'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('1-2 of 3 document(s); next page: --offset 2');
    // An unknown source among the given ones is an error listing the known ones, not a shorter list.
    for (const names of [['Nobody'], ['Short', 'Nobody']]) {
      const unknown = await runCli(['documents', '--source', ...names], env);
      expect(unknown.code, names.join(' ')).toBe(2);
      expect(unknown.stderr).toBe('stance: unknown source "Nobody"; known sources: Other, Short\n');
      expect(unknown.stdout).toBe('');
    }
    const bad = await runCli(['documents', '--status', 'lost'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/status/);
  });

  it.skipIf(skip)('corrects metadata, validates it like ingest, and can clear a field', async () => {
    const id = (JSON.parse((await runCli(['documents', '--source', 'Other', '--json'], env)).stdout) as { documents: { id: number }[] }).documents[0]!.id;
    const r = await runCli(['documents', 'update', String(id), '--title', 'Third', '--date', '2014-05', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { document: { title: string; date: string; updated_at: string }; changed: string[] };
    expect(out.changed).toEqual(['title', 'date']);
    expect(out.document).toMatchObject({ title: 'Third', date: '2014-05' });
    const cleared = await runCli(['documents', 'update', String(id), '--clear', 'date'], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stderr).toMatch(new RegExp(`updated document ${id}: date \\(updated_at `));
    const bad = await runCli(['documents', 'update', String(id), '--date', '2013-13-01'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('stance: invalid arguments: --date 2013-13-01: month 13 does not exist (01 to 12)\n');
    // The messages name the command's flags (--lang, not the field language).
    const nothing = await runCli(['documents', 'update', String(id)], env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe('stance: invalid arguments: nothing to change: give at least one of --title, --date, --url, --lang, --actor, --actor-type, --kind\n');
    const none = await runCli(['documents', 'update', '99999', '--title', 'x'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('document 99999 does not exist');
    expect((await runCli(['documents', 'update', 'abc', '--title', 'x'], env)).code).toBe(2);
  });

  it.skipIf(skip)('renames and merges sources', async () => {
    const { env, cleanup } = await manifestStore();
    onTestFinished(cleanup);
    const renamed = await runCli(['sources', 'rename', 'Other', 'Others', '--json'], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(JSON.parse(renamed.stdout)).toEqual({ from: 'Other', to: 'Others', aliases: ['Other'] });
    const merged = await runCli(['sources', 'merge', 'Others', 'Short'], env);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('merged "Others" into "Short": 1 document(s) moved');
    const sources = JSON.parse((await runCli(['sources', '--json'], env)).stdout) as { sources: { name: string; aliases: string[]; documents: number }[] };
    expect(sources.sources).toEqual([{ name: 'Short', actor_type: 'state', documents: 3, aliases: ['A long name of the short source', 'Other', 'Others'] }]);
    const unknown = await runCli(['sources', 'merge', 'Nobody', 'Short'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown source "Nobody"; known sources: Short');
  });

  it.skipIf(skip)('deletes documents, with a dry run first, and exits 1 for an id that does not exist', async () => {
    const { env, cleanup } = await manifestStore();
    onTestFinished(cleanup);
    const ids = (JSON.parse((await runCli(['documents', '--json'], env)).stdout) as { documents: { id: number }[] }).documents.map((d) => d.id);
    const dry = await runCli(['documents', 'delete', String(ids[0]), '--dry-run', '--json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, deleted: [{ id: ids[0], chunks: 0, embeddings: 0, stance_scores: 0 }], not_found: [] });
    expect((JSON.parse((await runCli(['documents', '--json'], env)).stdout) as { total: number }).total).toBe(3);
    const del = await runCli(['documents', 'delete', String(ids[0]), '99999'], env);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain(`deleted document ${ids[0]} (Short`);
    expect(del.stderr).toContain('document 99999 does not exist');
    expect((JSON.parse((await runCli(['documents', '--json'], env)).stdout) as { documents: { id: number }[] }).documents.map((d) => d.id)).toEqual(ids.slice(1));
    expect((await runCli(['documents', 'delete', '0'], env)).code).toBe(2);
  });
});

// The acceptance of issue 11: the seeds plus the corpus compare as at most 15 readable source groups.
describe('seeds plus corpus, compared by source', { timeout: 400_000 }, () => {
  let dataDir = '';
  const modelsDir = mkdtempSync(join(tmpdir(), 'stance-no-models-'));
  // No model loads (an empty STANCE_MODELS_DIR): documents are scored by the model-free scorers.
  const env = { STANCE_DATA_DIR: '', STANCE_MODELS_DIR: modelsDir, STANCE_SCORER: '', STANCE_LEXICON_FILE: '' };
  beforeAll(async () => {
    dataDir = await freshDataDir();
    env.STANCE_DATA_DIR = dataDir;
    for (const manifest of ['seeds/manifest.json', 'seeds/corpus/manifest.jsonl']) {
      const r = await runCli(['ingest', '--manifest', manifest], env);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 400_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('gives at most 15 groups, named as the manifests name their canonical sources, the seed names kept', async () => {
    const r = await runCli(['compare', '--axis', 'security_rights', '--scorer', 'lexicon', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { by: string; groups: { key: string; n_chunks: number }[]; pairs: unknown[]; pairs_omitted?: string };
    const keys = c.groups.map((g) => g.key).sort();
    const expected = [...new Set([...manifestSources('seeds/manifest.json'), ...manifestSources('seeds/corpus/manifest.jsonl')])].sort();
    expect(keys).toEqual(expected);
    expect(keys.length).toBeLessThanOrEqual(15);
    expect(keys).toEqual(expect.arrayContaining(['ITU', 'ICT4Peace Foundation', 'Cuba forum']));
    for (const k of keys) expect(k.length, k).toBeLessThanOrEqual(30);
    // Few enough groups for every pair to be shown.
    expect(c.pairs_omitted).toBeUndefined();
    expect(c.pairs).toHaveLength((keys.length * (keys.length - 1)) / 2);
  });

  it('keeps the detailed names as actors, and groups by actor type with one vocabulary', async () => {
    const byActor = JSON.parse((await runCli(['compare', '--axis', 'security_rights', '--scorer', 'lexicon', '--by', 'actor', '--json'], env)).stdout) as { groups: { key: string }[] };
    expect(byActor.groups.map((g) => g.key)).toEqual(expect.arrayContaining(['Microsoft', 'Russian Federation – President Vladimir Putin']));
    const byType = JSON.parse((await runCli(['compare', '--axis', 'security_rights', '--scorer', 'lexicon', '--by', 'actor_type', '--json'], env)).stdout) as { by: string; groups: { key: string }[] };
    expect(byType.by).toBe('actor_type');
    expect(byType.groups.map((g) => g.key).sort()).toEqual(['civil society', 'industry', 'intergovernmental', 'multistakeholder', 'state', 'technical community']);
    // map groups the same way (one grouping, in the compare query layer).
    const svg = join(dataDir, 'types.svg');
    const map = await runCli(['map', '--out', svg, '--by', 'actor_type', '--scorer', 'lexicon', '--json'], env);
    expect(map.code, map.stderr).toBe(0);
    expect((JSON.parse(map.stdout) as { groups: { key: string }[] }).groups.map((g) => g.key).sort()).toEqual(byType.groups.map((g) => g.key).sort());
  });
});

describe('help', { timeout: 400_000 }, () => {
  it('prints help for the documents and sources commands and their subcommands', async () => {
    const cases: [string[], RegExp][] = [
      [['documents'], /--status <status>[\s\S]*--offset <n>/],
      [['documents', 'update'], /--actor-type <type>[\s\S]*--clear <fields\.\.\.>/],
      [['documents', 'delete'], /--dry-run/],
      [['sources'], /merge[\s\S]*rename/],
      [['sources', 'merge'], /Usage: stance sources merge \[options\] <from> <into>/],
    ];
    for (const [cmd, expected] of cases) {
      const r = await runCli([...cmd, '--help'], {});
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(expected);
    }
  });
});
