/**
 * Hostile-input harness: drives 500+ hostile inputs through every ingest entrance (the library
 * function, `stance ingest` files, `stance ingest --manifest`, POST /documents and the query
 * routes) and checks that none gives an HTTP 500, aborts its batch, prints a stack trace or shows
 * the Redis password, that good documents between them are still created, and that each input is
 * refused or stored as its case expects.
 *
 *   npm run bench:hostile [-- --json] [-- --database-url postgres://...]
 *
 * It creates a database of its own on the local Postgres (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test) and drops it afterwards. Redis is given as
 * redis://:HOSTILEsecret@127.0.0.1:1 (nothing listens there), so every path that talks about the
 * queue shows whether it leaks the password.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { pino } from 'pino';
import { ingestDocuments } from '../app/ingest.ts';
import { queueDocuments } from '../cli/process-after-ingest.ts';
import { parseConfig } from '../config/config.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { prepareDocument } from '../pipeline/prepare-document.ts';
import { redactUrl } from '../pipeline/redact.ts';
import { createApp } from '../server/app.ts';
import { startServer } from '../server/listen.ts';
import { documentCases, goodCase, stringifyWithMetadata, type Expectation, metaCases, withGoodBetween, contentCases, type HostileCase } from './hostile-cases.ts';
import { checkHttpCase, httpExtraCases, httpDocumentBody, type HttpCase } from './hostile-http.ts';
import { Tally } from './hostile-tally.ts';

const SECRET = 'HOSTILEsecret';
const REDIS_URL = `redis://:${SECRET}@127.0.0.1:1`;
const TOKEN = 'hostile-token';
const MAX_DOC_BYTES = 2_000_000;
const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, 'database-url': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  process.stderr.write('usage: npm run bench:hostile [-- --json] [-- --database-url postgres://user@host/db]\n');
  process.exit(0);
}
const adminUrl = values['database-url'] ?? (process.env.DATABASE_URL || DEFAULT_URL);
const progress = (msg: string) => process.stderr.write(`${msg}\n`);
const unique = randomBytes(4).toString('hex');
const tally = new Tally(SECRET);
const timings: Record<string, number> = {};

const dbName = `stance_hostile_${unique}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const databaseUrl = url.toString();
const work = mkdtempSync(join(tmpdir(), 'stance-hostile-'));
let database: Database | undefined;

try {
  database = await openDatabase({ databaseUrl, dataDir: join(work, 'unused'), migrations: 'apply' });
  progress(`hostile inputs against ${redactUrl(databaseUrl)} (run ${unique})`);
  timeConversions();
  await libraryEntrance(database);
  await httpEntrance(database);
  await cliFilesEntrance();
  await manifestEntrance();
} finally {
  await database?.close();
  rmSync(work, { recursive: true, force: true });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

const summary = tally.summary();
if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, conversion_ms: timings }, null, 2)}\n`);
else {
  tally.print();
  process.stdout.write(`\nconversion of inputs made to be slow (prepareDocument, ms):\n`);
  for (const [name, ms] of Object.entries(timings)) process.stdout.write(`  ${name.padEnd(52)} ${ms.toFixed(0).padStart(7)}\n`);
}
process.exitCode = summary.total_failures > 0 ? 1 : 0;

/** prepareDocument on each input made to be slow (decoding, conversion, normalization, furniture), timed. */
function timeConversions(): void {
  for (const c of contentCases(`${unique}-timed`, MAX_DOC_BYTES).filter((k) => k.timed)) {
    const start = performance.now();
    prepareDocument(c.content, c.file, MAX_DOC_BYTES);
    timings[`${c.kind}: ${c.name} (${(c.content.byteLength / 1e6).toFixed(1)} MB)`] = performance.now() - start;
  }
}

async function libraryEntrance(db: Database): Promise<void> {
  const cases = withGoodBetween(`${unique}-lib`, documentCases(`${unique}-lib`, MAX_DOC_BYTES), 10);
  progress(`library: ${cases.length} inputs`);
  const outcomes = await ingestDocuments(db.db, cases.map((c) => ({ file: c.file, content: c.content, meta: c.meta })), { maxDocBytes: MAX_DOC_BYTES });
  tally.batch('library', cases, outcomes.map((o) => ({ status: o.status, message: o.status === 'failed' ? o.message : '' })), JSON.stringify(outcomes));
}

async function httpEntrance(db: Database): Promise<void> {
  const config = parseConfig({ DATABASE_URL: databaseUrl, REDIS_URL, STANCE_API_TOKEN: TOKEN, STANCE_QUEUE_PREFIX: `hostile-${unique}` }, REPO);
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const app = createApp({
    env: { db: db.db, config, axes: loadAxesFile(config.axesFile) },
    config: { apiToken: TOKEN, maxDocBytes: MAX_DOC_BYTES },
    enqueue: (ids) => queueDocuments(config, ids),
    logger,
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  try {
    const docs = withGoodBetween(`${unique}-http`, documentCases(`${unique}-http`, MAX_DOC_BYTES), 10);
    const cases: HttpCase[] = [...docs.map((c) => httpDocumentBody(c, TOKEN)), ...httpExtraCases(TOKEN, MAX_DOC_BYTES, `${unique}-http-extra`)];
    progress(`http: ${cases.length} requests`);
    for (const c of cases) {
      const res = await fetch(`${server.url}${c.path}`, { method: c.method, headers: c.headers, body: c.body });
      const text = await res.text();
      checkHttpCase(tally, c, res.status, text);
    }
  } finally {
    await server.close();
  }
  tally.output('http', 'server log', logs.join(''));
}

/** Runs the real CLI; stdout and stderr are checked for stack traces and the secret. */
function runCli(args: string[], entrance: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/stance.js'), ...args], {
      cwd: work,
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, STANCE_MAX_DOC_BYTES: String(MAX_DOC_BYTES), STANCE_DATA_DIR: join(work, 'data'), STANCE_QUEUE_PREFIX: `hostile-${unique}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      tally.output(entrance, `stance ${args[0]} ${args.slice(1, 3).join(' ')}…`, stdout + stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

type CliResult = { results: { file: string; status: string; message?: string }[] };
function parseResults(stdout: string): CliResult['results'] | undefined {
  try {
    return (JSON.parse(stdout) as CliResult).results;
  } catch {
    return undefined;
  }
}

async function cliFilesEntrance(): Promise<void> {
  const dir = join(work, 'files');
  mkdirSync(dir);
  const cases = withGoodBetween(`${unique}-cli`, contentCases(`${unique}-cli`, MAX_DOC_BYTES), 8);
  const paths = cases.map((c, i) => {
    const path = join(dir, `${String(i).padStart(3, '0')}-${c.file}`);
    writeFileSync(path, c.content);
    return path;
  });
  progress(`cli: ${cases.length} files in one batch`);
  const r = await runCli(['ingest', '--json', '--no-process', '--source', 'Hostile bench', ...paths], 'cli');
  const results = parseResults(r.stdout) ?? [];
  tally.batch('cli', cases, paths.map((p) => results.find((o) => o.file === p) ?? { status: 'missing', message: '' }), r.stdout + r.stderr);

  // Hostile flags: each run gives the flag to a file of its own; they must fail per file with the reason.
  const flagRuns: [string, string[]][] = [
    ['date 2013-13-45', ['--date', '2013-13-45']],
    ['date 2020-02-30', ['--date', '2020-02-30']],
    ['url javascript:', ['--url', 'javascript:alert(1)']],
    ['source of 5,000 characters', ['--source', 'S'.repeat(5_000)]],
    ['title of 20,000 characters', ['--title', 'T'.repeat(20_000)]],
  ];
  for (const [name, flags] of flagRuns) {
    const good = goodCase(`${unique}-flag-${name}`, 0);
    const path = join(dir, `flag-${flagRuns.findIndex((f) => f[0] === name)}.txt`);
    writeFileSync(path, good.content);
    const withFile = await runCli(['ingest', '--json', '--no-process', '--source', 'Hostile bench', ...flags, path], 'cli');
    const res = parseResults(withFile.stdout) ?? [];
    tally.batch('cli', [{ ...good, kind: 'flag', name, expect: 'refuse' }], [res[0] ?? { status: 'missing', message: '' }], withFile.stdout + withFile.stderr);
  }
  // The queue path, with the password in REDIS_URL: stored, then "could not be queued".
  const queued = goodCase(`${unique}-queue`, 0);
  const qpath = join(dir, 'queue.txt');
  writeFileSync(qpath, queued.content);
  const q = await runCli(['ingest', '--json', '--source', 'Hostile bench', qpath], 'cli');
  tally.batch('cli', [queued], [parseResults(q.stdout)?.[0] ?? { status: 'missing', message: '' }], q.stdout + q.stderr);
}

async function manifestEntrance(): Promise<void> {
  const dir = join(work, 'manifest');
  mkdirSync(dir);
  const outsideDir = join(work, 'outside');
  mkdirSync(outsideDir);
  const outside = join(outsideDir, 'secret.txt');
  writeFileSync(outside, `An outside file ${unique} that a manifest must not read.`);
  symlinkSync(outside, join(dir, 'link.txt'));
  symlinkSync(outsideDir, join(dir, 'linkdir'));
  const docs = withGoodBetween(`${unique}-man`, metaCases(`${unique}-man`), 8);
  const lines: { line: string; label: string; expect: Expectation }[] = [];
  docs.forEach((c, i) => {
    const file = `${String(i).padStart(3, '0')}-${c.file}`;
    writeFileSync(join(dir, file), c.content);
    const m = c.meta;
    const entry: Record<string, unknown> = { file, source: m.source, actor: m.actor, actor_type: m.actorType, title: m.title, date: m.date, url: m.url, language: m.language, kind: m.kind };
    // Other fields are the manifest's metadata: spread the case's metadata object into the entry.
    if (c.metadataJson === undefined && m.metadata !== undefined) Object.assign(entry, typeof m.metadata === 'object' && !Array.isArray(m.metadata) ? m.metadata : { metadata: m.metadata });
    // A non-object `metadata` is, in a manifest, just another field kept as metadata.
    const plainField = m.metadata !== undefined && (typeof m.metadata !== 'object' || Array.isArray(m.metadata));
    lines.push({ line: stringifyWithMetadata(entry, c.metadataJson, 'extra'), label: `${c.kind}: ${c.name}`, expect: plainField ? 'either' : c.expect });
  });
  const hostileLines: [string, string][] = [
    ['path ../', JSON.stringify({ file: '../outside/secret.txt', source: 'M' })],
    ['path ../../../etc/passwd', JSON.stringify({ file: '../../../../../../etc/passwd.txt', source: 'M' })],
    ['absolute path', JSON.stringify({ file: outside, source: 'M' })],
    ['symlink to outside file', JSON.stringify({ file: 'link.txt', source: 'M' })],
    ['path through symlinked folder', JSON.stringify({ file: 'linkdir/secret.txt', source: 'M' })],
    ['missing file', JSON.stringify({ file: 'nowhere.txt', source: 'M' })],
    ['folder as file', JSON.stringify({ file: '.', source: 'M' })],
    ['file with NUL in name', JSON.stringify({ file: 'a\u0000b.txt', source: 'M' })],
    ['not JSON', '{file: nope'],
    ['JSON array line', '[1, 2, 3]'],
    ['null line', 'null'],
    ['number line', '42'],
    ['string line', '"a.txt"'],
    ['no file field', JSON.stringify({ source: 'M' })],
    ['file as a number', JSON.stringify({ file: 7, source: 'M' })],
    ['empty file name', JSON.stringify({ file: '', source: 'M' })],
    ['line nested 5,000 deep', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`],
    ['entry nested 5,000 deep', `{"file": "x.txt", "source": "M", "extra": ${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
    ['line of 1 MB', JSON.stringify({ file: 'big.txt', source: 'M', note: 'n'.repeat(1_000_000) })],
    ['BOM in the middle', '\ufeff{"file": "x.txt"}'],
  ];
  for (const [label, line] of hostileLines) lines.push({ line, label: `manifest: ${label}`, expect: 'refuse' });
  const manifest = join(dir, 'hostile.jsonl');
  writeFileSync(manifest, lines.map((l) => l.line).join('\n'));
  progress(`manifest: ${lines.length} entries`);
  const r = await runCli(['ingest', '--json', '--no-process', '--manifest', manifest], 'manifest');
  const results = parseResults(r.stdout) ?? [];
  // Failures of unreadable lines come first in the output; match each line by its position or its file.
  tally.manifest(lines, results, r.stdout + r.stderr);

  // A manifest that is not JSON at all: one clear message, no stack.
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"documents": [');
  const b = await runCli(['ingest', '--json', '--no-process', '--manifest', broken], 'manifest');
  tally.single('manifest', 'whole manifest not JSON', b.code === 2 && /not valid JSON/.test(b.stderr), `exit ${b.code}: ${b.stderr.slice(0, 200)}`);
}

export type { HostileCase };
