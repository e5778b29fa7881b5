import type { Command } from 'commander';
import { runCompare } from '../../app/compare/service.ts';
import { mapGroups } from '../../app/compare/map.ts';
import { GROUP_BY } from '../../app/compare/selection.ts';
import { AxisError, selectAxes } from '../../pipeline/axes.ts';
import { renderStanceMapSvg } from '../../pipeline/map-svg.ts';
import { writeOutputFile } from '../../pipeline/output-files.ts';
import { withDatabase } from '../context.ts';
import { scorerOptionHelp } from '../scorer-option.ts';
import { printJson, say } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';
import { intOption, UsageError } from '../options.ts';
import { summaryOf } from '../command-index.ts';

/** `stance map`: groups placed on two axes with their 95% intervals, as an SVG file. */
export function registerMap(program: Command): void {
  program
    .command('map')
    .description(summaryOf('map'))
    .requiredOption('-o, --out <file>', 'the SVG file to write, e.g. map.svg')
    .option('-x, --x-axis <slug>', 'axis for x (default: the first axis)')
    .option('-y, --y-axis <slug>', 'axis for y (default: the second axis)')
    .option('-s, --scorer <name>', scorerOptionHelp())
    .option('--by <group>', `group by ${GROUP_BY.join(', ')}`, 'source')
    .option('--sources <names...>', 'only these sources')
    .option('--top <n>', 'only the n groups with the most relevant chunks (fewest on either axis counts)', intOption('--top'))
    .option('--note <text>', 'a caption line under the map')
    .option('--json', 'print what was drawn as JSON')
    .action(async (flags: { out: string; xAxis?: string; yAxis?: string; scorer?: string; by: string; sources?: string[]; top?: number; note?: string; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const env = queryEnvFor(database, config);
        // A missing axis defaults to the first axis that is not the other one.
        const pick = (slug: string | undefined, other: string | undefined) =>
          slug ? selectAxes(env.axes, [slug])[0] : env.axes.find((a) => a.slug !== other);
        const ax = pick(flags.xAxis, flags.yAxis);
        const ay = pick(flags.yAxis, ax?.slug);
        if (!ax || !ay) throw new AxisError('a map needs two axes: give --x-axis and --y-axis (see `stance axes`)');
        if (ax.slug === ay.slug) throw new UsageError(`--x-axis and --y-axis are both ${ax.slug}: a map needs two different axes (see \`stance axes\`)`);
        if (flags.top !== undefined && flags.top < 1) throw new UsageError(`--top takes a whole number from 1, got ${flags.top}`);
        const [cx] = await runCompare(env, { axis: ax.slug, scorer: flags.scorer, by: flags.by as never, sources: flags.sources });
        const [cy] = await runCompare(env, { axis: ay.slug, scorer: flags.scorer, by: flags.by as never, sources: flags.sources });
        if (!cx || !cy) throw new AxisError('nothing to draw');
        const all = mapGroups(cx, cy);
        const groups = flags.top === undefined ? all : topGroups(all, flags.top);
        const svg = renderStanceMapSvg({
          x: { slug: ax.slug, poleA: ax.poles[0].label, poleB: ax.poles[1].label },
          y: { slug: ay.slug, poleA: ay.poles[0].label, poleB: ay.poles[1].label },
          groups,
          note: flags.note ?? `scorer ${cx.scorer}; whiskers: 95% bootstrap intervals; n: relevant chunks`,
          title: `Positions by ${flags.by}`,
        });
        writeOutputFile(flags.out, svg);
        if (flags.json) printJson({ out: flags.out, x: ax.slug, y: ay.slug, groups });
        else say(`wrote ${flags.out} (${groups.length} groups${groups.length < all.length ? ` of ${all.length}: the ${groups.length} with the most relevant chunks` : ''})`);
      });
    });
}

/** The n groups with the most relevant chunks (ties by name), in their original order. */
export function topGroups<G extends { key: string; n_relevant: number }>(groups: readonly G[], n: number): G[] {
  const keep = new Set([...groups].sort((a, b) => b.n_relevant - a.n_relevant || a.key.localeCompare(b.key)).slice(0, n).map((g) => g.key));
  return groups.filter((g) => keep.has(g.key));
}
