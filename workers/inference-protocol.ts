import type { Axis } from '../pipeline/axes.ts';
import type { ModelInfo } from '../pipeline/models.ts';
import type { NliScoreOptions } from '../pipeline/nli-score.ts';

/** A request from the main thread to the inference thread. */
export type ThreadRequest =
  | { id: number; op: 'chunk'; text: string; maxTokens: number }
  | { id: number; op: 'embed'; texts: string[] }
  | { id: number; op: 'nli'; texts: string[]; axes: Axis[]; opts: NliScoreOptions };

/** A message from the inference thread. */
export type ThreadResponse =
  | { kind: 'ready'; embedModel: (ModelInfo & { dimension: number }) | undefined; nliModel: ModelInfo & { maxTokens: number } }
  | { kind: 'progress'; message: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; message: string };
