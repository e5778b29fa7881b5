import { readFileSync } from 'node:fs';
import { axisLabels, type EvalAxis } from '../eval/axis.ts';
import { filterSplit, parseGoldSet, type GoldItem } from '../eval/gold-set.ts';
import { loadLexiconFile } from '../pipeline/lexicon/load.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { serializeArtifact, type TrainedArtifact } from '../pipeline/train/artifact.ts';
import type { EnsembleArtifact } from '../pipeline/train/artifact.ts';
import { fitEnsemble, predictEnsemble } from '../pipeline/train/ensemble.ts';
import { seededGroupFolds } from '../pipeline/train/folds.ts';
import { DEFAULT_TRAIN_OPTIONS, trainingGroup } from '../pipeline/train/train.ts';
import { lexiconMember, trainedMember, type EnsembleMember } from './ensemble-members.ts';
import { toEvalAxis } from './eval-run.ts';
import { DEFAULT_EXTRA_SET, readExtraItems } from './train-extra.ts';
import { DEFAULT_GOLD_SET, heldOutScoresOf, trainDefaultArtifact, type HeldOutScores } from './train-run.ts';
import { projectFile } from '../config/project-files.ts';

/** Options of an ensemble fit. */
export interface EnsembleRunOptions {
  name: string;
  seed: number;
  cGrid: readonly number[];
  folds: number;
}

/**
 * Fits an ensemble on dev items: each member's out-of-fold probabilities (members that learn
 * are refitted per fold; the folds are the stacker's own, grouped by document), then the
 * stacker per axis. Test items are never passed here.
 */
export async function trainEnsemble(members: readonly EnsembleMember[], dev: readonly GoldItem[], axes: readonly EvalAxis[], options: EnsembleRunOptions): Promise<EnsembleArtifact> {
  if (dev.some((i) => i.split !== 'dev')) throw new Error('the ensemble fits on dev items only');
  const groups = dev.map(trainingGroup);
  const k = Math.min(options.folds, new Set(groups).size);
  if (k < 2) throw new Error(`cross-validation needs at least 2 documents in dev, found ${new Set(groups).size}`);
  const folds = seededGroupFolds(groups, k, options.seed);
  const outOfFold = [];
  for (const member of members) {
    outOfFold.push(member.outOfFold ? await member.outOfFold(dev, folds) : await member.predict(dev.map((i) => i.text)));
  }
  return fitEnsemble({ name: options.name, members: members.map((m) => m.id), items: dev, outOfFold, axes, seed: options.seed, cGrid: options.cGrid, folds: options.folds });
}

/** Held-out scores of an ensemble (for the report only), like heldOutScores of a trained model. */
export async function ensembleHeldOutScores(
  artifact: EnsembleArtifact,
  members: readonly EnsembleMember[],
  axes: readonly EvalAxis[],
  items: readonly GoldItem[],
  seed: number,
): Promise<Record<string, HeldOutScores>> {
  const memberProbabilities = [];
  for (const m of members) memberProbabilities.push(await m.predict(items.map((i) => i.text)));
  const probs = predictEnsemble(artifact, memberProbabilities);
  // The most probable of the labels of each axis, the ensemble scorer's own rule.
  const predicted = probs.map((p) =>
    Object.fromEntries(
      axes.map((axis) => {
        const labels = axisLabels(axis);
        const dist = p[axis.slug] ?? {};
        return [axis.slug, labels.reduce((best, l) => ((dist[l] ?? 0) > (dist[best] ?? 0) ? l : best), labels[0] as string)];
      }),
    ),
  );
  return heldOutScoresOf(predicted, axes, items, seed);
}

/** Where the default ensemble is committed (`npm run train:default` rewrites it with the default model). */
export const DEFAULT_ENSEMBLE_PATH = projectFile('config/trained/ensemble-default.json');

/**
 * The default ensemble (scorer ensemble:default): the lexicon scorer and trained:default
 * stacked on the dev split of eval/gold.jsonl with out-of-fold member predictions (the trained
 * member refitted per fold with the extra passages of eval/train-extra.jsonl, as it was trained), the default
 * seed, grid and folds. The same as `stance train --ensemble default --members
 * lexicon,trained:default --no-store`; a test refits it and compares bytes.
 */
export async function trainDefaultEnsemble(trained: TrainedArtifact = trainDefaultArtifact()): Promise<EnsembleArtifact> {
  const axes = loadAxesFile();
  const evalAxes = axes.map(toEvalAxis);
  const set = parseGoldSet(readFileSync(DEFAULT_GOLD_SET, 'utf8'), DEFAULT_GOLD_SET, evalAxes);
  const dev = filterSplit(set, 'dev');
  const members = [lexiconMember(loadLexiconFile(), axes), trainedMember(trained, evalAxes, readExtraItems([DEFAULT_EXTRA_SET], set, 'dev', evalAxes))];
  return trainEnsemble(members, dev, evalAxes, { name: 'default', seed: DEFAULT_TRAIN_OPTIONS.seed, cGrid: DEFAULT_TRAIN_OPTIONS.cGrid, folds: DEFAULT_TRAIN_OPTIONS.folds });
}

/** The committed default ensemble's expected bytes. */
export async function defaultEnsembleBytes(trained?: TrainedArtifact): Promise<string> {
  return serializeArtifact(await trainDefaultEnsemble(trained));
}
