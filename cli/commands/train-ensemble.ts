import { EvalInputError } from '../../app/eval-errors.ts';
import { lexiconMember, modelMember, trainedMember, type EnsembleMember } from '../../app/ensemble-members.ts';
import { ensembleHeldOutScores, trainEnsemble } from '../../app/ensemble-run.ts';
import { loadEvalInference, type EvalInference } from '../../app/eval-inference.ts';
import { toEvalAxis } from '../../app/eval-run.ts';
import { inferenceSpecFrom } from '../../app/inference.ts';
import { DEFAULT_GOLD_SET, readTrainingLexicon, type HeldOutScores } from '../../app/train-run.ts';
import { readExtraItems } from '../../app/train-extra.ts';
import { loadModel, shippedModel, SHIPPED_ARTIFACTS } from '../../app/trained-models.ts';
import { loadConfig } from '../../config/config.ts';
import { filterSplit } from '../../eval/gold-set.ts';
import { ArtifactError, type ModelArtifact, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../pipeline/train/train.ts';
import { withDatabase } from '../context.ts';
import { say } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { readGoldSetFile, SYNTHETIC_NOTE, usesSyntheticModels } from './eval-shared.ts';

interface EnsembleFlags {
  ensemble: string;
  members?: string;
  set?: string;
  extra?: string[];
  split?: string;
  seed?: string;
  out?: string;
  store?: boolean;
  json?: boolean;
}

interface Helpers {
  storeAndReport(artifact: ModelArtifact, flags: EnsembleFlags, heldOut: Record<string, HeldOutScores> | null, heldOutSplit: string): Promise<void>;
}

/** Member kinds that `--members` takes now (trained:NAME aside). */
const MEMBER_KINDS = ['lexicon', 'nli', 'prototype'];

/**
 * A trained model by name, found as queries find it: the latest stored version, else the shipped
 * artifact. --no-store keeps this run off the database altogether, so it finds shipped models only.
 */
async function loadTrainedArtifact(name: string, store: boolean): Promise<TrainedArtifact> {
  const found = store ? await withDatabase(async ({ db }) => loadModel(db, name, undefined, 'trained')) : shippedModel('trained', name);
  if (found === undefined) {
    const shipped = Object.keys(SHIPPED_ARTIFACTS.trained).map((n) => `trained:${n}`);
    throw new ArtifactError(
      `no shipped trained model named "${name}" (shipped: ${shipped.join(', ') || 'none'}); with --no-store, members are not read from the database: drop --no-store to use a stored model, or train "${name}" first`,
    );
  }
  // Both lookups are of kind trained; this narrows the type.
  if (found.artifact.kind !== 'trained') throw new EvalInputError(`"${name}" is an ensemble, not a trained model; ensembles cannot be members`);
  return found.artifact;
}

/** `stance train --ensemble NAME --members a,b,...`: stack the members' label probabilities, fitted on dev. */
export async function runEnsembleTraining(flags: EnsembleFlags, helpers: Helpers): Promise<void> {
  if (flags.split !== undefined && flags.split !== 'dev') {
    throw new EvalInputError(`the ensemble fits on the dev split only and refuses --split ${flags.split}: its weights must never see test items`);
  }
  const names = (flags.members ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length < 2) throw new EvalInputError(`--members needs at least two scorers, comma-separated (e.g. --members lexicon,trained:default); got "${flags.members ?? ''}"`);
  if (new Set(names).size !== names.length) throw new EvalInputError(`--members lists a scorer twice: ${names.join(', ')}`);
  for (const n of names) {
    if (!MEMBER_KINDS.includes(n) && !/^trained:[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)) {
      throw new EvalInputError(`unknown ensemble member "${n}"; use ${MEMBER_KINDS.join(', ')} or trained:NAME`);
    }
  }
  const config = loadConfig();
  const fullAxes = configuredAxes(config);
  const axes = fullAxes.map(toEvalAxis);
  const seed = flags.seed === undefined ? DEFAULT_TRAIN_OPTIONS.seed : Number(flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new EvalInputError(`--seed must be a whole number >= 0, got "${flags.seed}"`);
  const set = readGoldSetFile(flags.set ?? DEFAULT_GOLD_SET, axes);
  const dev = filterSplit(set.items, 'dev');
  const test = filterSplit(set.items, 'test');
  // Extra items are given to trained members' refits only (they saw them in training); the stacker fits on dev items.
  const extra = readExtraItems(flags.extra ?? [], set.items, 'dev', axes);
  if (dev.length === 0) throw new EvalInputError(`${set.file} has no dev items: the ensemble fits on dev only`);

  let inference: EvalInference | undefined;
  const members: EnsembleMember[] = [];
  try {
    for (const n of names) {
      if (n === 'lexicon') {
        members.push(lexiconMember(readTrainingLexicon(config.lexiconFile), fullAxes));
      } else if (n === 'nli' || n === 'prototype') {
        if (inference === undefined) {
          say(`loading models ${config.embedModel} and ${config.nliModel} (${config.dtype}) for the ${n} member...`);
          inference = await loadEvalInference(inferenceSpecFrom(config), say);
        }
        members.push(modelMember(n, inference, fullAxes));
      } else {
        const artifact = await loadTrainedArtifact(n.slice('trained:'.length), flags.store !== false);
        try {
          members.push(trainedMember(artifact, axes, extra));
        } catch (error) {
          throw new EvalInputError((error as Error).message, { cause: error });
        }
      }
    }
    if (inference && usesSyntheticModels({ embed: inference.embedModel, nli: inference.nliModel }, names.filter((n): n is 'nli' | 'prototype' => n === 'nli' || n === 'prototype'))) {
      say(`note: ${SYNTHETIC_NOTE}`);
    }
    say(`fitting ensemble ${flags.ensemble} of ${names.join(', ')} on ${dev.length} dev item(s) (out-of-fold member predictions, ${DEFAULT_TRAIN_OPTIONS.folds} folds grouped by document)...`);
    const artifact = await trainEnsemble(members, dev, axes, { name: flags.ensemble, seed, cGrid: DEFAULT_TRAIN_OPTIONS.cGrid, folds: DEFAULT_TRAIN_OPTIONS.folds });
    const heldOut = test.length > 0 ? await ensembleHeldOutScores(artifact, members, axes, test, seed) : null;
    await helpers.storeAndReport(artifact, flags, heldOut, 'test');
  } finally {
    await inference?.close();
  }
}
