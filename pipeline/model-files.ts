import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { threadId } from 'node:worker_threads';

/**
 * Where transformers.js finds model files: a local folder of models (STANCE_MODELS_DIR), or the
 * folder it keeps hub downloads in. Set as its custom cache (env.customCache, the documented way to
 * replace its file cache) by pipeline/models.ts, which also points env.localModelPath at the same
 * folder.
 *
 * Why not transformers.js's own: its FileResponse (4.3), which serves both a local folder and its
 * file cache, starts reading the whole file into a stream nobody reads as soon as it is opened,
 * even for the ONNX files it then hands to ONNX Runtime by path. Every process read each model
 * file twice and held the second copy (64 KB at a time) while its first batches ran: on the
 * benchmark models, 123 MB in the session thread that has both models. Here nothing is read
 * before it is asked for.
 *
 * transformers.js asks for a file by two keys: its local path (dir/<model>/<file>) and its hub
 * URL (https://host/<model>/resolve/<revision>/<file>). By the local path it gets a Response whose
 * body is read only when consumed (the JSON files; and the size of every file, for progress); by
 * the URL, as its last look-up, an ONNX file is answered with its path, which it gives ONNX
 * Runtime to open. Files are laid out as its own file cache lays them out, so a cache it filled
 * serves.
 */
export class ModelFileCache {
  /**
   * dir: the models folder, or the folder of hub downloads; remoteHost: transformers.js's
   * env.remoteHost, whose path (a mirror's prefix) is not part of a file's place.
   */
  constructor(
    private readonly dir: string,
    private readonly remoteHost = 'https://huggingface.co/',
  ) {}

  /** The file a key denotes, and whether it was asked for by URL; undefined for a key outside the folder. */
  locate(key: string): { file: string; byUrl: boolean } | undefined {
    const url = hubUrl(key, this.remoteHost);
    if (url) return { file: join(this.dir, url.model, ...(url.revision === 'main' ? [] : [url.revision]), url.file), byUrl: true };
    if (!isAbsolute(key)) return undefined;
    const inside = relative(this.dir, key);
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? { file: key, byUrl: false } : undefined;
  }

  /** The file as transformers.js takes it from a cache (see the class comment); undefined when absent. */
  async match(key: string): Promise<string | Response | undefined> {
    const found = this.locate(key);
    if (!found) return undefined;
    const size = await stat(found.file).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    if (size === undefined) return undefined;
    if (found.byUrl && LOADED_BY_PATH.test(found.file)) return found.file;
    return new Response(lazyFileStream(found.file), { status: 200, headers: { 'content-length': String(size) } });
  }

  /** Keeps a downloaded file: written under a temporary name, then renamed (a crash leaves no half file). */
  async put(key: string, response: Response, onProgress?: (p: { progress: number; loaded: number; total: number }) => void): Promise<void> {
    const file = this.locate(key)?.file;
    if (!file || !response.body) return;
    await mkdir(dirname(file), { recursive: true });
    // The session threads of a pool download the same files at once: each writes its own copy.
    const tmp = `${file}.tmp.${process.pid}.${threadId}.${randomUUID()}`;
    const total = Number(response.headers.get('content-length') ?? 0);
    let loaded = 0;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      loaded += chunk.length;
      onProgress?.({ progress: total ? (loaded / total) * 100 : 0, loaded, total });
    });
    try {
      await pipeline(body, createWriteStream(tmp));
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }
}

/** What transformers.js hands ONNX Runtime by path in Node: the model and its external data chunks. */
const LOADED_BY_PATH = /\.onnx(_data(_\d+)?)?$/;

const READ_CHUNK = 1 << 20;

/** A stream of the file that opens it on the first read: a Response that is never read costs nothing. */
function lazyFileStream(file: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  const close = async () => {
    await handle?.close();
    handle = undefined;
  };
  // highWaterMark 0: no read ahead (by default a stream pulls its first chunk as soon as it is made).
  const noReadAhead = { highWaterMark: 0 };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          handle ??= await open(file, 'r');
          const buffer = new Uint8Array(READ_CHUNK);
          const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
          if (bytesRead === 0) {
            await close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, bytesRead));
          }
        } catch (err) {
          await close();
          controller.error(err);
        }
      },
      cancel: close,
    },
    noReadAhead,
  );
}

/** The model, revision and file of a hub URL (<remoteHost><model>/resolve/<revision>/<file>), or undefined. */
function hubUrl(key: string, remoteHost: string): { model: string; revision: string; file: string } | undefined {
  if (!/^https?:\/\//.test(key)) return undefined;
  let path: string;
  try {
    const url = new URL(key);
    const host = new URL(remoteHost);
    // Under a mirror's prefix (https://mirror/hf/<model>/...) the prefix is not part of the model's name.
    const prefix = url.origin === host.origin && url.pathname.startsWith(host.pathname) ? host.pathname : '/';
    path = decodeURIComponent(url.pathname.slice(prefix.length - 1));
  } catch {
    return undefined;
  }
  const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
  if (!m || m[1]?.split('/').includes('..') || m[3]?.split('/').includes('..')) return undefined;
  return { model: m[1] as string, revision: m[2] as string, file: m[3] as string };
}
