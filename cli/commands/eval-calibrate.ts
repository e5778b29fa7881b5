import type { Command } from 'commander';
import { calibrate, type CalibrationResult } from '../../app/eval-calibrate.ts';
import { EvalInputError } from '../../app/eval-errors.ts';
import { loadEvalInference } from '../../app/eval-inference.ts';
import { recordedModels, toEvalAxis } from '../../app/eval-run.ts';
import { saveThresholdProfile, thresholdProfileNames } from '../../app/eval-threshold-profiles.ts';
import { inferenceSpecFrom } from '../../app/inference.ts';
import type { ScorerKind } from '../../app/registry.ts';
import { loadConfig } from '../../config/config.ts';
import { filterSplit } from '../../eval/gold-set.ts';
import type { AxisReport } from '../../eval/report.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson, say } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { evalAction, fmt, isSyntheticModel, parseModelScorer, readGoldSetFile, scoringProgress, SYNTHETIC_NOTE } from './eval-shared.ts';

interface CalibrateFlags {
  set?: string;
  name?: string;
  scorer?: string;
  split?: string;
  replace?: boolean;
  json?: boolean;
}

/** `stance eval calibrate`: fit label thresholds (and NLI temperatures) on dev and store them as a profile. */
export function registerEvalCalibrate(evalCommand: Command): void {
  evalCommand
    .command('calibrate')
    .description('fit per-axis label thresholds and NLI temperatures on the dev split of a gold set and store them as a named threshold profile; reports the test split before and after')
    .option('--set <file>', 'gold set in JSON Lines (its dev items are fitted on, its test items reported on)')
    .option('--name <name>', 'name of the profile to store (default: <scorer>-<date>-<time>)')
    .option('-s, --scorer <kind>', 'scorer to fit for: nli or prototype (default: nli)')
    .option('--split <split>', 'split to fit on; only dev is allowed (test items are never fitted on)')
    .option('--replace', 'replace a stored profile of the same name')
    .option('--json', 'print the fitted profile and the test metrics as JSON')
    .action(evalAction(async (_flags: CalibrateFlags, command: Command) => runCalibrate(command.optsWithGlobals<CalibrateFlags>())));
}

async function runCalibrate(flags: CalibrateFlags): Promise<void> {
  if (flags.split !== undefined && flags.split !== 'dev') {
    throw new EvalInputError(
      `calibrate fits on the dev split only and refuses --split ${flags.split}: fitting on test items would make the test numbers meaningless (they are reported before and after instead)`,
    );
  }
  if (!flags.set) throw new EvalInputError('--set FILE is required: the gold set whose dev split is fitted on (e.g. --set eval/gold.jsonl)');
  const scorer = parseModelScorer(flags.scorer);
  const axes = configuredAxes(loadConfig());
  const set = readGoldSetFile(flags.set, axes.map(toEvalAxis));
  for (const warning of set.warnings) say(`warning: ${warning}`);
  const dev = filterSplit(set.items, 'dev');
  const test = filterSplit(set.items, 'test');
  if (dev.length === 0) throw new EvalInputError(`${set.file} has no dev items: calibration fits on the dev split only, so there is nothing to fit on`);
  const name = flags.name ?? `${scorer}-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new EvalInputError(`profile name "${name}" must be letters, digits, "_", "." or "-" (it becomes part of scorer keys)`);
  }
  await withDatabase(async ({ db }, config) => {
    // Checked before the models load, so a name clash does not cost a scoring run.
    if (!flags.replace && (await thresholdProfileNames(db)).includes(name)) {
      throw new EvalInputError(`a threshold profile named "${name}" exists already; choose another --name or pass --replace`);
    }
    say(`loading models ${config.embedModel} and ${config.nliModel} (${config.dtype})${config.modelsDir ? ` from ${config.modelsDir}` : ''}...`);
    const inference = await loadEvalInference(inferenceSpecFrom(config), say);
    try {
      const models = recordedModels(inference);
      const result = await calibrate({
        inference,
        axes,
        dev,
        test,
        scorer,
        onProgress: scoringProgress(`scoring ${dev.length} dev + ${test.length} test item(s) with ${scorer}`),
      });
      const outcome = await saveThresholdProfile(
        db,
        {
          name,
          scorer,
          axes: result.axes,
          axisVersions: Object.fromEntries(axes.map((a) => [a.slug, a.version])),
          models,
          setHash: set.hash,
          setFile: set.file,
          fit: { n_dev: dev.length, n_test: test.length, axes: result.fit },
        },
        { replace: flags.replace === true },
      );
      const synthetic = isSyntheticModel(scorer === 'nli' ? models.nli.name : models.embed.name);
      if (flags.json) {
        printJson({ profile: name, outcome, scorer, models, set: { file: set.file, sha256: set.hash }, synthetic_models: synthetic, ...result });
        return;
      }
      process.stdout.write(textReport(name, outcome, scorer, set.file, result, synthetic));
    } finally {
      await inference.close();
    }
  });
}

function textReport(name: string, outcome: string, scorer: ScorerKind, file: string, r: CalibrationResult, synthetic: boolean): string {
  const nDev = Object.values(r.fit)[0]?.n_dev ?? 0;
  const fitted = formatTable(
    ['axis', 'relevance >=', 'margin', 'temperature', 'dev macro-F1 before', 'after', 'dev NLL at T=1', 'at T'],
    Object.entries(r.axes).map(([slug, a]) => {
      const f = r.fit[slug];
      return [slug, a.relevance.toFixed(3), a.margin.toFixed(3), a.temperature.toFixed(2), fmt(f?.macro_f1_before), fmt(f?.macro_f1_after), fmt(f?.nll_at_1), fmt(f?.nll)];
    }),
  );
  const lines = [
    ...(synthetic ? [SYNTHETIC_NOTE] : []),
    `Fitted on the ${nDev} dev item(s) of ${file} for the ${scorer} scorer; ${outcome} threshold profile "${name}".`,
    '',
    fitted,
    '',
  ];
  if (r.test === null) {
    lines.push(`${file} has no test items: no before/after numbers.`);
  } else {
    const metrics: [string, keyof Pick<AxisReport, 'accuracy' | 'macro_f1' | 'kappa' | 'ece'>][] = [
      ['accuracy', 'accuracy'],
      ['macro-F1', 'macro_f1'],
      ['kappa', 'kappa'],
      ['ECE', 'ece'],
    ];
    const { before, after } = r.test;
    lines.push(
      `Test split (${r.test.n} item(s)): before = the axes file's thresholds at temperature 1; after = profile "${name}"`,
      formatTable(
        ['axis', 'metric', 'before', 'after'],
        Object.keys(r.axes).flatMap((slug) => metrics.map(([label, key]) => [slug, label, fmt(before[slug]?.[key]), fmt(after[slug]?.[key])])),
      ),
    );
  }
  lines.push(
    '',
    `Use it: stance eval --set ${file} --profile ${name}; for scoring, STANCE_THRESHOLD_PROFILE=${name}.`,
    ...(synthetic ? [SYNTHETIC_NOTE] : []),
  );
  return `${lines.join('\n')}\n`;
}
