import type { Command } from 'commander';
import { asc } from 'drizzle-orm';
import { chunks } from '../../db/schema/index.ts';
import { allScorerRefs, modelsNeededBy, scorerByName } from '../../app/scorers/index.ts';
import { embedChunks, runScorerNames, scoreChunks } from '../../app/steps.ts';
import { selectAxes } from '../../pipeline/axes.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/client.ts';
import { storeOptions } from '../context.ts';
import { CHUNKS_PER_JOB } from '../../workers/catalog.ts';
import { printJson, say } from '../output.ts';
import { stepProgress } from '../progress.ts';
import { configuredAxes, openInlineRuntime } from '../runtime.ts';
import { summaryOf } from '../command-index.ts';

interface RescoreFlags {
  axis?: string[];
  scorer?: string;
  json?: boolean;
}

/** `stance rescore`: score stored chunks for new axis or model versions, without re-chunking. */
export function registerRescore(program: Command): void {
  program
    .command('rescore')
    .description(summaryOf('rescore'))
    .option('-a, --axis <slug...>', 'only these axes (default: all)')
    .option('-s, --scorer <name>', 'only this scorer (`stance scorers` lists them; default: every scorer this machine can run)')
    .option('--json', 'print counts as JSON')
    .action(async (flags: RescoreFlags) => {
      const config = loadConfig();
      // Checked before anything opens: an unknown name is an error listing the known ones.
      const named = flags.scorer ? scorerByName(flags.scorer) : undefined;
      selectAxes(configuredAxes(config), flags.axis);
      const database = await openDatabase(storeOptions(config));
      try {
        const chunkIds = (await database.db.select({ id: chunks.id }).from(chunks).orderBy(asc(chunks.id))).map((r) => r.id);
        if (chunkIds.length === 0) {
          say('No chunks stored yet: ingest documents first.');
          return;
        }
        if (config.redisUrl) {
          if (!config.databaseUrl) throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server.');
          // Workers have the models, so every scorer there is (the family's list, trained and ensemble instances included).
          const names = named ? [named.ref.name] : (await allScorerRefs(database.db)).map((r) => r.ref.name);
          const n = await queueRescore(config.redisUrl, config.queuePrefix, chunkIds, names, flags.axis);
          if (flags.json) printJson({ queued_jobs: n, chunks: chunkIds.length });
          else say(`queued ${n} rescore job(s) over ${chunkIds.length} chunks; run \`stance worker\` to process them`);
          return;
        }
        // A named scorer that needs models fails when they do not load, and one that needs none does
        // not load them (an ensemble needs its model members'); without a name, whatever can run does.
        const needs = named ? await modelsNeededBy(database.db, named) : undefined;
        const models = needs === undefined ? 'try' : needs.length > 0 ? 'require' : 'skip';
        const runtime = await openInlineRuntime(database, { models });
        try {
          const ctx = { ...runtime.ctx, axes: selectAxes(runtime.axes, flags.axis) };
          const kinds = named ? [named.ref.name] : runScorerNames(ctx);
          const counts: Record<string, number> = { embedded: 0, ...Object.fromEntries(kinds.map((k) => [k, 0])) };
          const readsEmbeddings = kinds.some((k) => scorerByName(k).descriptor.readsEmbeddings);
          const progress = stepProgress('rescored', 'chunks');
          for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
            const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
            if (readsEmbeddings) counts.embedded = (counts.embedded ?? 0) + (await embedChunks(ctx, batch));
            for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + (await scoreChunks(ctx, batch, kind));
            if (!flags.json) progress.update(Math.min(i + CHUNKS_PER_JOB, chunkIds.length), chunkIds.length);
          }
          if (!flags.json) progress.done();
          // Scorer names ("trained:default") are data, so they key a map of their own, not the answer's fields.
          const scored = Object.fromEntries(kinds.map((k) => [k, counts[k] ?? 0]));
          if (flags.json) printJson({ chunks: chunkIds.length, embedded: counts.embedded ?? 0, scored, axes: ctx.axes.map((a) => `${a.slug}@${a.version}`) });
          else say(`chunks: ${chunkIds.length}; new embeddings: ${counts.embedded}; newly scored chunks: ${kinds.map((k) => `${k} ${counts[k]}`).join(', ')}`);
        } finally {
          await runtime.close();
        }
      } finally {
        await database.close();
      }
    });
}

async function queueRescore(url: string, prefix: string, chunkIds: number[], kinds: string[], axes: string[] | undefined): Promise<number> {
  // The queue's modules (BullMQ, ioredis) load when a command talks to Redis, not at every start.
  const [{ openProducer }, { producerConnection, ready }] = await Promise.all([import('../../workers/producer.ts'), import('../../workers/connection.ts')]);
  const connection = producerConnection(url);
  const producer = openProducer(connection, prefix);
  let n = 0;
  try {
    await ready(connection, url);
    const stamp = Date.now();
    for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
      const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
      for (const scorer of kinds) {
        // BullMQ job ids cannot contain ':' (as in trained:NAME).
        await producer.enqueue('score-chunks', { chunkIds: batch, scorer, ...(axes && { axes }) }, `rescore-${scorer.replaceAll(':', '_')}-${stamp}-${batch[0]}`);
        n++;
      }
    }
  } finally {
    await producer.close();
    connection.disconnect();
  }
  return n;
}
