import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { writeGoldSubset } from '../helpers/gold-subset.ts';
import { freshDataDir } from '../helpers/db.ts';
import { repoPath } from '../helpers/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'stance-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Each CLI run (in this process) opens the embedded store: on a loaded 2-core machine that takes
// a second or more, so the tests that run several get more than the default minute.
const SLOW = 240_000;
// The stores are copies of the run's empty, migrated template (set in beforeAll).
const env = { STANCE_DATA_DIR: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV };
const stores: string[] = [];
afterAll(() => stores.forEach((d) => rmSync(d, { recursive: true, force: true })));
async function newStore(): Promise<string> {
  const d = await freshDataDir();
  stores.push(d);
  return d;
}

// A small set of whole documents: 8 of dev, 3 of test, so that training takes little time.
const SET = join(dir, 'small.jsonl');
const { nDev, nTest } = writeGoldSubset(SET, 8, 3);

interface TrainJson {
  name: string;
  kind: string;
  version: string;
  scorer: string;
  outcome: string;
  training: { n_items: number; split: string };
  held_out_split: string | null;
  axes: Record<string, { c: number; cv_macro_f1: number | null; held_out: { n: number; macro_f1: number | null; macro_f1_ci: [number, number] | null } | null }>;
}

describe('stance train on the embedded store', () => {
  // Every test below reads the model this run stores (and only adds to the store), so each can run alone or in any order.
  let first: { code: number; stdout: string; stderr: string };
  let trained: TrainJson;
  beforeAll(async () => {
    env.STANCE_DATA_DIR = await newStore();
    first = await runCliInProcess(['train', '--name', 'small', '--set', SET, '--out', join(dir, 'small.json'), '--json'], env);
    trained = JSON.parse(first.stdout || '{}') as TrainJson;
  }, SLOW);

  it('trains on the dev split, stores the model, writes the file, and reports test only as held out', async () => {
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.code).toBe(0);
    expect(trained).toMatchObject({ name: 'small', kind: 'trained', scorer: 'trained:small', outcome: 'created', held_out_split: 'test' });
    expect(trained.training).toMatchObject({ n_items: nDev, split: 'dev' });
    const file = JSON.parse(readFileSync(join(dir, 'small.json'), 'utf8')) as { version: string; name: string };
    expect(file.version).toBe(trained.version);
    for (const axis of Object.values(trained.axes)) {
      expect(axis.held_out?.n).toBe(nTest);
      const ci = axis.held_out?.macro_f1_ci;
      if (ci) expect(ci[0] <= ci[1] && ci[0] >= 0 && ci[1] <= 1).toBe(true);
    }
  }, SLOW);

  it('adds nothing when the same data is trained again, and lists and exports the model byte for byte', async () => {
    const again = JSON.parse((await runCliInProcess(['train', '--name', 'small', '--set', SET, '--json'], env)).stdout) as TrainJson;
    expect(again.outcome).toBe('exists');
    expect(again.version).toBe(trained.version);
    const list = await runCliInProcess(['train', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const { models } = JSON.parse(list.stdout) as { models: { name: string; version: string; scorer: string }[] };
    expect(models.filter((m) => m.name === 'small').map((m) => [m.name, m.version, m.scorer])).toEqual([['small', trained.version, 'trained:small']]);
    expect((await runCliInProcess(['train', 'export', 'small', '--out', join(dir, 'exported.json')], env)).code).toBe(0);
    expect(readFileSync(join(dir, 'exported.json'), 'utf8')).toBe(readFileSync(join(dir, 'small.json'), 'utf8'));
    // A path under a file cannot be written: a user error naming the file in the way, not a stack trace.
    const under = join(dir, 'small.json', 'copy.json');
    const blocked = await runCliInProcess(['train', 'export', 'small', '--out', under], env);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain(`stance: cannot write ${under}: ${join(dir, 'small.json')} is a file, not a folder`);
  }, SLOW);

  it('imports a model file into another store, and refuses a file that is not a model with exit code 2', async () => {
    const other = { ...env, STANCE_DATA_DIR: await newStore() };
    const imported = await runCliInProcess(['train', 'import', join(dir, 'small.json'), '--json'], other);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ name: 'small', kind: 'trained', version: trained.version, outcome: 'created' });
    writeFileSync(join(dir, 'bad.json'), '{"format": "something else"}');
    const bad = await runCliInProcess(['train', 'import', join(dir, 'bad.json')], other);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: .*expected a file written by `stance train`/);
    // Embeddings of a synthetic model carry no meaning: refused before anything is trained.
    const synthetic = await runCliInProcess(['train', '--name', 'emb', '--set', SET, '--with-embeddings'], other);
    expect(synthetic.code).toBe(2);
    expect(synthetic.stderr).toMatch(/--with-embeddings refuses the synthetic model tiny-lexical-embed/);
    const missing = await runCliInProcess(['train', 'export', 'nope', '--out', join(dir, 'x.json')], other);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no trained model or ensemble named "nope" \(known: trained:default, trained:small, ensemble:default\)/);
  }, SLOW);

  it('exports the shipped models from a fresh store, as compare finds them, and asks which kind a bare shared name is', async () => {
    const fresh = { ...env, STANCE_DATA_DIR: await newStore() };
    const out = join(dir, 'shipped-default.json');
    const r = await runCliInProcess(['train', 'export', 'trained:default', '--out', out], fresh);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wrote trained model default version \S+ \(shipped with stance\) to /);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(repoPath('config/trained/default.json'), 'utf8'));
    const ensemble = await runCliInProcess(['train', 'export', 'ensemble:default', '--out', join(dir, 'shipped-ensemble.json')], fresh);
    expect(ensemble.code, ensemble.stderr).toBe(0);
    expect(readFileSync(join(dir, 'shipped-ensemble.json'), 'utf8')).toBe(readFileSync(repoPath('config/trained/ensemble-default.json'), 'utf8'));
    const bare = await runCliInProcess(['train', 'export', 'default', '--out', join(dir, 'bare.json')], fresh);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('"default" is both a trained model and an ensemble; say which: ensemble:default or trained:default');
  }, SLOW);

  it('with --no-store, an ensemble member that is only in the database is refused naming the flag to drop', async () => {
    // "small" is stored (beforeAll); --no-store keeps the run off the database, so only shipped models are members.
    const r = await runCliInProcess(['train', '--ensemble', 'mix3', '--members', 'lexicon,trained:small', '--set', SET, '--no-store', '--out', join(dir, 'mix3.json')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'stance: no shipped trained model named "small" (shipped: trained:default); with --no-store, members are not read from the database: drop --no-store to use a stored model, or train "small" first\n',
    );
  }, SLOW);

  it('stacks the lexicon and the trained model into an ensemble fitted on dev, and refuses to fit on test', async () => {
    const r = await runCliInProcess(['train', '--ensemble', 'mix', '--members', 'lexicon,trained:small', '--set', SET, '--json'], env);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as TrainJson & { training: { member_predictions: string } };
    expect(out).toMatchObject({ name: 'mix', kind: 'ensemble', scorer: 'ensemble:mix', outcome: 'created' });
    expect(out.training.member_predictions).toMatch(/out-of-fold on dev/);
    const list = JSON.parse((await runCliInProcess(['train', 'list', '--json'], env)).stdout) as { models: { name: string; members?: { name: string; version: string }[] }[] };
    expect(list.models.find((m) => m.name === 'mix')?.members?.map((m) => m.name)).toEqual(['lexicon', 'trained:small']);
    expect(list.models.find((m) => m.name === 'mix')?.members?.[1]?.version).toBe(trained.version);
    const refused = await runCliInProcess(['train', '--ensemble', 'mix2', '--members', 'lexicon,trained:small', '--split', 'test'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/fits on the dev split only/);

    // A trained model may share the ensemble's name (the version hash leaves the name out, so a renamed copy imports).
    const renamed = join(dir, 'mix-trained.json');
    writeFileSync(renamed, readFileSync(join(dir, 'small.json'), 'utf8').replace('"name": "small"', '"name": "mix"'));
    expect((await runCliInProcess(['train', 'import', renamed], env)).code).toBe(0);
    const ambiguous = await runCliInProcess(['train', 'export', 'mix', '--out', join(dir, 'mix.json')], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/"mix" is both a trained model and an ensemble; say which: ensemble:mix or trained:mix/);
    for (const kind of ['ensemble', 'trained']) {
      expect((await runCliInProcess(['train', 'export', `${kind}:mix`, '--out', join(dir, `${kind}-mix.json`)], env)).code).toBe(0);
      expect((JSON.parse(readFileSync(join(dir, `${kind}-mix.json`), 'utf8')) as { kind: string; name: string })).toMatchObject({ kind, name: 'mix' });
    }
  }, SLOW);
});
