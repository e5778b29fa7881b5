import type { Command } from 'commander';
import { findAxisIds, findScorer } from '../../app/lookup.ts';
import { SCORER_KINDS, type ScorerKind } from '../../app/registry.ts';
import { sourcePositions } from '../../app/source-positions.ts';
import { ConfigError } from '../../config/config.ts';
import { selectAxes } from '../../pipeline/axes.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { configuredAxes } from '../runtime.ts';

interface CompareFlags {
  axis?: string[];
  scorer: string;
  json?: boolean;
}

/** `stance compare`: where each source stands on each axis. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description("show each source's position on each axis (relevance-weighted mean chunk score, -1 = pole A, +1 = pole B)")
    .option('-a, --axis <slug...>', 'only these axes (default: all)')
    .option('-s, --scorer <kind>', `scorer: ${SCORER_KINDS.join(' or ')}`, 'nli')
    .option('--json', 'print as JSON')
    .action(async (flags: CompareFlags) => {
      if (!(SCORER_KINDS as readonly string[]).includes(flags.scorer)) {
        throw new ConfigError(`unknown scorer "${flags.scorer}"; use ${SCORER_KINDS.join(' or ')}`);
      }
      const kind = flags.scorer as ScorerKind;
      await withDatabase(async ({ db }, config) => {
        const axes = selectAxes(configuredAxes(config), flags.axis);
        const model = kind === 'nli' ? config.nliModel : config.embedModel;
        const scorer = await findScorer(db, kind, model, config.dtype);
        const axisIds = await findAxisIds(db, axes);
        const rows = await sourcePositions(db, scorer.id, [...axisIds.values()]);
        if (flags.json) {
          printJson({
            scorer: scorer.key,
            axes: axes.map((a) => ({
              axis: a.slug,
              version: a.version,
              poles: [a.poles[0].slug, a.poles[1].slug],
              groups: rows.filter((r) => r.axis === a.slug).map((r) => ({ key: r.source, position: r.position, n_chunks: r.nChunks, n_relevant: r.nRelevant })),
            })),
          });
          return;
        }
        console.log(`Scorer: ${scorer.key}`);
        for (const a of axes) {
          console.log(`\n${a.label}  (${a.slug}: -1 = ${a.poles[0].slug}, +1 = ${a.poles[1].slug})`);
          const axisRows = rows.filter((r) => r.axis === a.slug);
          console.log(
            formatTable(
              ['source', 'position', 'relevant chunks', 'chunks'],
              axisRows.map((r) => [r.source, r.position === null ? 'n/a' : r.position.toFixed(3), r.nRelevant, r.nChunks]),
            ),
          );
        }
      });
    });
}
