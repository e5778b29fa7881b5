import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileCache } from '../../pipeline/model-files.ts';
import { loadEmbedder, loadNli, type ModelSettings } from '../../pipeline/models.ts';
import { FIXTURE_MODELS_DIR, repoPath } from '../helpers/paths.ts';

const HUB = 'https://huggingface.co';

describe('ModelFileCache', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stance-model-files-'));
    mkdirSync(join(dir, 'local', 'org', 'm', 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'local', 'org', 'm', 'config.json'), '{"model_type":"bert"}');
    writeFileSync(join(dir, 'local', 'org', 'm', 'onnx', 'model.onnx'), 'weights');
    writeFileSync(join(dir, 'local', 'org', 'm', 'onnx', 'model.onnx_data_1'), 'more weights');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a local folder: by hub URL an ONNX file as its path, by local path a Response read only when consumed', async () => {
    const cache = new ModelFileCache(join(dir, 'local'));
    const onnx = join(dir, 'local', 'org', 'm', 'onnx', 'model.onnx');
    expect(await cache.match(`${HUB}/org/m/resolve/main/onnx/model.onnx`)).toBe(onnx);
    expect(await cache.match(`${HUB}/org/m/resolve/main/onnx/model.onnx_data_1`)).toBe(join(dir, 'local', 'org', 'm', 'onnx', 'model.onnx_data_1'));
    const byPath = await cache.match(onnx);
    expect(byPath).toBeInstanceOf(Response);
    expect((byPath as Response).headers.get('content-length')).toBe('7');
    expect(await (byPath as Response).text()).toBe('weights');
    const config = await cache.match(`${HUB}/org/m/resolve/main/config.json`);
    expect(config).toBeInstanceOf(Response);
    expect(await (config as Response).text()).toBe('{"model_type":"bert"}');
    expect((config as Response).headers.get('content-length')).toBe('21');
  });

  it('answers nothing for a missing file, a path outside the folder, or a folder', async () => {
    const cache = new ModelFileCache(join(dir, 'local'));
    expect(await cache.match(join(dir, 'local', 'org', 'm', 'tokenizer.json'))).toBeUndefined();
    expect(await cache.match('/models/org/m/config.json')).toBeUndefined();
    expect(await cache.match(join(dir, 'local', '..', 'local', '..', 'x.json'))).toBeUndefined();
    expect(await cache.match(join(dir, 'local', 'org', 'm', 'onnx'))).toBeUndefined();
    expect(await cache.match(`${HUB}/org/m/resolve/main/%2e%2e/%2e%2e/x.json`)).toBeUndefined();
  });

  it('keeps downloads where transformers.js’s file cache keeps them, and serves them back', async () => {
    const cacheDir = join(dir, 'cache');
    const cache = new ModelFileCache(cacheDir);
    const url = `${HUB}/org/m/resolve/main/onnx/model_quantized.onnx`;
    expect(await cache.match(url)).toBeUndefined();
    const seen: number[] = [];
    await cache.put(url, new Response('downloaded weights', { headers: { 'content-length': '18' } }), (p) => seen.push(p.progress));
    const file = join(cacheDir, 'org', 'm', 'onnx', 'model_quantized.onnx');
    expect(readFileSync(file, 'utf8')).toBe('downloaded weights');
    expect(seen.at(-1)).toBe(100);
    expect(await cache.match(url)).toBe(file);
    expect(await ((await cache.match(file)) as Response).text()).toBe('downloaded weights');
    // Another revision goes beside it, as transformers.js names it.
    await cache.put(`${HUB}/org/m/resolve/v2/config.json`, new Response('{}'));
    expect(existsSync(join(cacheDir, 'org', 'm', 'v2', 'config.json'))).toBe(true);
  });

  it('takes the same file downloaded by several session threads at once: every download completes, the file is whole', async () => {
    const cacheDir = join(dir, 'concurrent');
    const cache = new ModelFileCache(cacheDir);
    const url = `${HUB}/org/m/resolve/main/onnx/model.onnx`;
    const weights = 'w'.repeat(200_000);
    // In one process (as threads are), started in the same millisecond: one temporary name each.
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => cache.put(url, new Response(weights))));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(readFileSync(join(cacheDir, 'org', 'm', 'onnx', 'model.onnx'), 'utf8')).toBe(weights);
    expect(fs.readdirSync(join(cacheDir, 'org', 'm', 'onnx'))).toEqual(['model.onnx']);
  });

  it('places a file from a mirror under its model, whatever the mirror’s path prefix', () => {
    const cache = new ModelFileCache(join(dir, 'cache'), 'https://mirror.example/hf/');
    expect(cache.locate('https://mirror.example/hf/org/m/resolve/main/config.json')?.file).toBe(join(dir, 'cache', 'org', 'm', 'config.json'));
    expect(cache.locate(`${HUB}/org/m/resolve/main/config.json`)?.file).toBe(join(dir, 'cache', 'org', 'm', 'config.json'));
  });

  it('leaves no half-written file when a download breaks off', async () => {
    const cacheDir = join(dir, 'broken');
    const cache = new ModelFileCache(cacheDir);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part of the weights'));
        controller.error(new Error('connection reset'));
      },
    });
    await expect(cache.put(`${HUB}/org/m/resolve/main/onnx/model.onnx`, new Response(body))).rejects.toThrow(/connection reset/);
    const left = existsSync(join(cacheDir, 'org', 'm', 'onnx')) ? fs.readdirSync(join(cacheDir, 'org', 'm', 'onnx')) : [];
    expect(left).toEqual([]);
  });
});

describe('loading the models', () => {
  it('from a local folder reads each file once: ONNX Runtime opens the model, nothing else reads it', async () => {
    // Bytes this process read (/proc/self/io rchar): transformers.js's own file handling read the
    // ONNX file a second time into a stream nobody read (14.7 MB here, against 4.8 MB now).
    const bytesRead = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
    const settings: ModelSettings = { modelsDir: FIXTURE_MODELS_DIR, cacheDir: tmpdir(), dtype: 'fp32', threads: 1 };
    // Libraries loaded and ONNX Runtime started first, so that only the model's files are counted.
    await loadEmbedder('tiny-lexical-embed', settings);
    const files = ['onnx/model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json'].map((f) => fs.statSync(join(FIXTURE_MODELS_DIR, 'tiny-random-nli', f)).size);
    const once = files.reduce((a, b) => a + b, 0);
    const before = bytesRead();
    const nli = await loadNli('tiny-random-nli', settings);
    // What a stray stream would still be reading arrives within this pause.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const read = bytesRead() - before;
    expect(nli.id2label).not.toEqual({});
    expect(read).toBeGreaterThanOrEqual(files[0] as number);
    expect(read).toBeLessThan(once + (files[0] as number) / 2);
  });

  describe('from a hub (a local server in its place)', () => {
    let server: Server;
    let hits: string[];
    let cacheDir: string;
    let remoteHost: string;
    // transformers.js keeps its settings in one global object: what hub mode changes is put back after.
    const SETTINGS = ['allowLocalModels', 'allowRemoteModels', 'localModelPath', 'cacheDir', 'useCustomCache', 'customCache', 'remoteHost'] as const;
    let previous: Record<string, unknown>;

    beforeAll(async () => {
      hits = [];
      // Serves test/fixtures/models as the hub does: /<model>/resolve/main/<file>.
      server = createServer((req, res) => {
        const m = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
        const file = m ? join(FIXTURE_MODELS_DIR, m[1] as string, m[2] as string) : '';
        hits.push(req.url ?? '');
        if (!m || !existsSync(file) || file.includes('..')) {
          res.writeHead(404).end();
          return;
        }
        const data = readFileSync(file);
        res.writeHead(200, { 'content-length': data.length }).end(data);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      cacheDir = mkdtempSync(join(tmpdir(), 'stance-hub-cache-'));
      const { env } = await import('@huggingface/transformers');
      previous = Object.fromEntries(SETTINGS.map((k) => [k, env[k]]));
      env.remoteHost = remoteHost;
    });
    afterAll(async () => {
      const { env } = await import('@huggingface/transformers');
      Object.assign(env, previous);
      await new Promise((resolve) => server.close(resolve));
      rmSync(cacheDir, { recursive: true, force: true });
    });

    it('downloads once into the cache, reports progress, and loads from the cache after', async () => {
      const progress: string[] = [];
      const settings: ModelSettings = { modelsDir: undefined, cacheDir, dtype: 'fp32', threads: 1, onProgress: (m) => progress.push(m) };
      const first = await loadNli('tiny-random-nli', settings);
      expect(hits.some((h) => h.endsWith('/onnx/model.onnx'))).toBe(true);
      expect(existsSync(join(cacheDir, 'tiny-random-nli', 'onnx', 'model.onnx'))).toBe(true);
      expect(readFileSync(join(cacheDir, 'tiny-random-nli', 'onnx', 'model.onnx')).equals(readFileSync(join(FIXTURE_MODELS_DIR, 'tiny-random-nli', 'onnx', 'model.onnx')))).toBe(true);
      expect(progress.some((m) => /downloading tiny-random-nli\/.*100%/.test(m))).toBe(true);
      const downloads = hits.length;
      const pair: [string, string][] = [['The ITU governs.', 'This is about governance.']];
      const [a] = await first.logits(pair);
      // The second load in a fresh process (transformers.js remembers file metadata within one):
      // everything comes from the cache, the hub gets no request.
      const script = `
        const { env } = await import('@huggingface/transformers');
        env.remoteHost = ${JSON.stringify(remoteHost)};
        const { loadNli } = await import(${JSON.stringify(repoPath('pipeline/models.ts'))});
        const nli = await loadNli('tiny-random-nli', { modelsDir: undefined, cacheDir: ${JSON.stringify(cacheDir)}, dtype: 'fp32', threads: 1, onProgress: () => {} });
        const [b] = await nli.logits(${JSON.stringify(pair)});
        process.stdout.write(JSON.stringify([...b]));`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 });
      expect(child.stderr).not.toMatch(/Error|fetch failed/);
      expect(child.status).toBe(0);
      expect(hits.length).toBe(downloads);
      // The same model either way: the same logits for the same pair.
      expect(JSON.parse(child.stdout) as number[]).toEqual([...(a as Float32Array)]);
    });
  });
});
