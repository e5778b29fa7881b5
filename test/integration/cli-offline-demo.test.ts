import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeGoldSubset } from '../helpers/gold-subset.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { repoPath } from '../helpers/paths.ts';

// No model can load: STANCE_MODELS_DIR points at an empty folder, which turns remote loading
// off (pipeline/models.ts), so the hub is never asked even where there is a network.
const dataDir = mkdtempSync(join(tmpdir(), 'stance-offline-'));
const modelsDir = mkdtempSync(join(tmpdir(), 'stance-no-models-'));
const offline = { STANCE_DATA_DIR: dataDir, STANCE_MODELS_DIR: modelsDir, STANCE_SCORER: '', STANCE_LEXICON_FILE: '' };
let demo: ReturnType<typeof runCli>;
const copies: string[] = [];

beforeAll(() => {
  demo = runCli(['demo'], offline);
}, 180_000);
afterAll(() => {
  for (const dir of [dataDir, modelsDir, ...copies]) rmSync(dir, { recursive: true, force: true });
});

/**
 * The offline environment on a copy of the demo's store, for a test that writes to it (trains a
 * model, scores with another lexicon): the other tests read the store as the demo left it, and
 * would see a trained:small or a second lexicon version if such a test ran before them.
 * The demo has exited, so the store is closed and its lock released when it is copied.
 */
function ownStore(): typeof offline {
  const copy = mkdtempSync(join(tmpdir(), 'stance-offline-copy-'));
  copies.push(copy);
  cpSync(dataDir, copy, { recursive: true });
  return { ...offline, STANCE_DATA_DIR: copy };
}

/** A committed artifact of config/trained/, read directly (its version and recorded dev CV). */
function shipped(file: string): { version: string; axes: { c: number; cross_validation: { c: number; macro_f1: number | null }[] }[] } {
  return JSON.parse(readFileSync(repoPath(`config/trained/${file}`), 'utf8')) as ReturnType<typeof shipped>;
}

/** `stance rescore --json`: chunks looked at, and the chunks newly scored per scorer name. */
type Rescored = { chunks: number; embedded: number; scored: Record<string, number> };

/** The rows of the position table of one axis block of `stance compare` text output. */
function positionRows(stdout: string, axis: string): Map<string, string> {
  const block = stdout.split(`\n${axis}  (`)[1]?.split('\n\n')[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of block.split('\n').slice(3)) {
    const source = ['Cuba forum', 'ICT4Peace Foundation', 'ITU'].find((s) => line.startsWith(`${s} `));
    if (source) rows.set(source, line.slice(source.length));
  }
  return rows;
}

describe('npm start without transformer models', { timeout: 150_000 }, () => {
  it('says in one paragraph what is missing and how to get it, and exits 0', () => {
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toContain('Transformer models not available: Xenova/all-MiniLM-L6-v2 and Xenova/nli-deberta-v3-xsmall could not be loaded');
    expect(demo.stderr).toContain(`the folder ${modelsDir} (STANCE_MODELS_DIR)`);
    expect(demo.stderr).toContain('Scoring with the scorers that need no pretrained weights instead: lexicon, trained:<name>, ensemble:<name> (shipped: trained:default, ensemble:default).');
    expect(demo.stderr).toMatch(/run once with network access[\s\S]*STANCE_MODELS_DIR/);
    expect(demo.stderr).toContain('processed 5 document(s): 5 done, 0 failed');
  });

  it('compares the three sources with the default scorer named in each header (trained:default, best recorded dev CV), with intervals', () => {
    const headers = demo.stdout.match(/^\S+ {2}\(-1 = \S+, \+1 = \S+\) {2}scorer (\S+)$/gm) ?? [];
    expect(headers).toHaveLength(2);
    // trained:default records a higher mean dev CV macro-F1 than ensemble:default; the lexicon records none.
    const cv = (file: string) => {
      const a = shipped(file);
      return a.axes.reduce((s, x) => s + (x.cross_validation.find((p) => p.c === x.c)?.macro_f1 ?? 0), 0) / a.axes.length;
    };
    const best = cv('default.json') >= cv('ensemble-default.json') ? `trained:default:${shipped('default.json').version}` : `ensemble:default:${shipped('ensemble-default.json').version}`;
    for (const h of headers) expect(h.endsWith(`scorer ${best}`)).toBe(true);
    const withIntervals = ['sovereignty_multistakeholder', 'security_rights'].filter((axis) => {
      const rows = positionRows(demo.stdout, axis);
      expect([...rows.keys()].sort()).toEqual(['Cuba forum', 'ICT4Peace Foundation', 'ITU']);
      return [...rows.values()].every((r) => /^\s+-?\d\.\d{3}\s+\[-?\d\.\d{3}, -?\d\.\d{3}\]/.test(r));
    });
    expect(withIntervals.length).toBeGreaterThan(0);
  });

  it('quotes evidence for the poles with the label probabilities of the trained model, and the lexicon with its matched terms', async () => {
    expect(demo.stdout).toContain('Evidence: the passage most strongly on each pole');
    expect(demo.stdout).toMatch(/security_rights \/ security: .*\n {2}".+"\n {2}label probabilities: security \d\.\d\d, (?:(?:rights|neutral|irrelevant) \d\.\d\d(?:, )?){3}\n/);
    const lex = await runCliInProcess(['evidence', '--source', 'Cuba forum', '--axis', 'security_rights', '--pole', 'security', '--scorer', 'lexicon'], offline);
    expect(lex.code, lex.stderr).toBe(0);
    expect(lex.stdout).toMatch(/matched terms: "[^"]+" \(security/);
  });

  it('lists every scorer with its version: lexicon, trained:default and ensemble:default scored, the transformer scorers not available', async () => {
    const r = await runCliInProcess(['scorers', '--json'], offline);
    expect(r.code, r.stderr).toBe(0);
    const { scorers, default: chosen } = JSON.parse(r.stdout) as { default: string | null; scorers: { name: string; version: string | null; available: boolean; scored: boolean; needs_models: string[] }[] };
    // The default is the model-free scorer with the best dev cross-validated macro-F1, the one the demo's header names.
    expect(chosen).toBe('trained:default');
    expect(scorers.map((s) => s.name)).toEqual(['nli', 'prototype', 'lexicon', 'trained:default', 'ensemble:default']);
    expect(scorers[2]).toMatchObject({ name: 'lexicon', version: expect.stringMatching(/^lexicon:[0-9a-f]{12}$/), available: true, scored: true, needs_models: [] });
    expect(scorers[3]).toMatchObject({ version: `trained:default:${shipped('default.json').version}`, available: true, scored: true });
    expect(scorers[4]).toMatchObject({ version: `ensemble:default:${shipped('ensemble-default.json').version}`, available: true, scored: true });
    expect(scorers[0]).toMatchObject({ name: 'nli', available: false, scored: false, needs_models: ['nli'] });
  });

  it('exports the matched terms with each lexicon score in chunks.csv', async () => {
    const out = join(dataDir, 'export');
    const r = await runCliInProcess(['export', '--out', out, '--json'], offline);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'chunks.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain(',label,details,text');
    // The details column holds JSON, its quotes doubled by CSV quoting.
    // jsonb keeps its own key order inside a term, so only the keys are checked, not their order.
    expect(csv).toMatch(/,lexicon:[0-9a-f]{12},[^\n]*"\{""terms"":\[\{[^\n]*""term"":""[^"]+""/);
  });

  it('rejects an unknown trained model naming the known ones (exit 2)', async () => {
    const bad = await runCliInProcess(['compare', '--scorer', 'trained:nope'], offline);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no trained model "nope" (known: trained:default)');
  });

  it('rescores with trained:NAME only for a new version of the model', async () => {
    const store = ownStore();
    const nothing = await runCliInProcess(['rescore', '--scorer', 'trained:default', '--json'], store);
    const none = JSON.parse(nothing.stdout) as Rescored;
    expect(none.scored['trained:default']).toBe(0);
    // A scorer that needs no pretrained weights: the transformer models are neither loaded nor missed.
    expect(nothing.stderr).not.toMatch(/loading models|Transformer models not available/);
    const first = await runCliInProcess(['train', '--name', 'small', '--json'], store);
    expect(first.code, first.stderr).toBe(0);
    const v1 = (JSON.parse(first.stdout) as { version: string }).version;
    const a = JSON.parse((await runCliInProcess(['rescore', '--scorer', 'trained:small', '--json'], store)).stdout) as Rescored;
    expect(a.scored['trained:small']).toBe(a.chunks);
    const b = JSON.parse((await runCliInProcess(['rescore', '--scorer', 'trained:small', '--json'], store)).stdout) as Rescored;
    expect(b.scored['trained:small']).toBe(0);
    // Another seed is another training run: a new version, so every chunk is scored again, once.
    const second = await runCliInProcess(['train', '--name', 'small', '--seed', '7', '--json'], store);
    expect((JSON.parse(second.stdout) as { version: string }).version).not.toBe(v1);
    const c = JSON.parse((await runCliInProcess(['rescore', '--scorer', 'trained:small', '--json'], store)).stdout) as Rescored;
    expect(c.scored['trained:small']).toBe(c.chunks);
    const compared = JSON.parse((await runCliInProcess(['compare', '--axis', 'security_rights', '--scorer', 'trained:small', '--json'], store)).stdout) as { scorer: string };
    expect(compared.scorer).toBe(`trained:small:${(JSON.parse(second.stdout) as { version: string }).version}`);
  });

  it('rescores an ensemble with an nli member only with the models it needs: refused without them, scored with them', async () => {
    const store = ownStore();
    // The test fixtures' tiny models stand in for the real ones (they are not trained: only the plumbing is checked).
    const withModels = { ...store, STANCE_MODELS_DIR: repoPath('test/fixtures/models'), STANCE_EMBED_MODEL: 'tiny-lexical-embed', STANCE_NLI_MODEL: 'tiny-random-nli' };
    // Stacked on a few dev documents of the gold set: the test is about which models rescore loads, not about the fit.
    const set = join(store.STANCE_DATA_DIR, 'gold-small.jsonl');
    writeGoldSubset(set, 3, 0);
    const trained = await runCliInProcess(['train', '--ensemble', 'withnli', '--members', 'lexicon,nli', '--set', set, '--json'], withModels);
    expect(trained.code, trained.stderr).toBe(0);
    const refused = await runCliInProcess(['rescore', '--scorer', 'ensemble:withnli', '--json'], store);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot load the embedding model "Xenova\/all-MiniLM-L6-v2"/);
    const scored = await runCliInProcess(['rescore', '--scorer', 'ensemble:withnli', '--json'], withModels);
    expect(scored.code, scored.stderr).toBe(0);
    const counts = JSON.parse(scored.stdout) as Rescored;
    expect(counts.scored['ensemble:withnli']).toBe(counts.chunks);
  });

  it('run again once the models are here, says the stored documents lack their scores until `stance rescore`, and is quiet after it', async () => {
    const store = ownStore();
    // The tiny fixture models stand in for the real ones (only which scorer is read is checked).
    const withModels = { ...store, STANCE_MODELS_DIR: repoPath('test/fixtures/models'), STANCE_EMBED_MODEL: 'tiny-lexical-embed', STANCE_NLI_MODEL: 'tiny-random-nli', STANCE_INFERENCE_SESSIONS: '1' };
    const header = (stdout: string) => stdout.match(/^security_rights {2}\(.*scorer (\S+)$/m)?.[1] ?? '';
    const again = await runCliInProcess(['demo'], withModels);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('0 created, 5 duplicates');
    expect(again.stderr).toContain('note: nli and prototype can run on this machine (the models are here), but this store has no scores of their current version');
    expect(again.stderr).toContain('`stance rescore` adds the missing scores');
    expect(header(again.stdout)).toMatch(/^trained:default:/);
    const rescored = await runCliInProcess(['rescore', '--json'], withModels);
    expect(rescored.code, rescored.stderr).toBe(0);
    const after = await runCliInProcess(['demo'], withModels);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).not.toContain('note: ');
    expect(header(after.stdout)).toMatch(/^nli:/);
  });

  it('rejects an unknown scorer naming the known ones (exit 2), and a scorer with nothing scored says what to run', async () => {
    const bad = await runCliInProcess(['compare', '--scorer', 'bogus'], offline);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown scorer "bogus"; known scorers: nli, prototype, lexicon, trained:<name>, ensemble:<name>');
    const nli = await runCliInProcess(['evidence', '--source', 'ITU', '--axis', 'security_rights', '--pole', 'rights', '--scorer', 'nli'], offline);
    expect(nli.code).toBe(2);
    expect(nli.stderr).toMatch(/nothing has been scored with the nli scorer/);
  });

  it('similar says that embeddings are missing and how to get them, not that a scorer has not scored (exit 2)', async () => {
    for (const query of [['--chunk', '1'], ['--text', 'multistakeholder governance of the Internet']]) {
      const r = await runCliInProcess(['similar', ...query], offline);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^stance: no embeddings are stored for the embedding model Xenova\/all-MiniLM-L6-v2 \(q8\)/m);
      expect(r.stderr).toContain('README "Offline models": STANCE_MODELS_DIR');
      expect(r.stderr).toContain('then run `stance rescore`');
      expect(r.stderr).not.toContain('prototype scorer');
    }
  });

  it('eval of the default nli scorer names the NLI model it could not load, not the embedding model it does not use (exit 2)', async () => {
    const r = await runCliInProcess(['eval', '--set', repoPath('eval/gold.jsonl')], offline);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('loading the NLI model Xenova/nli-deberta-v3-xsmall (q8)');
    expect(r.stderr).toMatch(/^stance: cannot load the NLI model "Xenova\/nli-deberta-v3-xsmall"/m);
    expect(r.stderr).not.toContain('all-MiniLM');
  });

  it('rescores only for a new lexicon version, and queries read the version of the lexicon file in use', async () => {
    const store = ownStore();
    const before = JSON.parse((await runCliInProcess(['compare', '--axis', 'security_rights', '--scorer', 'lexicon', '--json'], store)).stdout) as { scorer: string };
    const again = await runCliInProcess(['rescore', '--scorer', 'lexicon', '--json'], store);
    expect(again.code, again.stderr).toBe(0);
    const counts = JSON.parse(again.stdout) as Rescored;
    expect(counts.scored.lexicon).toBe(0);
    // One weight changed: a new version, so every chunk gets new rows.
    const changed = JSON.parse(readFileSync(repoPath('config/lexicon.json'), 'utf8')) as { smoothing: number };
    changed.smoothing += 1;
    const file = join(store.STANCE_DATA_DIR, 'lexicon-changed.json');
    writeFileSync(file, JSON.stringify(changed));
    const withChanged = { ...store, STANCE_LEXICON_FILE: file };
    const fresh = JSON.parse((await runCliInProcess(['rescore', '--scorer', 'lexicon', '--json'], withChanged)).stdout) as Rescored;
    expect(fresh.scored.lexicon).toBe(fresh.chunks);
    const compared = JSON.parse((await runCliInProcess(['compare', '--axis', 'security_rights', '--scorer', 'lexicon', '--json'], withChanged)).stdout) as { scorer: string };
    expect(before.scorer).toMatch(/^lexicon:[0-9a-f]{12}$/);
    expect(compared.scorer).toMatch(/^lexicon:[0-9a-f]{12}$/);
    expect(compared.scorer).not.toBe(before.scorer);
  });
});
