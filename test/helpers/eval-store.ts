import { rmSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { freshDataDir } from './db.ts';
import { TINY_MODEL_ENV } from './models.ts';

/**
 * A data dir (an embedded store, empty and migrated: a copy of the run's template) of the calling
 * test's own, removed when the test ends, and the environment that points the CLI at it with the
 * tiny models, the axes file and no profile. Call it inside a test: no test then sees another's
 * runs or profiles.
 */
export async function freshEvalStore(): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dataDir = await freshDataDir();
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, env: { STANCE_DATA_DIR: dataDir, STANCE_THRESHOLD_PROFILE: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV } };
}
