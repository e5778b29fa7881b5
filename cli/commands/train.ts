import type { Command } from 'commander';
import { EvalInputError } from '../../app/eval-errors.ts';
import { writeOutputFile } from '../../pipeline/output-files.ts';
import { toEvalAxis } from '../../app/eval-run.ts';
import { DEFAULT_GOLD_SET, heldOutScores, readTrainingLexicon, type HeldOutScores } from '../../app/train-run.ts';
import { listModels, loadModel, parseModelRef, readArtifactFile, storeModel, type StoreOutcome } from '../../app/trained-models.ts';
import { loadConfig } from '../../config/config.ts';
import { LexiconError } from '../../eval/baselines/lexicon.ts';
import { filterSplit, GoldSetError } from '../../eval/gold-set.ts';
import { readExtraItems } from '../../app/train-extra.ts';
import { loadEmbedder } from '../../pipeline/models.ts';
import { inferenceSpecFrom } from '../../app/inference.ts';
import { ArtifactError, serializeArtifact, withVersion, type ModelArtifact, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../../pipeline/train/train.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson, say } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { fmt, isSyntheticModel, parseSplit, readGoldSetFile, userErrorAction } from './eval-shared.ts';
import { runEnsembleTraining } from './train-ensemble.ts';
import { summaryOf } from '../command-index.ts';

interface TrainFlags {
  name?: string;
  ensemble?: string;
  members?: string;
  set?: string;
  extra?: string[];
  split?: string;
  seed?: string;
  out?: string;
  lexicon?: boolean;
  withEmbeddings?: boolean;
  store?: boolean;
  version?: string;
  json?: boolean;
}

const USER_ERRORS = [GoldSetError, EvalInputError, ArtifactError, LexiconError];

/** Runs an action; input errors print as "stance: <message>" with exit code 2. */
function trainAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return userErrorAction(USER_ERRORS, action);
}

/** A model name: letters, digits, "_", "." or "-" (it becomes part of the scorer name trained:NAME). */
export function checkModelName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new EvalInputError(`model name "${name}" must be letters, digits, "_", "." or "-" (it becomes part of the scorer name trained:${name})`);
  return name;
}

/** A whole-number --seed, or the default. */
export function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TRAIN_OPTIONS.seed;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new EvalInputError(`--seed must be a whole number >= 0, got "${value}"`);
  return n;
}

/** Writes the artifact's canonical bytes to a file (creating its folder). */
export function writeArtifact(file: string, artifact: ModelArtifact): void {
  writeOutputFile(file, serializeArtifact(artifact), { makeFolders: true });
}

/** `stance train`: train a model (or an ensemble), and import, export and list stored models. */
export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description(summaryOf('train'))
    .option('--name <name>', 'name of the model to train (its scorer is trained:NAME)')
    .option('--ensemble <name>', 'train a stacked ensemble of --members instead (its scorer is ensemble:NAME)')
    .option('--members <list>', 'ensemble members, comma-separated, at least two: lexicon, nli, prototype, trained:NAME')
    .option('--set <file>', 'labelled set in the gold format (default: eval/gold.jsonl)')
    .option('--extra <file>', 'extra training passages in the gold format (repeatable): fitted on, never scored in cross-validation; refused if they repeat a passage of the set or come from a document of the other split; with --ensemble, the extra files its trained members were trained with', (file: string, files: string[] = []) => [...files, file])
    .option('--split <split>', 'split to train on: dev, test or all (default: dev; the ensemble fits on dev only)')
    .option('--seed <n>', `seed of the fold assignment and the bootstrap (default: ${DEFAULT_TRAIN_OPTIONS.seed})`)
    .option('--out <file>', 'also write the artifact to this JSON file')
    .option('--no-lexicon', 'leave out the lexicon hit columns')
    .option('--with-embeddings', 'add the chunk embedding of STANCE_EMBED_MODEL as features (refused for synthetic models)')
    .option('--no-store', 'do not store the model in the database (with --out: only write the file); with --ensemble, do not read trained:NAME members from it either (shipped models only)')
    .option('--json', 'print the result as JSON')
    .action(trainAction(async (_flags: TrainFlags, command: Command) => runTrain(command.optsWithGlobals<TrainFlags>())));

  train
    .command('import')
    .description('store a model artifact file (as written by --out or export) in the database')
    .argument('<file>', 'artifact JSON file')
    .option('--json', 'print the result as JSON')
    .action(
      trainAction(async (file: string, _flags: TrainFlags, command: Command) => {
        const flags = command.optsWithGlobals<TrainFlags>();
        const artifact = readArtifactFile(file);
        const outcome = await withDatabase(async ({ db }) => storeModel(db, artifact));
        if (flags.json) printJson({ name: artifact.name, kind: artifact.kind, version: artifact.version, outcome });
        else say(`${outcome === 'created' ? 'imported' : 'already stored:'} ${artifact.kind} model ${artifact.name} version ${artifact.version}`);
      }),
    );

  train
    .command('export')
    .description('write a stored or shipped model (its latest version, or --version) to a JSON file')
    .argument('<name>', 'model name: trained:NAME or ensemble:NAME (a bare NAME when only one kind has it)')
    .option('--version <v>', 'a stored version (default: the latest)')
    .option('--out <file>', 'file to write')
    .action(
      trainAction(async (ref: string, _flags: TrainFlags, command: Command) => {
        const flags = command.optsWithGlobals<TrainFlags>();
        if (!flags.out) throw new EvalInputError('--out FILE is required: where to write the model');
        const { kind, name } = parseModelRef(ref);
        // The store's model, else one shipped with the project (as compare finds them).
        const found = await withDatabase(async ({ db }) => loadModel(db, name, flags.version, kind));
        writeArtifact(flags.out, found.artifact);
        say(`wrote ${found.kind} model ${name} version ${found.version}${found.source === 'file' ? ' (shipped with stance)' : ''} to ${flags.out}`);
      }),
    );

  train
    .command('list')
    .description('list the stored models, every version, oldest first')
    .option('--json', 'print the list as JSON')
    .action(
      trainAction(async (_flags: TrainFlags, command: Command) => {
        const flags = command.optsWithGlobals<TrainFlags>();
        const models = await withDatabase(async ({ db }) => listModels(db));
        const rows = models.map((m) => ({
          name: m.name,
          kind: m.kind,
          version: m.version,
          scorer: `${m.kind}:${m.name}`,
          created_at: m.createdAt.toISOString(),
          split: m.artifact.training.split,
          n_items: m.artifact.training.n_items,
          set_sha256: m.artifact.training.set_sha256,
          axes: Object.fromEntries(m.artifact.axes.map((a) => [a.axis, { c: a.c, cv_macro_f1: a.cross_validation.find((p) => p.c === a.c)?.macro_f1 ?? null }])),
          ...(m.artifact.kind === 'ensemble' && { members: m.artifact.members }),
        }));
        if (flags.json) {
          printJson({ models: rows });
          return;
        }
        if (rows.length === 0) {
          say('No trained models stored yet: run `stance train --name NAME` or `stance train import FILE`.');
          return;
        }
        console.log(
          formatTable(
            ['name', 'kind', 'version', 'created', 'split', 'items', 'axis', 'C', 'CV macro-F1'],
            rows.flatMap((r) => Object.entries(r.axes).map(([axis, a]) => [r.name, r.kind, r.version, r.created_at.slice(0, 16).replace('T', ' '), r.split, r.n_items, axis, a.c, fmt(a.cv_macro_f1)])),
          ),
        );
      }),
    );
}

async function runTrain(flags: TrainFlags): Promise<void> {
  if (flags.ensemble !== undefined) {
    if (flags.name !== undefined) throw new EvalInputError('give either --name (a trained model) or --ensemble (an ensemble), not both');
    await runEnsembleTraining({ ...flags, ensemble: checkModelName(flags.ensemble) }, { storeAndReport });
    return;
  }
  if (flags.name === undefined) throw new EvalInputError('--name NAME is required: the name of the model to train (e.g. --name default), or --ensemble NAME --members ...');
  const name = checkModelName(flags.name);
  if (flags.store === false && !flags.out) throw new EvalInputError('--no-store without --out would keep nothing: give --out FILE');
  const config = loadConfig();
  const axes = configuredAxes(config).map(toEvalAxis);
  const split = parseSplit(flags.split, 'dev');
  const seed = parseSeed(flags.seed);
  const set = readGoldSetFile(flags.set ?? DEFAULT_GOLD_SET, axes);
  const extra = readExtraItems(flags.extra ?? [], set.items, split, axes);
  const items = [...filterSplit(set.items, split), ...extra];
  let embeddings: { model: string; vectors: number[][] } | undefined;
  if (flags.withEmbeddings) {
    if (isSyntheticModel(config.embedModel)) {
      throw new EvalInputError(`--with-embeddings refuses the synthetic model ${config.embedModel}: its vectors carry no meaning; set STANCE_EMBED_MODEL to a real embedding model`);
    }
    say(`embedding ${items.length} item(s) with ${config.embedModel}...`);
    const embedder = await loadEmbedder(config.embedModel, inferenceSpecFrom(config).settings);
    embeddings = { model: `${embedder.name}:${embedder.dtype}:${embedder.version}`, vectors: (await embedder.embed(items.map((i) => i.text))).map((v) => Array.from(v)) };
  }
  const extraNote = extra.length > 0 ? ` and ${extra.length} extra item(s) of ${(flags.extra ?? []).join(', ')}` : '';
  say(`training on ${items.length - extra.length} ${split} item(s) of ${set.file}${extraNote}: ${DEFAULT_TRAIN_OPTIONS.folds}-fold cross-validation grouped by document over C in {${DEFAULT_TRAIN_OPTIONS.cGrid.join(', ')}}...`);
  let artifact: TrainedArtifact;
  try {
    artifact = trainModel(items, axes, {
      ...DEFAULT_TRAIN_OPTIONS,
      name,
      split,
      seed,
      ...(flags.lexicon !== false && { lexicon: readTrainingLexicon(config.lexiconFile) }),
      ...(embeddings && { embeddings }),
    });
  } catch (error) {
    throw new EvalInputError(`cannot train on ${set.file} (${split} split): ${(error as Error).message}`, { cause: error });
  }
  // Held-out items are scored for the report only: nothing above looked at them.
  const heldOut = split === 'all' ? [] : filterSplit(set.items, split === 'dev' ? 'test' : 'dev');
  const scores = heldOut.length > 0 && !embeddings ? heldOutScores(artifact, axes, heldOut, seed) : null;
  await storeAndReport(artifact, flags, scores, split === 'dev' ? 'test' : 'dev');
}

/** Writes --out, stores the model unless --no-store, and prints the summary. */
async function storeAndReport(artifact: ModelArtifact, flags: TrainFlags, heldOut: Record<string, HeldOutScores> | null, heldOutSplit: string): Promise<void> {
  const checked = withVersion(artifact);
  if (flags.out) writeArtifact(flags.out, checked);
  let outcome: StoreOutcome | 'not stored' = 'not stored';
  if (flags.store !== false) outcome = await withDatabase(async ({ db }) => storeModel(db, checked));
  const axes = Object.fromEntries(
    checked.axes.map((a) => {
      const chosen = a.cross_validation.find((p) => p.c === a.c);
      return [
        a.axis,
        { c: a.c, cv_macro_f1: chosen?.macro_f1 ?? null, cv_accuracy: chosen?.accuracy ?? null, cross_validation: a.cross_validation, temperature: a.temperature, calibration: a.calibration, held_out: heldOut?.[a.axis] ?? null },
      ];
    }),
  );
  if (flags.json) {
    printJson({ name: checked.name, kind: checked.kind, version: checked.version, scorer: `${checked.kind}:${checked.name}`, outcome, file: flags.out ?? null, training: checked.training, held_out_split: heldOut ? heldOutSplit : null, axes });
    return;
  }
  const lines = [
    `${checked.kind} model ${checked.name} version ${checked.version} (scorer ${checked.kind}:${checked.name}): ${outcome === 'not stored' ? 'not stored' : outcome === 'created' ? 'stored' : 'already stored (same content)'}${flags.out ? `; written to ${flags.out}` : ''}`,
    `trained on ${checked.training.n_items} ${checked.training.split} item(s) from ${checked.training.n_documents} document(s); C chosen by ${checked.training.folds}-fold cross-validation grouped by document, the temperature T on its out-of-fold predictions (lowest NLL)`,
    '',
    formatTable(
      ['axis', 'C', 'CV macro-F1', 'CV accuracy', 'T', 'CV NLL (T=1 -> T)', 'CV ECE (T=1 -> T)', ...(heldOut ? [`${heldOutSplit} macro-F1 [95% CI]`, `${heldOutSplit} n`] : [])],
      Object.entries(axes).map(([slug, a]) => [
        slug,
        a.c,
        fmt(a.cv_macro_f1),
        fmt(a.cv_accuracy),
        fmt(a.temperature),
        a.calibration ? `${fmt(a.calibration.nll_t1)} -> ${fmt(a.calibration.nll)}` : '-',
        a.calibration ? `${fmt(a.calibration.ece_t1)} -> ${fmt(a.calibration.ece)}` : '-',
        ...(heldOut ? [`${fmt(a.held_out?.macro_f1)} ${a.held_out?.macro_f1_ci ? `[${fmt(a.held_out.macro_f1_ci[0])}, ${fmt(a.held_out.macro_f1_ci[1])}]` : '[n/a]'}`, String(a.held_out?.n ?? 0)] : []),
      ]),
    ),
  ];
  if (heldOut) lines.push('', `The ${heldOutSplit} split is reported only; nothing was chosen on it. Intervals: document bootstrap, 2,000 resamples.`);
  console.log(lines.join('\n'));
}
