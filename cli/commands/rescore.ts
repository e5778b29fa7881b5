import type { Command } from 'commander';
import { asc } from 'drizzle-orm';
import { chunks } from '../../db/schema/index.ts';
import { SCORER_KINDS, type ScorerKind } from '../../app/registry.ts';
import { embedChunks, scoreChunks } from '../../app/steps.ts';
import { selectAxes } from '../../pipeline/axes.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/client.ts';
import { storeOptions } from '../context.ts';
import { CHUNKS_PER_JOB } from '../../workers/catalog.ts';
import { openProducer } from '../../workers/producer.ts';
import { producerConnection, ready } from '../../workers/connection.ts';
import { printJson, say } from '../output.ts';
import { openInlineRuntime } from '../runtime.ts';

interface RescoreFlags {
  axis?: string[];
  scorer?: string;
  json?: boolean;
}

/** `stance rescore`: score stored chunks for new axis or model versions, without re-chunking. */
export function registerRescore(program: Command): void {
  program
    .command('rescore')
    .description('score stored chunks with the current axes and models; only missing (chunk, axis version, scorer version) scores are computed')
    .option('-a, --axis <slug...>', 'only these axes (default: all)')
    .option('-s, --scorer <kind>', `only this scorer: ${SCORER_KINDS.join(' or ')} (default: both)`)
    .option('--json', 'print counts as JSON')
    .action(async (flags: RescoreFlags) => {
      const config = loadConfig();
      if (flags.scorer && !(SCORER_KINDS as readonly string[]).includes(flags.scorer)) {
        throw new ConfigError(`unknown scorer "${flags.scorer}"; use ${SCORER_KINDS.join(' or ')}`);
      }
      const kinds: ScorerKind[] = flags.scorer ? [flags.scorer as ScorerKind] : [...SCORER_KINDS];
      const database = await openDatabase(storeOptions(config));
      try {
        const chunkIds = (await database.db.select({ id: chunks.id }).from(chunks).orderBy(asc(chunks.id))).map((r) => r.id);
        if (chunkIds.length === 0) {
          say('No chunks stored yet: ingest documents first.');
          return;
        }
        if (config.redisUrl) {
          if (!config.databaseUrl) throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server.');
          const n = await queueRescore(config.redisUrl, config.queuePrefix, chunkIds, kinds, flags.axis);
          if (flags.json) printJson({ queued_jobs: n, chunks: chunkIds.length });
          else say(`queued ${n} rescore job(s) over ${chunkIds.length} chunks; run \`stance worker\` to process them`);
          return;
        }
        const runtime = await openInlineRuntime(database);
        try {
          const ctx = { ...runtime.ctx, axes: selectAxes(runtime.axes, flags.axis) };
          const counts: Record<string, number> = { embedded: 0, nli: 0, prototype: 0 };
          for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
            const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
            if (kinds.includes('prototype')) counts.embedded = (counts.embedded ?? 0) + (await embedChunks(ctx, batch));
            for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + (await scoreChunks(ctx, batch, kind));
            if (!flags.json) process.stderr.write(`\rrescored ${Math.min(i + CHUNKS_PER_JOB, chunkIds.length)}/${chunkIds.length} chunks`);
          }
          if (flags.json) printJson({ chunks: chunkIds.length, ...counts, axes: ctx.axes.map((a) => `${a.slug}@${a.version}`) });
          else say(`\nchunks: ${chunkIds.length}; new embeddings: ${counts.embedded}; newly scored chunks: nli ${counts.nli}, prototype ${counts.prototype}`);
        } finally {
          await runtime.close();
        }
      } finally {
        await database.close();
      }
    });
}

async function queueRescore(url: string, prefix: string, chunkIds: number[], kinds: ScorerKind[], axes: string[] | undefined): Promise<number> {
  const connection = producerConnection(url);
  const producer = openProducer(connection, prefix);
  let n = 0;
  try {
    await ready(connection, url);
    const stamp = Date.now();
    for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
      const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
      for (const scorer of kinds) {
        await producer.enqueue('score-chunks', { chunkIds: batch, scorer, ...(axes && { axes }) }, `rescore-${scorer}-${stamp}-${batch[0]}`);
        n++;
      }
    }
  } finally {
    await producer.close();
    connection.disconnect();
  }
  return n;
}
