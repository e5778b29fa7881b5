import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { TODAY_COMMIT, todayCheckoutProblem } from '../../bench/today-checkout.ts';
import { repoPath } from '../helpers/paths.ts';

// `npm run bench -- --today-checkout DIR` imports that commit's modules by their paths of that day:
// any other folder must be refused with what to do, before a long run starts.
const empty = mkdtempSync(join(tmpdir(), 'stance-today-checkout-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('bench --today-checkout', () => {
  it('refuses a folder that is not a checkout of stance, saying how to make one', () => {
    expect(todayCheckoutProblem(empty)).toMatch(new RegExp(`not a checkout of stance.*git worktree add .* ${TODAY_COMMIT.slice(0, 7)}`));
  });

  it('refuses a checkout at another commit, naming both commits', () => {
    const head = execFileSync('git', ['-C', repoPath('.'), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(head).not.toBe(TODAY_COMMIT);
    expect(todayCheckoutProblem(repoPath('.'))).toContain(`it is at ${head.slice(0, 7)}, not ${TODAY_COMMIT.slice(0, 7)}`);
  });
});
