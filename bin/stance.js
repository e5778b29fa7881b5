#!/usr/bin/env node
// The `stance` command. The project runs its TypeScript sources directly through tsx, so there is no
// build step to forget and stack traces point at the files you edit.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
