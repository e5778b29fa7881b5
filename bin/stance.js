#!/usr/bin/env node
// The `stance` command. It runs the compiled bundle in dist/ (see bin/build.mjs), rebuilding it
// first when a source file changed, so starting costs no TypeScript compilation and an edit is
// never run stale. Should the bundle not be writable (a read-only installation), the sources run
// through tsx instead: slower to start, same behaviour.
import { build, bundleIsFresh } from './build.mjs';

let compiled = bundleIsFresh();
if (!compiled) {
  try {
    await build();
    compiled = true;
  } catch {
    compiled = false;
  }
}
if (compiled) {
  await import('../dist/stance.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
