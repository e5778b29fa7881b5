// Entry of the inference worker thread: a thread starts as plain JavaScript, so register tsx before
// loading the TypeScript module that holds the models.
import { register } from 'tsx/esm/api';

register();
await import('./inference-thread.ts');
