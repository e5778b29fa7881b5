/**
 * Puts the environment back as it was when `saved` was copied, in place: the test files of one
 * worker process share process.env (vitest runs them without isolation), and replacing the object
 * (`process.env = saved`) would leave the later files a plain object that child processes and
 * native code no longer read.
 */
export function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
