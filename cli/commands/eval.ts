import { relative } from 'node:path';
import type { Command } from 'commander';
import { EvalInputError } from '../../app/eval-errors.ts';
import { loadEvalInference, NOT_LOADED } from '../../app/eval-inference.ts';
import { evaluateItems, recordedModels, toEvalAxis, type BootstrapSettings, type EvalPair, type ScorerEvaluation } from '../../app/eval-run.ts';
import { storeEvalRun } from '../../app/eval-runs.ts';
import { loadThresholdProfile, profileMismatches, scorerSettings, type ThresholdProfile } from '../../app/eval-threshold-profiles.ts';
import { inferenceSpecFrom } from '../../app/inference.ts';
import { CV_FOLDS } from '../../eval/baseline-predictions.ts';
import { DEFAULT_LEXICON_PATH, readLexiconFile } from '../../eval/baselines/lexicon-file.ts';
import { filterSplit } from '../../eval/gold-set.ts';
import { DEFAULT_REPLICATES } from '../../eval/metrics/bootstrap.ts';
import { formatPairsText, formatReportText } from '../../eval/report-text.ts';
import { inSampleNote, type Fitting } from '../../eval/in-sample.ts';
import type { RecordedModels } from '../../db/schema/index.ts';
import { loadConfig, type Config } from '../../config/config.ts';
import type { EvalInference } from '../../app/eval-inference.ts';
import { allScorerRefs, modelsNeededBy, scorerByName } from '../../app/scorers/index.ts';
import type { ModelRole } from '../../app/scorers/types.ts';
import type { Db } from '../../db/client.ts';
import { loadLexiconFile } from '../../pipeline/lexicon/load.ts';
import type { LexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { registerEvalAgreement } from './eval-agreement.ts';
import { registerEvalCalibrate } from './eval-calibrate.ts';
import { registerEvalHistory } from './eval-history.ts';
import {
  describeModel,
  evalAction,
  EVAL_SPLITS,
  parseScorers,
  parseSplit,
  readGoldSetFile,
  scoringProgress,
  SYNTHETIC_NOTE,
  usesSyntheticModels,
  type EvalSplit,
} from './eval-shared.ts';
import { summaryOf } from '../command-index.ts';

interface EvalFlags {
  set?: string;
  scorer?: string;
  split?: string;
  profile?: string;
  replicates?: string;
  seed?: string;
  json?: boolean;
}

/** Seed of the document bootstrap when --seed is not given (the same as compare's). */
export const DEFAULT_EVAL_SEED = 20240601;

/** A whole number flag at least `min`, or its default; anything else is an input error naming the flag. */
function wholeNumberFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new EvalInputError(`--${name} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

/** How the confidence that ECE checks is defined (eval/label-probabilities.ts), for the text report. */
const CONFIDENCE_NOTE =
  'ECE confidence: the probability of the predicted label; for trained and ensemble scorers their own four label probabilities, ' +
  'for the others P(irrelevant) = 1 - r, P(neutral) = r(1 - d), P(leading pole) = r d, ' +
  'where r is the relevance and d = |pB - pA| / (pA + pB) (see eval/README.md).';

/**
 * `stance eval`: scores a gold set's items with the current models and axes (storing no
 * documents) and reports the field's metrics next to baselines; subcommands calibrate,
 * agreement and history. Subcommands read shared flags with optsWithGlobals(): commander
 * gives a flag that the parent also declares (--set, --json, ...) to the parent.
 */
export function registerEval(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description(summaryOf('eval'))
    .option('--set <file>', 'gold set in JSON Lines (e.g. eval/gold.jsonl)')
    .option('-s, --scorer <name>', 'scorer (`stance scorers` lists them), several comma-separated, or all (default: nli)')
    .option('--split <split>', `items to score: ${EVAL_SPLITS.join(', ')} (default: test)`)
    .option('--profile <name>', 'label thresholds and temperatures of a stored threshold profile (default: STANCE_THRESHOLD_PROFILE)')
    .option('--replicates <n>', `document bootstrap resamples for the 95% intervals (default: ${DEFAULT_REPLICATES})`)
    .option('--seed <n>', `seed of the document bootstrap (default: ${DEFAULT_EVAL_SEED})`)
    .option('--json', 'print the report as JSON')
    .action(evalAction(runEval));
  registerEvalCalibrate(evalCommand);
  registerEvalAgreement(evalCommand);
  registerEvalHistory(evalCommand);
}

async function runEval(flags: EvalFlags): Promise<void> {
  if (!flags.set) throw new EvalInputError('--set FILE is required: the gold set to evaluate against (e.g. --set eval/gold.jsonl)');
  const split = parseSplit(flags.split, 'test');
  let scorers = parseScorers(flags.scorer);
  const config0 = loadConfig();
  const axes = configuredAxes(config0);
  const bootstrap: BootstrapSettings = {
    replicates: wholeNumberFlag('replicates', flags.replicates, DEFAULT_REPLICATES, 1),
    seed: wholeNumberFlag('seed', flags.seed, DEFAULT_EVAL_SEED, 0),
    level: 0.95,
  };
  // The whole file is checked before the database opens or a model loads: a bad line stops the
  // run with nothing scored and nothing stored.
  const set = readGoldSetFile(flags.set, axes.map(toEvalAxis));
  for (const warning of set.warnings) say(`warning: ${warning}`);
  const items = filterSplit(set.items, split);
  if (items.length === 0) {
    throw new EvalInputError(`${set.file} has no ${split === 'all' ? '' : `${split} `}items to evaluate (it has ${set.items.length} item(s) in all)`);
  }
  const dev = filterSplit(set.items, 'dev');
  const lexicon = readLexiconFile(config0.lexiconFile);
  const lexiconFile = loadLexiconFile(config0.lexiconFile);
  await withDatabase(async ({ db }, config) => {
    // "all" takes every instance of the parameterised kinds too (trained:*, ensemble:*).
    if (flags.scorer === 'all') scorers = (await allScorerRefs(db)).map((r) => r.ref.name);
    // Only the models the scorers need are loaded: `--scorer lexicon` runs on any machine, and
    // `--scorer nli` without the embedding model (an ensemble's model members count too).
    const roles = new Set<ModelRole>();
    for (const name of scorers) for (const role of await modelsNeededBy(db, scorerByName(name))) roles.add(role);
    const needed = MODEL_ROLES.filter((r) => roles.has(r));
    const profileName = flags.profile ?? config.thresholdProfile;
    const profile = profileName === undefined ? undefined : await loadThresholdProfile(db, profileName);

    let inference: EvalInference | undefined;
    if (needed.length > 0) {
      const names = needed.map((r) => (r === 'nli' ? `the NLI model ${config.nliModel}` : `the embedding model ${config.embedModel}`));
      say(`loading ${names.join(' and ')} (${config.dtype})${config.modelsDir ? ` from ${config.modelsDir}` : ''}...`);
      inference = await loadEvalInference(inferenceSpecFrom(config), say, needed);
    }
    try {
      const models = inference ? recordedModels(inference) : modelsNotLoaded(config);
      if (profile) {
        for (const note of profileMismatches(profile, axes, models)) say(`warning: ${note}`);
        for (const kind of scorers.filter((k) => k !== profile.scorer && scorerByName(k).descriptor.needsModels.length > 0)) {
          say(`note: profile "${profile.name}" was fitted for the ${profile.scorer} scorer; the ${kind} scorer uses the axes file's thresholds`);
        }
      }
      const keys: Record<string, string> = {};
      for (const name of scorers) {
        const key = await keyOf(db, name, lexiconFile);
        if (key !== undefined) keys[name] = key;
      }
      const evaluation = await evaluateItems({
        db,
        inference,
        axes,
        items,
        dev,
        scorers,
        settings: (name) => scorerSettings(name, axes, lexiconFile, profile),
        lexicon,
        lexiconFile,
        onProgress: (kind, done, total) => scoringProgress(`scoring ${total} item(s) with ${kind}`)(done, total),
        bootstrap,
      });
      for (const note of evaluation.baselineNotes) say(`note: ${note}`);
      const inSample: Record<string, string | null> = {};
      for (const result of evaluation.results) inSample[result.scorer] = inSampleNote(await fittingsOf(db, result, profile, set.hash), split);
      const runIds: number[] = [];
      for (const result of evaluation.results) {
        const note = inSample[result.scorer];
        runIds.push(
          await storeEvalRun(db, {
            setHash: set.hash,
            setFile: set.file,
            split,
            scorer: result.scorer,
            models,
            axisVersions: Object.fromEntries(axes.map((a) => [a.slug, a.version])),
            profile: usedProfile(profile, result),
            settings: { ...result.settings, ...(keys[result.scorer] && { scorer_key: keys[result.scorer] }), ...(note && { in_sample: note }) },
            nItems: items.length,
            metrics: result.report,
          }),
        );
      }
      const scorerKeys = keys;
      const context = {
        set,
        split,
        models,
        scorers,
        runIds,
        profile,
        nDev: dev.length,
        notes: evaluation.baselineNotes,
        warnings: set.warnings,
        scorerKeys,
        inSample,
        bootstrap,
        nDocuments: evaluation.nDocuments,
        pairs: evaluation.pairs,
      };
      if (flags.json) printJson(jsonReport(evaluation.results, context));
      else process.stdout.write(textReport(evaluation.results, context));
    } finally {
      await inference?.close();
    }
  });
}

async function keyOf(db: Db, name: string, lexicon: LexiconFile): Promise<string | undefined> {
  const { ref, descriptor } = scorerByName(name);
  return descriptor.versionIn ? descriptor.versionIn(db, ref) : descriptor.currentKey({ config: {}, lexicon }, ref);
}

/**
 * What a scorer's output was fitted on: its model's training record (trained, ensemble), and the
 * threshold profile it used when that was fitted on this very set (calibrate fits on dev only).
 */
async function fittingsOf(db: Db, result: ScorerEvaluation, profile: ThresholdProfile | undefined, setHash: string): Promise<Fitting[]> {
  const { ref, descriptor } = scorerByName(result.scorer);
  const own = (await descriptor.fittedOn?.(db, ref)) ?? [];
  const used = usedProfile(profile, result);
  return used !== null && profile?.setHash === setHash ? [...own, { what: `threshold profile ${used}`, split: 'dev' }] : own;
}

/** The pretrained models, in the order they are named and loaded. */
const MODEL_ROLES: readonly ModelRole[] = ['nli', 'embedding'];

/** What a run records about the models when none was loaded (only model-free scorers ran). */
function modelsNotLoaded(config: Config): RecordedModels {
  return {
    embed: { name: config.embedModel, dtype: config.dtype, version: NOT_LOADED },
    nli: { name: config.nliModel, dtype: config.dtype, version: NOT_LOADED },
  };
}

/** The profile a scorer's run used: only the scorer the profile was fitted for uses it. */
function usedProfile(profile: ThresholdProfile | undefined, result: ScorerEvaluation): string | null {
  return profile && profile.scorer === result.scorer ? profile.name : null;
}

interface ReportContext {
  set: { file: string; hash: string };
  split: EvalSplit;
  models: RecordedModels;
  scorers: readonly string[];
  runIds: number[];
  profile: ThresholdProfile | undefined;
  nDev: number;
  notes: string[];
  /** The gold set's warnings (e.g. a split lacking a label), also printed on stderr. */
  warnings: string[];
  /** Version keys of the scorers known without models (the lexicon's). */
  scorerKeys: Record<string, string>;
  /** Per scorer, the in-sample note (eval/in-sample.ts) when it was fitted on items of the evaluated split, else null. */
  inSample: Record<string, string | null>;
  bootstrap: BootstrapSettings;
  nDocuments: number;
  pairs: EvalPair[];
}

/** One shape whatever the number of scorers: `scorers` keyed by name, and `pairs` (empty for one scorer and no baseline). */
function jsonReport(results: ScorerEvaluation[], c: ReportContext): unknown {
  return {
    models: c.models,
    set: { file: c.set.file, sha256: c.set.hash, split: c.split, n_items: results[0] ? Object.values(results[0].report)[0]?.n ?? 0 : 0, n_documents: c.nDocuments },
    synthetic_models: usesSyntheticModels(c.models, results.map((r) => r.scorer)),
    baseline_notes: c.notes,
    warnings: c.warnings,
    bootstrap: { unit: 'document', replicates: c.bootstrap.replicates, seed: c.bootstrap.seed, level: c.bootstrap.level },
    scorers: Object.fromEntries(
      results.map((r, i) => {
        const inSample = c.inSample[r.scorer] ?? null;
        return [r.scorer, { run_id: c.runIds[i], profile: usedProfile(c.profile, r), settings: r.settings, fitted_on_evaluated_split: inSample !== null, in_sample_note: inSample, axes: r.report }];
      }),
    ),
    pairs: c.pairs,
  };
}

function textReport(results: ScorerEvaluation[], c: ReportContext): string {
  const synthetic = usesSyntheticModels(c.models, results.map((r) => r.scorer));
  const n = results[0] ? Object.values(results[0].report)[0]?.n ?? 0 : 0;
  const lines = [
    `Gold set ${c.set.file} (sha256 ${c.set.hash.slice(0, 12)}), split ${c.split}: ${n} item(s)`,
    `Models: NLI ${describeModel(c.models.nli)}; embeddings ${describeModel(c.models.embed)}`,
    ...results.flatMap((r) => (c.scorerKeys[r.scorer] ? [`Scorer ${r.scorer}: version ${c.scorerKeys[r.scorer]}`] : [])),
    `Intervals: 95% percentile bootstrap over the ${c.nDocuments} document(s) (${c.bootstrap.replicates} resamples, seed ${c.bootstrap.seed}); passages of a document are resampled together.`,
    ...(synthetic ? [SYNTHETIC_NOTE] : []),
  ];
  const blocks = results.map((r) => {
    const profile = usedProfile(c.profile, r);
    const own = c.scorerKeys[r.scorer];
    const settings = profile ? `threshold profile "${profile}"` : own ? `its own thresholds, version ${own}` : "the axes file's thresholds, temperature 1";
    const inSample = c.inSample[r.scorer];
    return `### Scorer ${r.scorer} (${settings})\n\n${inSample ? `${inSample}\n\n` : ''}${formatReportText(r.report)}`;
  });
  const trained =
    c.split === 'test'
      ? `trained on the ${c.nDev} dev item(s)`
      : `trained on the ${c.nDev} dev item(s); dev items are predicted by ${CV_FOLDS}-fold cross-validation grouped by document (fewer folds with fewer documents)`;
  const footer = [
    `Baselines: majority = the most frequent dev label; bow = naive Bayes on word counts; both ${trained}. lexicon = keyword counts of ${relative(process.cwd(), loadConfig().lexiconFile ?? DEFAULT_LEXICON_PATH)} (no weights, no negation).`,
    CONFIDENCE_NOTE,
    `Stored as eval run${c.runIds.length > 1 ? 's' : ''} ${c.runIds.join(', ')}; see \`stance eval history\`.`,
    ...(synthetic ? [SYNTHETIC_NOTE] : []),
  ];
  const inSample = new Set(Object.entries(c.inSample).flatMap(([name, note]) => (note ? [name] : [])));
  const pairs = c.pairs.length > 0 ? `${formatPairsText(c.pairs, inSample)}\n` : '';
  return `${lines.join('\n')}\n\n${blocks.join('\n')}\n${pairs}${footer.join('\n')}\n`;
}
