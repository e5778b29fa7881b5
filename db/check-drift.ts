// Fails when db/schema and the committed migrations disagree: drizzle-kit generates into a scratch
// copy of the migrations folder, and any new file there means someone changed a table without
// running `npm run db:generate` and committing the result.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from './client.ts';

const scratch = mkdtempSync(join(tmpdir(), 'stance-drift-'));
try {
  cpSync(MIGRATIONS_DIR, scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const r = spawnSync('npx', ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './db/schema/index.ts', '--out', scratch, '--name', 'drift'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    console.error('db:check: drizzle-kit generate failed');
    process.exit(1);
  }
  const added = readdirSync(scratch).filter((f) => !before.has(f));
  if (added.length > 0) {
    console.error(`db:check: the schema in db/schema differs from the committed migrations (drizzle-kit would write ${added.join(', ')}).`);
    console.error('Run `npm run db:generate -- --name <change>` and commit db/migrations.');
    process.exit(1);
  }
  console.log('db:check: schema and committed migrations agree');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
