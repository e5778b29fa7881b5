import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestInput } from '../../app/ingest.ts';
import { parseManifest } from '../../pipeline/manifest.ts';
import { SEEDS_DIR } from './paths.ts';

/** The seed corpus as ingest inputs, read through the real manifest. */
export function seedInputs(): IngestInput[] {
  const path = join(SEEDS_DIR, 'manifest.json');
  const { entries, errors } = parseManifest(readFileSync(path, 'utf8'), path);
  if (errors.length) throw new Error(`seed manifest has errors: ${JSON.stringify(errors)}`);
  return entries.map((e) => ({ file: join(SEEDS_DIR, e.file), meta: e.meta }));
}
