// Runs inside a worker thread: loads the models once and answers requests from the main thread.
// onnxruntime's run() is synchronous native work; here it blocks only this thread, so the main
// thread keeps renewing BullMQ job locks while a long batch runs (DESIGN.md §3.5).
import { parentPort, workerData } from 'node:worker_threads';
import { loadLocalMember, type InferenceMember, type InferenceSpec } from '../app/inference.ts';
import type { ThreadRequest, ThreadResponse } from './inference-protocol.ts';

const port = parentPort;
if (!port) throw new Error('inference-thread.ts must run in a worker thread');

const spec = workerData as InferenceSpec;
let inference: InferenceMember;
try {
  inference = await loadLocalMember(spec, (message) => port.postMessage({ kind: 'progress', message } satisfies ThreadResponse));
  port.postMessage({ kind: 'ready', embedModel: inference.embedModel, nliModel: inference.nliModel } satisfies ThreadResponse);
} catch (err) {
  port.postMessage({ kind: 'fatal', message: (err as Error).message } satisfies ThreadResponse);
  process.exit(1);
}

// Requests run one after another, in the order they came: the pool sends a thread its next piece
// before the current one is done (workers/scheduler.ts), and that one must not slow this one down.
let queue = Promise.resolve();
port.on('message', (req: ThreadRequest) => {
  queue = queue.then(() =>
    handle(req).then(
      (value) => port.postMessage({ kind: 'result', id: req.id, value } satisfies ThreadResponse),
      (err: unknown) => port.postMessage({ kind: 'error', id: req.id, message: (err as Error).message } satisfies ThreadResponse),
    ),
  );
});

async function handle(req: ThreadRequest): Promise<unknown> {
  switch (req.op) {
    case 'chunk':
      return inference.chunk(req.text, req.maxTokens);
    case 'embed':
      return inference.embed(req.texts);
    case 'nli':
      return inference.nliScores(req.texts, req.axes, req.opts);
  }
}
