import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { QueryEnv } from '../app/compare/service.ts';
import { loadEmbedder, type Embedder } from '../pipeline/models.ts';
import { inferenceSpecFrom } from '../app/inference.ts';
import { configuredAxes } from './runtime.ts';
import { say } from './output.ts';

/** The query environment of a CLI command; the embedding model is loaded only if a query needs it. */
export function queryEnvFor(database: Database, config: Config): QueryEnv {
  let embedder: Promise<Embedder> | undefined;
  return {
    db: database.db,
    config,
    axes: configuredAxes(config),
    embedText: async (text) => {
      embedder ??= loadEmbedder(config.embedModel, { ...inferenceSpecFrom(config).settings, onProgress: say });
      const [v] = await (await embedder).embed([text]);
      if (!v) throw new Error('the embedding model returned no vector');
      return v;
    },
  };
}
