import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.ts';
import { freshDataDir } from '../helpers/db.ts';
import { restoreEnv } from '../helpers/env.ts';
import { runInProcess } from '../helpers/in-process-cli.ts';
import { nonSnakeKeys } from '../helpers/naming.ts';
import { repoPath } from '../helpers/paths.ts';

// Every command that takes --json is run (in this process: spawning one CLI per command would
// take minutes) on a small store of the seed corpus scored with the synthetic test models, and
// its JSON must use snake_case keys at any depth. A command added later with --json fails the
// first test until it has arguments below, so it cannot slip past the check.

const work = mkdtempSync(join(tmpdir(), 'stance-naming-'));
const saved = { ...process.env };

// Arguments per command (its path in the command tree), in the order they run: the store fills up first.
const RUNS: [string, string[]][] = [
  ['ingest', ['ingest', '--manifest', repoPath('seeds/manifest.json'), '--no-process', '--json']],
  ['process', ['process', '--json']],
  ['status', ['status', '--json']],
  ['retry', ['retry', '1', '--json']],
  ['rescore', ['rescore', '--scorer', 'trained:default', '--json']],
  ['axes', ['axes', '--json']],
  ['scorers', ['scorers', '--json']],
  ['compare', ['compare', '--iterations', '200', '--json']],
  ['evidence', ['evidence', '--source', 'ITU', '--axis', 'security_rights', '--pole', 'rights', '--scorer', 'lexicon', '--json']],
  ['similar', ['similar', '--chunk', '1', '--limit', '2', '--json']],
  ['map', ['map', '--out', join(work, 'map.svg'), '--json']],
  ['export', ['export', '--out', join(work, 'export'), '--scorer', 'lexicon', '--json']],
  ['db migrate', ['db', 'migrate', '--json']],
  ['eval', ['eval', '--set', repoPath('eval/gold.jsonl'), '--scorer', 'lexicon,trained:default', '--replicates', '100', '--json']],
  ['eval calibrate', ['eval', 'calibrate', '--set', repoPath('eval/gold.jsonl'), '--scorer', 'prototype', '--name', 'naming', '--json']],
  ['eval agreement', ['eval', 'agreement', repoPath('eval/taggings/annotator1-v2.jsonl'), repoPath('eval/taggings/annotator2-blind.jsonl'), '--json']],
  ['eval history', ['eval', 'history', '--json']],
  ['train', ['train', '--name', 'naming', '--out', join(work, 'naming.json'), '--json']],
  ['train import', ['train', 'import', join(work, 'naming.json'), '--json']],
  ['train list', ['train', 'list', '--json']],
  ['documents', ['documents', '--json']],
  ['documents update', ['documents', 'update', '1', '--title', 'Renamed', '--json']],
  ['sources', ['sources', '--json']],
  ['sources rename', ['sources', 'rename', 'ICT4Peace Foundation', 'ICT4Peace', '--json']],
  ['sources merge', ['sources', 'merge', 'ICT4Peace', 'ITU', '--json']],
  ['documents delete', ['documents', 'delete', '2', '--json']],
];

/** The commands of the tree that take --json, as paths like "eval calibrate". */
function jsonCommands(cmd: Command, prefix = ''): string[] {
  return cmd.commands.flatMap((c) => {
    const path = `${prefix}${c.name()}`;
    const own = c.options.some((o) => o.long === '--json') ? [path] : [];
    return [...own, ...jsonCommands(c, `${path} `)];
  });
}

// The store: a copy of the run's empty, migrated template.
let store = '';
beforeAll(async () => {
  store = await freshDataDir();
  Object.assign(process.env, {
    DATABASE_URL: '',
    REDIS_URL: '',
    STANCE_DATA_DIR: store,
    STANCE_MODELS_DIR: repoPath('test/fixtures/models'),
    STANCE_EMBED_MODEL: 'tiny-lexical-embed',
    STANCE_NLI_MODEL: 'tiny-random-nli',
    STANCE_SCORER: '',
    STANCE_LEXICON_FILE: '',
    STANCE_AXES_FILE: '',
    STANCE_THRESHOLD_PROFILE: '',
  });
});
afterAll(() => {
  if (store) rmSync(store, { recursive: true, force: true });
  restoreEnv(saved);
  rmSync(work, { recursive: true, force: true });
});

describe('one naming style in the CLI JSON: snake_case', () => {
  it('has arguments for every command that takes --json', async () => {
    const withJson = jsonCommands(await buildProgram()).sort();
    expect(RUNS.map(([name]) => name).sort()).toEqual(expect.arrayContaining(withJson));
    expect(withJson).toEqual(expect.arrayContaining(RUNS.map(([name]) => name).sort()));
  });

  it('every --json answer has snake_case keys at any depth', { timeout: 600_000 }, async () => {
    const offenders: string[] = [];
    for (const [name, args] of RUNS) {
      const r = await runInProcess(args);
      expect(r.code, `stance ${args.join(' ')}\n${r.stderr}`).toBe(0);
      let json: unknown;
      try {
        json = JSON.parse(r.stdout);
      } catch {
        throw new Error(`stance ${name} --json printed no JSON document: ${r.stdout.slice(0, 300)}`);
      }
      offenders.push(...nonSnakeKeys(json, name));
    }
    expect(offenders).toEqual([]);
  });
});
