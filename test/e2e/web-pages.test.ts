import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, waitFor, type CliProcess } from '../helpers/cli.ts';
import { repoPath, SEEDS_DIR } from '../helpers/paths.ts';
import { FlowProducer } from 'bullmq';
import { QUEUE_NAMES } from '../../workers/catalog.ts';
import { workerConnection } from '../../workers/connection.ts';
import { createTestDatabase, obliterateQueues, postgresAvailable, redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

/**
 * The web pages in a real browser (Debian's chromium driven by playwright-core) against the real
 * `stance serve` on the seed corpus, scored by the scorers that need no pretrained weights
 * (lexicon, trained:default, ensemble:default). One server and one browser for the whole file.
 */

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'e2e-token-5f1c';
const SCREENSHOTS = repoPath('test-artifacts/screenshots');
const SEED_SOURCES = ['Cuba forum', 'ICT4Peace Foundation', 'ITU'];
// A document whose text and title try to run script; it must show as text.
const HOSTILE_TITLE = 'Hostile <img src=x onerror="window.__xss=1;alert(2)"> title';
const HOSTILE_TEXT = 'Governments must protect human rights online. <script>window.__xss=1;alert(1)</script> The United Nations should set the rules for cyberspace and state sovereignty.';

// CI must fail, never skip, without Chromium (.ci/run installs it); elsewhere say why the file skips.
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && (process.env.CI === 'true' || process.env.CI === '1')) throw new Error(`${CHROMIUM} is missing; .ci/run installs Debian's chromium`);
if (!hasChromium) console.warn(`SKIPPING the browser tests: ${CHROMIUM} is missing (apt-get install chromium)`);
const hasServices = hasChromium && (await postgresAvailable()) && (await redisAvailable());
const dataDir = mkdtempSync(join(tmpdir(), 'stance-e2e-'));
const reviewDir = join(dataDir, 'reviews');
const modelsDir = join(dataDir, 'no-models');
let env: Record<string, string>;
let drop: (() => Promise<void>) | undefined;
let server: CliProcess | undefined;
let browser: Browser | undefined;
let base = '';

beforeAll(async () => {
  if (!hasServices) return;
  const db = await createTestDatabase();
  drop = db.drop;
  mkdirSync(modelsDir);
  // No model can load (empty STANCE_MODELS_DIR turns remote loading off): the model-free scorers run.
  env = { DATABASE_URL: db.url, STANCE_MODELS_DIR: modelsDir, STANCE_SCORER: '', STANCE_LEXICON_FILE: '', STANCE_API_TOKEN: TOKEN, STANCE_REVIEW_DIR: reviewDir, LOG_LEVEL: 'warn' };
  const seeds = JSON.parse(readFileSync(join(SEEDS_DIR, 'manifest.json'), 'utf8')) as { documents: { file: string }[] };
  writeFileSync(join(dataDir, 'hostile.txt'), HOSTILE_TEXT);
  // Manifest paths are relative to the manifest: the seeds are copied next to it.
  mkdirSync(join(dataDir, 'seeds'));
  for (const d of seeds.documents) copyFileSync(join(SEEDS_DIR, d.file), join(dataDir, 'seeds', d.file));
  const manifest = {
    documents: [
      ...seeds.documents.map((d) => ({ ...d, file: `seeds/${d.file}` })),
      { file: 'hostile.txt', source: 'Test <b>source</b>', title: HOSTILE_TITLE, date: '2020', language: 'en' },
    ],
  };
  writeFileSync(join(dataDir, 'manifest.json'), JSON.stringify(manifest));
  for (const args of [['db', 'migrate'], ['ingest', '--manifest', join(dataDir, 'manifest.json')]]) {
    const r = runCli(args, env);
    if (r.code !== 0) throw new Error(`stance ${args.join(' ')} failed: ${r.stderr}`);
  }
  server = startCli(['serve', '--port', '0'], env);
  base = await waitFor(() => /stance API on (http:\/\/\S+) /.exec(server?.stderr() ?? '')?.[1], 'the server to listen');
  // launch() starts Chromium on a fresh temporary profile of its own (a new user-data dir each run).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.done;
  }
  await drop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh page that records every dialog (alert) it opens. */
async function openPage(path: string): Promise<{ page: Page; dialogs: string[] }> {
  const page = await (browser as Browser).newPage({ viewport: { width: 1300, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${base}${path}`);
  return { page, dialogs };
}

/** Whitespace collapsed, for comparing stored text with the seed files. */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!hasServices)('web pages in Chromium', { timeout: 120_000 }, () => {
  it('the map shows the three seed sources; selecting one shows evidence quotes from its documents', async () => {
    const { page } = await openPage('/ui/map');
    const keys = await page.locator('svg circle.group').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    for (const s of SEED_SOURCES) expect(keys).toContain(s);
    await page.screenshot({ path: join(SCREENSHOTS, 'map.png'), fullPage: true });

    await page.locator('a.group-link[aria-label^="ITU "]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/select=ITU/);
    const quotes = await page.locator('blockquote.quote').allTextContents();
    expect(quotes.length).toBeGreaterThan(0);
    // Every quote is text of an ITU seed document (the manifest says which files are ITU's).
    const seeds = JSON.parse(readFileSync(join(SEEDS_DIR, 'manifest.json'), 'utf8')) as { documents: { file: string; source: string }[] };
    const ituText = squash(seeds.documents.filter((d) => d.source === 'ITU').map((d) => readFileSync(join(SEEDS_DIR, d.file), 'utf8')).join(' '));
    for (const q of quotes) expect(ituText).toContain(squash(q).slice(0, 60));
    await page.screenshot({ path: join(SCREENSHOTS, 'map-selected.png'), fullPage: true });
    await page.close();
  });

  it('a filter change on the compare view goes into the URL and survives a reload', async () => {
    const { page } = await openPage('/ui/compare');
    await page.locator('input[name="sources"][value="ITU"]').check();
    await page.waitForURL(/sources=ITU/);
    await page.locator('input[name="sources"][value="Cuba forum"]').check();
    await page.waitForURL(/sources=Cuba/);
    await page.selectOption('select[name="scorer"]', 'lexicon');
    await page.waitForURL(/scorer=lexicon/);
    await page.reload();
    const url = new URL(page.url());
    expect(url.searchParams.getAll('sources').sort()).toEqual(['Cuba forum', 'ITU']);
    expect(url.searchParams.get('scorer')).toBe('lexicon');
    expect(await page.locator('input[name="sources"][value="ITU"]').isChecked()).toBe(true);
    expect(await page.locator('input[name="sources"][value="ICT4Peace Foundation"]').isChecked()).toBe(false);
    expect(await page.locator('select[name="scorer"]').inputValue()).toBe('lexicon');
    // Only the two chosen sources are compared, on each axis, by the lexicon scorer, with their one pair.
    for (const section of await page.locator('section.comparison').all()) {
      const rows = await section.locator('table.groups tbody th').allTextContents();
      expect(rows.sort()).toEqual(['Cuba forum', 'ITU']);
      expect(await section.locator('h2').textContent()).toContain('scorer lexicon');
      expect(await section.locator('table.pairs tbody tr').count()).toBe(1);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'compare.png'), fullPage: true });
    await page.close();
  });

  it('adding a document through the form is refused without the token, and with it the document appears with its status', async () => {
    const { page } = await openPage('/ui/documents');
    const count = async () => Number(/of (\d+)$/.exec(((await page.locator('#documents-pager span').textContent()) ?? '').trim())?.[1]);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const title = 'E2E added document';
    await page.fill('textarea[name="text"]', 'The multistakeholder model must guide Internet governance. Civil society and the technical community belong at the table.');
    await page.fill('input[name="source"]', 'E2E source');
    await page.fill('input[name="title"]', title);
    await page.click('button:has-text("Add document")');
    await expect.poll(() => page.locator('#add-result').textContent()).toContain('Not added (401)');
    expect(await page.locator('#documents-body').textContent()).not.toContain(title);

    await page.fill('input[name="token"]', TOKEN);
    await page.click('button:has-text("Add document")');
    await expect.poll(() => page.locator('#add-result').textContent()).toMatch(/^Document \d+: queued\.$/);
    const id = /Document (\d+)/.exec((await page.locator('#add-result').textContent()) ?? '')?.[1];
    const row = page.locator(`#documents-body tr[data-id="${id}"]`);
    await expect.poll(() => row.textContent()).toContain(title);
    expect(await row.getAttribute('data-status')).toBe('queued');
    // The count under the list follows the list, without a reload.
    expect(await count()).toBe(before + 1);
    // Processing it elsewhere (`stance process`, as without Redis) shows on the open page by itself, no reload.
    const processed = runCli(['process'], env);
    expect(processed.code, processed.stderr).toBe(0);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(Number(await row.locator('td').nth(5).textContent())).toBeGreaterThan(0); // its chunks
    await page.close();
  });

  it('document text that holds <script> shows as text and runs nothing', async () => {
    const { page, dialogs } = await openPage('/ui/documents');
    await page.locator('#documents-body a', { hasText: 'Hostile' }).click();
    await page.waitForURL(/\/ui\/documents\/\d+/);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE_TITLE);
    expect(await page.locator('.chunk-text').first().textContent()).toContain('<script>window.__xss=1;alert(1)</script>');
    // The chunk has every scorer's label on every axis.
    expect(await page.locator('.chunk table tbody tr').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(SCREENSHOTS, 'document.png'), fullPage: true });
    // The map names the hostile source as text too.
    await page.goto(`${base}/ui/map?select=${encodeURIComponent('Test <b>source</b>')}`);
    expect(await page.locator('.detail h2').textContent()).toBe('Test <b>source</b>');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it("trends show a source's position by the years of its documents", async () => {
    const { page } = await openPage(`/ui/trends?source=ITU`);
    const seeds = JSON.parse(readFileSync(join(SEEDS_DIR, 'manifest.json'), 'utf8')) as { documents: { source: string; date: string }[] };
    const years = [...new Set(seeds.documents.filter((d) => d.source === 'ITU').map((d) => d.date.slice(0, 4)))].sort();
    for (const section of await page.locator('section.trend').all()) {
      expect(await section.locator('tbody th').allTextContents()).toEqual(years);
      expect(await section.locator('svg circle').count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'trends.png'), fullPage: true });
    await page.close();
  });

  it('the label review lists disagreements of a scorer with gold and writes a reviewer\'s label to its own tagging file', async () => {
    const { page } = await openPage('/ui/review?set=gold.jsonl&scorer=lexicon&axis=security_rights&reviewer=e2e');
    await page.selectOption('select[name="predicted"]', 'rights');
    await page.waitForURL(/predicted=rights/);
    const gold = new Map(
      readFileSync(repoPath('eval/gold.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { id: string; text: string; labels: Record<string, string> })
        .map((i) => [i.id, i]),
    );
    const items = await page.locator('article.item').all();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const id = (await item.getAttribute('data-id')) as string;
      const shownGold = await item.locator('.gold-label[data-axis="security_rights"]').textContent();
      expect(shownGold).toBe(gold.get(id)?.labels['security_rights']);
      expect(await item.locator('.scorer-label[data-axis="security_rights"]').textContent()).toBe('rights');
      expect(shownGold).not.toBe('rights');
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'label-review.png'), fullPage: false });

    const first = page.locator('article.item').first();
    const id = (await first.getAttribute('data-id')) as string;
    await first.locator('select[name="sovereignty_multistakeholder"]').selectOption('irrelevant');
    await first.locator('select[name="security_rights"]').selectOption('neutral');
    await first.locator('input[name="note"]').fill('e2e reviewer: balanced');
    await first.locator('button:has-text("Save my label")').click();
    await expect.poll(() => first.locator('.saved').textContent()).toContain('not saved (401)');

    await page.fill('#review-token', TOKEN);
    await first.locator('button:has-text("Save my label")').click();
    const file = join(reviewDir, 'gold.e2e.jsonl');
    await expect.poll(() => first.locator('.saved').textContent()).toBe(`saved to ${file}`);
    // The tagging file is in the gold format: the item with the reviewer's labels, the gold text untouched.
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; labels: Record<string, string>; note?: string });
    expect(lines).toEqual([expect.objectContaining({ id, text: gold.get(id)?.text, labels: { sovereignty_multistakeholder: 'irrelevant', security_rights: 'neutral' }, note: 'e2e reviewer: balanced' })]);
    const agreement = runCli(['eval', 'agreement', repoPath('eval/gold.jsonl'), file, '--json'], env);
    expect(agreement.code, agreement.stderr).toBe(0);
    expect((JSON.parse(agreement.stdout) as { n_common: number }).n_common).toBe(1);
    await page.close();
  });
});

describe.skipIf(!hasServices)('the queues page in Chromium, with Redis', { timeout: 120_000 }, () => {
  it('shows per queue every count `stance status` shows, workers and jobs waiting for children included, as GET /ui/queues/counts gives them', async () => {
    const db = await createTestDatabase();
    const prefix = uniqueQueuePrefix();
    const qenv = { ...env, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, STANCE_QUEUE_PREFIX: prefix };
    let queued: CliProcess | undefined;
    try {
      for (const args of [['db', 'migrate'], ['ingest', join(dataDir, 'hostile.txt'), '--source', 'Queued source']]) {
        const r = runCli(args, qenv);
        expect(r.code, r.stderr).toBe(0);
      }
      // A parent job with a child that no worker runs: it waits for its children. (No worker runs
      // in this test, so these jobs are only counted.)
      const connection = workerConnection(TEST_REDIS_URL);
      const flows = new FlowProducer({ connection, prefix });
      const queueName = QUEUE_NAMES[0] as string;
      await flows.add({ name: 'e2e-parent', queueName, data: {}, children: [{ name: 'e2e-child', queueName, data: {} }] });
      await flows.close();
      connection.disconnect();
      queued = startCli(['serve', '--port', '0'], qenv);
      const queuedBase = await waitFor(() => /stance API on (http:\/\/\S+) /.exec(queued?.stderr() ?? '')?.[1], 'the server to listen');
      const answer = (await (await fetch(`${queuedBase}/ui/queues/counts`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { queues: Record<string, Record<string, number>> };
      expect(Object.values(answer.queues).some((c) => (c.waiting_children ?? 0) > 0)).toBe(true);

      const page = await (browser as Browser).newPage({ viewport: { width: 1300, height: 900 } });
      await page.goto(`${queuedBase}/ui/queues`);
      await page.fill('#queue-token', TOKEN);
      await page.click('button:has-text("Show counts")');
      const table = page.locator('#queue-counts table');
      await table.waitFor();
      expect(await table.locator('thead th').allTextContents()).toEqual(['queue', 'waiting', 'active', 'delayed', 'waiting for children', 'completed', 'failed', 'workers']);
      const keys = ['waiting', 'active', 'delayed', 'waiting_children', 'completed', 'failed', 'workers'];
      const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
      expect(shown.map((r) => r[0]).sort()).toEqual(Object.keys(answer.queues).sort());
      for (const [queue, ...cells] of shown) expect(cells, queue).toEqual(keys.map((k) => String(answer.queues[queue as string]?.[k])));
      await page.screenshot({ path: join(SCREENSHOTS, 'queues.png'), fullPage: true });
      await page.close();
    } finally {
      if (queued) {
        queued.child.kill('SIGTERM');
        await queued.done;
      }
      await obliterateQueues(prefix);
      await db.drop();
    }
  });
});
