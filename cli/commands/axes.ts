import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { DEFAULT_AXES_FILE } from '../../pipeline/load-axes.ts';
import { formatTable, printJson } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { summaryOf } from '../command-index.ts';

/** `stance axes`: the stance axes in use, with their versions. */
export function registerAxes(program: Command): void {
  program
    .command('axes')
    .description(summaryOf('axes'))
    .option('--json', 'print the full definitions as JSON')
    .action((opts: { json?: boolean }) => {
      const config = loadConfig();
      const axes = configuredAxes(config);
      if (opts.json) {
        printJson({ file: config.axesFile ?? DEFAULT_AXES_FILE, axes });
        return;
      }
      console.log(`Axes from ${config.axesFile ?? DEFAULT_AXES_FILE}\n`);
      console.log(
        formatTable(
          ['axis', 'version', 'pole A (-1)', 'pole B (+1)', 'hypotheses', 'relevance >=', 'margin'],
          axes.map((a) => [a.slug, a.version, a.poles[0].slug, a.poles[1].slug, `${a.poles[0].hypotheses.length}+${a.poles[1].hypotheses.length}`, a.thresholds.relevance, a.thresholds.margin]),
        ),
      );
    });
}
