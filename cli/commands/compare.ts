import { Option, type Command } from 'commander';
import type { Comparison } from '../../app/compare/compare.ts';
import { runCompare } from '../../app/compare/service.ts';
import { GROUP_BY } from '../../app/compare/selection.ts';
import { MAX_PAIR_GROUPS } from '../../app/compare/positions.ts';
import { csvTable, PAIR_COLUMNS, pairRows, POSITION_COLUMNS, positionRows } from '../../app/compare/rows.ts';
import { writeOutputFile } from '../../pipeline/output-files.ts';
import { withDatabase } from '../context.ts';
import { scorerOptionHelp } from '../scorer-option.ts';
import { idListOption, intOption, dateLanguageOptions } from '../options.ts';
import { formatTable, printJson } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';
import { summaryOf } from '../command-index.ts';

interface CompareFlags {
  axis?: string;
  sources?: string[];
  documents?: number[];
  scorer?: string;
  by: string;
  from?: string;
  to?: string;
  lang?: string;
  seed?: number;
  iterations?: number;
  json?: boolean;
  csv?: boolean;
  pairsCsv?: string;
}

/** `stance compare`: positions with 95% bootstrap intervals and pairwise differences. */
export function registerCompare(program: Command): void {
  dateLanguageOptions(program.command('compare'))
    .description(summaryOf('compare'))
    .option('-a, --axis <slug>', 'the axis (default: every axis)')
    .option('--sources <names...>', 'only these sources')
    .option('--documents <ids...>', 'only these document ids', idListOption('--documents'))
    .option('-s, --scorer <name>', scorerOptionHelp())
    .option('--by <group>', `group by ${GROUP_BY.join(', ')}`, 'source')
    .option('--seed <n>', 'seed of the bootstrap and permutation test (same seed, same numbers)', intOption('--seed'))
    .option('--iterations <n>', 'bootstrap replicates and permutations (default 2000)', intOption('--iterations'))
    .option('--json', 'print as JSON')
    .addOption(new Option('--csv', 'print the group positions with their label counts as CSV (one row per group and axis)').conflicts('json'))
    .option('--pairs-csv <file>', 'also write the pairwise differences (diff, interval, p, methods) to this CSV file')
    .addHelpText(
      'after',
      '\nposition = relevance-weighted mean chunk score (-1 = pole A, +1 = pole B); diff = position(a) - position(b);\np = two-sided permutation p-value. Groups with fewer than 3 relevant chunks get no interval or difference.',
    )
    .action(async (flags: CompareFlags) => {
      await withDatabase(async (database, config) => {
        const comparisons = await runCompare(queryEnvFor(database, config), {
          axis: flags.axis,
          sources: flags.sources,
          documents: flags.documents,
          scorer: flags.scorer,
          by: flags.by as never,
          dateFrom: flags.from,
          dateTo: flags.to,
          language: flags.lang,
          seed: flags.seed,
          iterations: flags.iterations,
        });
        if (flags.pairsCsv) writeOutputFile(flags.pairsCsv, csvTable(PAIR_COLUMNS, pairRows(comparisons)));
        if (flags.json) printJson(comparisons.length === 1 && flags.axis ? comparisons[0] : { comparisons });
        else if (flags.csv) process.stdout.write(csvTable(POSITION_COLUMNS, positionRows(comparisons)));
        else comparisons.forEach((c) => console.log(formatComparison(c)));
      });
    });
}

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

/** The text of one comparison: the positions table, then the pairs table or why there is none. */
export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  log(`\n${c.axis}  (-1 = ${c.poles[0]}, +1 = ${c.poles[1]})  scorer ${c.scorer}`);
  log(
    formatTable(
      [c.by, 'position', '95% CI', 'relevant', 'chunks', ...Object.keys(c.groups[0]?.labels ?? {})],
      c.groups.map((g) => [g.key, fmt(g.position), g.ci ? `[${fmt(g.ci[0])}, ${fmt(g.ci[1])}]` : 'too few relevant', g.n_relevant, g.n_chunks, ...Object.values(g.labels)]),
    ),
  );
  if (c.pairs_omitted) {
    // The table would otherwise end without a word about the pairs (the JSON has pairs_omitted).
    log(`\n${c.pairs_omitted}.`);
    log(`For the pairs, name at most ${MAX_PAIR_GROUPS} groups with --sources A B ..., or group more coarsely with --by.`);
  }
  if (c.pairs.length) {
    log('');
    log(
      formatTable(
        ['a', 'b', 'diff (a - b)', '95% CI', 'p'],
        c.pairs.map((p) => (p.status === 'ok' ? [p.a, p.b, fmt(p.diff), `[${fmt(p.ci[0])}, ${fmt(p.ci[1])}]`, fmt(p.p, 4)] : [p.a, p.b, 'n/a', `too few relevant chunks (${p.n_relevant.join(' / ')}; need ${p.min_relevant})`, 'n/a'])),
      ),
    );
  }
  return lines.join('\n');
}
