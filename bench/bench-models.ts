// The synthetic benchmark models (random weights in the real shapes), generated once with
// ../shared/tools/make-models.py bench into a cache folder; shared by bench/pipeline.ts and
// bench/throughput.ts.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_MODELS_DIR = join(REPO, '.stance', 'bench-models');
const MAKE_MODELS = resolve(REPO, '..', 'shared', 'tools', 'make-models.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** all-MiniLM-L6-v2's shape: 6 layers, 384-d. */
export const EMBED_MODEL = 'bench-minilm-l6';
/** 12 layers x 384, 3 labels: about nli-deberta-v3-xsmall's size. */
export const NLI_MODEL = 'bench-nli-12l-384';

/** The benchmark cannot start: models missing and not makeable. */
export class SetupError extends Error {
  override name = 'SetupError';
}

export type BenchDtype = 'fp32' | 'q8';

function modelFiles(dir: string, dtypes: readonly BenchDtype[]): string[] {
  const onnx = dtypes.map((d) => (d === 'fp32' ? 'model.onnx' : 'model_quantized.onnx'));
  return [EMBED_MODEL, NLI_MODEL].flatMap((m) => ['config.json', 'tokenizer.json', ...onnx.map((f) => join('onnx', f))].map((f) => join(dir, m, f)));
}

/** Makes the models in modelsDir when missing (unless the user named the folder: then says how). */
export function ensureBenchModels(modelsDir: string, explicit: boolean, dtypes: readonly BenchDtype[], progress: (m: string) => void): void {
  const missing = modelFiles(modelsDir, dtypes).filter((f) => !existsSync(f));
  if (missing.length === 0) return;
  const generate = `${PYTHON} ${MAKE_MODELS} bench ${modelsDir}`;
  if (explicit) {
    throw new SetupError(
      `${modelsDir} lacks the benchmark models (missing ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}).\n` +
        `Generate them with:  ${generate}\nor leave out --models-dir to use (and fill) the cache folder ${DEFAULT_MODELS_DIR}.`,
    );
  }
  if (!existsSync(MAKE_MODELS)) throw new SetupError(`cannot generate the benchmark models: ${MAKE_MODELS} not found; pass --models-dir DIR with ${EMBED_MODEL}/ and ${NLI_MODEL}/`);
  const probe = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new SetupError(
      `cannot generate the benchmark models: ${PYTHON} ${probe.error ? `is not available (${probe.error.message})` : 'cannot import onnx and numpy'}.\n` +
        'make-models.py needs the Debian packages python3-onnx and python3-numpy; install them with\n' +
        '  apt-get update && apt-get install -y python3-onnx python3-numpy\n' +
        `or pass --models-dir DIR with ${EMBED_MODEL}/ and ${NLI_MODEL}/ made elsewhere by make-models.py bench DIR.`,
    );
  }
  progress(`generating the synthetic benchmark models into ${modelsDir} (make-models.py bench)`);
  // Write next to the cache and move into place, so an interrupted run leaves no half-written model.
  const tmp = `${modelsDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(tmp), { recursive: true });
  try {
    const run = spawnSync(PYTHON, [MAKE_MODELS, 'bench', tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.error || run.status !== 0) throw new SetupError(`${generate} failed (${run.error?.message ?? `exit code ${run.status}`})`);
    mkdirSync(modelsDir, { recursive: true });
    for (const m of [EMBED_MODEL, NLI_MODEL]) {
      rmSync(join(modelsDir, m), { recursive: true, force: true });
      renameSync(join(tmp, m), join(modelsDir, m));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

