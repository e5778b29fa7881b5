import type { QueryEnv } from '../../app/compare/service.ts';
import { listScorers } from '../../app/scorers/listing.ts';
import { defaultScorerName } from '../../app/scorers/index.ts';
import { documentStatus } from '../../app/status.ts';
import type { Logger } from '../../app/log.ts';
import { resolve } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { queueCounts } from '../../workers/queue-counts.ts';

/** What the pages need besides the query environment. */
export interface WebDeps {
  env: QueryEnv;
  /** The write token (STANCE_API_TOKEN); undefined: writes need none. */
  apiToken: string | undefined;
  /** The API's check of `Authorization: Bearer <token>` (passes when no token is configured); `what` names the action in its refusal. */
  requireToken: (what: string) => MiddlewareHandler;
  maxDocBytes: number;
  /** Folder of the gold sets the label review offers (its *.jsonl files). */
  goldDir: string;
  /** Folder the label review writes reviewers' taggings to (never a gold set). */
  reviewDir: string;
  /** Queue counts for the operators' page (REDIS_URL set), else undefined. */
  queueCounts?: () => Promise<unknown>;
  logger?: Logger;
}

/** What the filter forms offer: the stored sources and the scorers with scores. */
export async function formChoices(env: QueryEnv): Promise<{ sources: string[]; scorers: string[]; defaultScorer: string | null }> {
  const [status, scorers, defaultScorer] = await Promise.all([documentStatus(env.db), listScorers(env.db, env.config), defaultScorerName(env.db, env.config)]);
  return { sources: status.map((s) => s.source), scorers: scorers.filter((s) => s.scored).map((s) => s.name), defaultScorer };
}

/** The pages' dependencies from the API's: defaults for the folders, queue counts when Redis is configured. */
export function webDepsFrom(
  deps: { env: QueryEnv; config: { apiToken?: string | undefined; maxDocBytes: number; goldDir?: string; reviewDir?: string; redisUrl?: string | undefined; queuePrefix?: string }; logger?: Logger },
  requireToken: (what: string) => MiddlewareHandler,
): WebDeps {
  const { config } = deps;
  const redisUrl = config.redisUrl;
  return {
    env: deps.env,
    apiToken: config.apiToken,
    requireToken,
    maxDocBytes: config.maxDocBytes,
    goldDir: resolve(config.goldDir ?? 'eval'),
    reviewDir: resolve(config.reviewDir ?? 'eval/reviews'),
    ...(redisUrl && { queueCounts: () => queueCounts(redisUrl, config.queuePrefix ?? 'stance') }),
    ...(deps.logger && { logger: deps.logger }),
  };
}
