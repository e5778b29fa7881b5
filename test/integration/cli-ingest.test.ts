import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { freshDataDir } from '../helpers/db.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { repoPath } from '../helpers/paths.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

// Every test runs alone and in any order: the store with the seeds is built once here and only read
// by the tests (ingesting a duplicate writes nothing); a test that adds documents has a store of its own.
// The commands run in this process (runCliInProcess: the models load in this process, a store
// opens without a process start); the tests of the bad configuration and of --help start the
// real binary, so its start, its output and its exit codes stay covered.
const dirs: string[] = [];
/** An empty, migrated store of its own (a copy of the run's template). */
async function storeDir(): Promise<string> {
  const dir = await freshDataDir();
  dirs.push(dir);
  return dir;
}
const embedded = { STANCE_DATA_DIR: '', ...TINY_MODEL_ENV };
const ownStore = async () => ({ ...TINY_MODEL_ENV, STANCE_DATA_DIR: await storeDir() });
let first: Awaited<ReturnType<typeof runCliInProcess>>;
beforeAll(async () => {
  embedded.STANCE_DATA_DIR = await storeDir();
  first = await runCliInProcess(['ingest', '--manifest', 'seeds/manifest.json'], embedded);
}, 180_000);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('stance CLI on the embedded default', () => {
  it('ingests the seed manifest: 5 documents from 3 sources; again: nothing created', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('5 created, 0 duplicates, 0 failed');
    expect(first.stderr).toContain('processed 5 document(s): 5 done, 0 failed');
    const second = await runCliInProcess(['ingest', '--manifest', 'seeds/manifest.json', '--json'], embedded);
    expect(second.code).toBe(0);
    const parsed = JSON.parse(second.stdout) as { summary: Record<string, number>; results: { status: string }[] };
    expect(parsed.summary).toEqual({ created: 0, duplicate: 5, failed: 0 });
    const status = JSON.parse((await runCliInProcess(['status', '--json'], embedded)).stdout) as { sources: { source: string; total: number }[] };
    expect(status.sources.map((s) => [s.source, s.total])).toEqual([['Cuba forum', 1], ['ICT4Peace Foundation', 1], ['ITU', 3]]);
    expect(status.sources.every((s) => (s as unknown as { by_status: { done: number } }).by_status.done === s.total)).toBe(true);
  });

  it('compares the sources per axis after processing', async () => {
    const r = await runCliInProcess(['compare', '--json'], embedded);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { comparisons: { axis: string; groups: { key: string; n_chunks: number }[]; pairs: unknown[] }[] };
    expect(out.comparisons.map((a) => a.axis)).toEqual(['sovereignty_multistakeholder', 'security_rights']);
    for (const a of out.comparisons) {
      expect(a.groups.map((g) => g.key)).toEqual(['Cuba forum', 'ICT4Peace Foundation', 'ITU']);
      expect(a.groups.reduce((n, g) => n + g.n_chunks, 0)).toBeGreaterThan(5);
      expect(a.pairs).toHaveLength(3);
    }
  });

  it('says duplicate of document N for a re-ingested file', async () => {
    const r = await runCliInProcess(['ingest', 'seeds/002_0851200495761f3a.txt', '--source', 'ITU'], embedded);
    expect(r.stderr).toMatch(/duplicate of document \d+ \(ITU\); nothing created/);
  });

  it('exits non-zero when a file fails, naming it, and still ingests the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-cli-in-'));
    writeFileSync(join(dir, 'ok.txt'), 'The ITU should lead intergovernmental cooperation on cybersecurity.');
    writeFileSync(join(dir, 'empty.txt'), '');
    const r = await runCliInProcess(['ingest', join(dir, 'empty.txt'), join(dir, 'ok.txt'), '--source', 'CLI test'], await ownStore());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed +.*empty\.txt: file has no text/);
    expect(r.stderr).toContain('1 created, 0 duplicates, 1 failed');
  });

  it('requires --source for files', async () => {
    const r = await runCliInProcess(['ingest', 'seeds/000_8ffdb135bb5886fa.txt'], embedded);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/source is required.*--source/);
  });

  it('reports a malformed manifest entry with its line and field and ingests the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-cli-m-'));
    writeFileSync(join(dir, 'a.txt'), 'Human rights apply online as they do offline, including freedom of expression.');
    writeFileSync(join(dir, 'm.jsonl'), '{"file": "a.txt", "source": "Manifest test"}\n{"file": "b.txt", "source": "Manifest test", "date": "last year"}\n');
    const r = await runCliInProcess(['ingest', '--manifest', join(dir, 'm.jsonl')], await ownStore());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/m\.jsonl line 2: date must be YYYY/);
    expect(r.stderr).toContain('1 created');
  });

  it('says where a bad manifest entry is once, in words, not in the validator terms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-cli-m-where-'));
    writeFileSync(join(dir, 'a.txt'), 'A text about who should govern the Internet, and how.');
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ documents: [{ file: 'a.txt', source: 'Where test' }, { source: 'Where test' }, 'a.txt', { file: ' ', source: 'Where test' }] }));
    writeFileSync(join(dir, 'm2.jsonl'), '{"file": "a.txt", "source": "Where test"}\n\n{not json\n');
    const env = await ownStore();
    const r = await runCliInProcess(['ingest', '--manifest', join(dir, 'm.json'), '--no-process'], env);
    expect(r.code).toBe(1);
    const failed = r.stderr.split('\n').filter((l) => l.startsWith('failed'));
    expect(failed).toEqual([
      `failed     ${join(dir, 'm.json')} documents[1]: \`file\` is missing (the path of the document, relative to the manifest)`,
      `failed     ${join(dir, 'm.json')} documents[2]: an entry must be an object such as {"file": "speech.txt", "source": "ITU", ...}`,
      `failed     ${join(dir, 'm.json')} documents[3]: \`file\` is empty: give the path of the document, relative to the manifest`,
    ]);
    const lines = await runCliInProcess(['ingest', '--manifest', join(dir, 'm2.jsonl'), '--no-process'], env);
    expect(lines.code).toBe(1);
    const bad = lines.stderr.split('\n').find((l) => l.startsWith('failed')) ?? '';
    expect(bad.startsWith(`failed     ${join(dir, 'm2.jsonl')} line 3: not valid JSON (`)).toBe(true);
    expect(bad.endsWith('); a line is one entry such as {"file": "speech.txt", "source": "ITU", ...}')).toBe(true);
    // The manifest is named once in the line.
    expect(bad.split(join(dir, 'm2.jsonl')).length).toBe(2);
  });

  it('stops with a clear message on a bad configuration value', async () => {
    const r = runCli(['status'], { ...embedded, STANCE_MODEL_DTYPE: 'fp64' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/STANCE_MODEL_DTYPE="fp64"/);
  });

  it('names the models, where it looked and STANCE_MODELS_DIR when they cannot be loaded, and scores with the model-free scorers instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-cli-nomodel-'));
    writeFileSync(join(dir, 'x.txt'), 'Cyberspace needs rules agreed by all states.');
    const store = await ownStore();
    const env = { ...store, STANCE_MODELS_DIR: join(dir, 'models'), STANCE_NLI_MODEL: 'nowhere/nli' };
    const r = await runCliInProcess(['ingest', join(dir, 'x.txt'), '--source', 'No model'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Transformer models not available: tiny-lexical-embed and nowhere/nli could not be loaded from the folder ${join(dir, 'models')} (STANCE_MODELS_DIR)`);
    expect(r.stderr).toContain('Scoring with the scorers that need no pretrained weights instead: lexicon, trained:<name>, ensemble:<name> (shipped: trained:default, ensemble:default).');
    const status = JSON.parse((await runCliInProcess(['status', '--json'], store)).stdout) as { sources: { source: string; by_status: { done: number } }[] };
    expect(status.sources.find((s) => s.source === 'No model')?.by_status.done).toBe(1);
  });

  it('prints help for every command', async () => {
    // The top-level help from the binary; each command's help from the same program in this process.
    for (const cmd of [[], ['ingest'], ['status'], ['db', 'migrate'], ['worker'], ['rescore'], ['axes'], ['compare'], ['process']]) {
      const r = cmd.length === 0 ? runCli(['--help'], embedded) : await runCliInProcess([...cmd, '--help'], embedded);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: stance/);
    }
  });
});

const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('stance CLI with DATABASE_URL', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => testDb.drop());

  it('migrates, ingests the seed manifest with the embedded counts, and is idempotent', async () => {
    const env = { DATABASE_URL: testDb.url, ...TINY_MODEL_ENV };
    const journal = JSON.parse(readFileSync(repoPath('db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect((await runCliInProcess(['db', 'migrate'], env)).stderr).toContain(`applied ${journal.entries.length} migration(s)`);
    expect((await runCliInProcess(['db', 'migrate'], env)).stderr).toContain('schema already up to date');
    expect((await runCliInProcess(['ingest', '--manifest', 'seeds/manifest.json'], env)).stderr).toContain('5 created, 0 duplicates, 0 failed');
    expect((await runCliInProcess(['ingest', '--manifest', 'seeds/manifest.json'], env)).stderr).toContain('0 created, 5 duplicates, 0 failed');
    const status = JSON.parse((await runCliInProcess(['status', '--json'], env)).stdout) as { sources: { source: string; total: number }[] };
    expect(status.sources.map((s) => [s.source, s.total])).toEqual([['Cuba forum', 1], ['ICT4Peace Foundation', 1], ['ITU', 3]]);
  });
});
