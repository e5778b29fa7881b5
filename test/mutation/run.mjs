// `npm run test:mutation [scope...]`: one Stryker run per scope, one after the other (the scopes
// share the machine's two cores, so running them at once would only slow each down).
import { spawnSync } from 'node:child_process';
import { SCOPES } from './scopes.mjs';

// Scope names pick the runs; arguments starting with - go to Stryker (e.g. --force).
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
for (const name of names) {
  if (!(name in SCOPES)) {
    console.error(`unknown mutation scope "${name}"; scopes: ${Object.keys(SCOPES).join(', ')}`);
    process.exit(2);
  }
}
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(SCOPES)) {
  console.log(`\n== mutation testing: ${name}`);
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...flags], { stdio: 'inherit', env: { ...process.env, STRYKER_SCOPE: name } });
  console.log(`== ${name}: ${Math.round((Date.now() - started) / 1000)} s, report in reports/mutation/${name}.html`);
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
