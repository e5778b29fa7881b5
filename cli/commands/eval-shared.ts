import { readFileSync } from 'node:fs';
import { EvalInputError } from '../../app/eval-errors.ts';
import { ThresholdProfileError } from '../../app/eval-threshold-profiles.ts';
import { MODEL_SCORER_KINDS, type ScorerKind } from '../../app/registry.ts';
import { scorerByName, SCORERS } from '../../app/scorers/index.ts';
import { ScorerNameError } from '../../app/scorers/names.ts';
import type { RecordedModels } from '../../db/schema/index.ts';
import type { EvalAxis } from '../../eval/axis.ts';
import { LexiconError } from '../../eval/baselines/lexicon.ts';
import { checkGoldSet, GoldSetError, parseGoldSet, setHash, type GoldItem } from '../../eval/gold-set.ts';
import { say } from '../output.ts';

/** The splits `stance eval` can score. */
export const EVAL_SPLITS = ['dev', 'test', 'all'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

/** Printed with any numbers that came from the synthetic test models. */
export const SYNTHETIC_NOTE = 'synthetic test models: these numbers test the mechanics, they are not findings';

// Errors of the evaluator's input: the message says what to fix; no stack trace, exit code 2.
const EVAL_USER_ERRORS = [GoldSetError, EvalInputError, ThresholdProfileError, LexiconError];

/**
 * Wraps a command action so that the given input errors print as "stance: <message>" and exit
 * with code 2, like the errors cli/main.ts knows; anything else propagates.
 */
export function userErrorAction<A extends unknown[]>(
  errors: readonly (abstract new (...args: never[]) => Error)[],
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (!errors.some((E) => error instanceof E)) throw error;
      say(`stance: ${(error as Error).message}`);
      process.exitCode = 2;
    }
  };
}

/** A command action of `stance eval`: its input errors print as "stance: <message>", exit code 2. */
export function evalAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return userErrorAction(EVAL_USER_ERRORS, action);
}

/** The split named by a flag (default `fallback`); anything else is an input error listing the choices. */
export function parseSplit(value: string | undefined, fallback: EvalSplit): EvalSplit {
  const split = value ?? fallback;
  if (!(EVAL_SPLITS as readonly string[]).includes(split)) {
    throw new EvalInputError(`unknown split "${split}"; use ${EVAL_SPLITS.join(', ')}`);
  }
  return split as EvalSplit;
}

/** The transformer scorer named by a flag (calibration is fitted for these only); default nli. */
export function parseModelScorer(value: string | undefined): ScorerKind {
  const scorer = value ?? 'nli';
  if (!(MODEL_SCORER_KINDS as readonly string[]).includes(scorer)) {
    throw new EvalInputError(`scorer "${scorer}" cannot be calibrated; use ${MODEL_SCORER_KINDS.join(' or ')}`);
  }
  return scorer as ScorerKind;
}

/**
 * The scorer names of `stance eval --scorer`: one name of app/scorers, or "all" (every plain
 * kind and the given instances of parameterised kinds). Default nli.
 */
export function parseScorers(value: string | undefined, instances: readonly string[] = []): string[] {
  const scorer = value ?? 'nli';
  if (scorer === 'all') return [...SCORERS.filter((d) => !d.parameterised).map((d) => d.kind), ...instances];
  try {
    // A comma-separated list evaluates several scorers in one run (paired differences included).
    const names = [...new Set(scorer.split(',').map((n) => n.trim()).filter((n) => n !== ''))];
    return names.map((n) => scorerByName(n).ref.name);
  } catch (err) {
    if (err instanceof ScorerNameError) throw new EvalInputError(`${err.message}, or all`, { cause: err });
    throw err;
  }
}

/** A gold-set file read and parsed in full, with the hash of its exact content. */
export interface GoldSetFile {
  file: string;
  hash: string;
  items: GoldItem[];
  /** Problems that do not stop an evaluation, e.g. a label a split lacks entirely. */
  warnings: string[];
}

/**
 * Reads and parses a gold-set file against the axes; stops at the first bad line, or at a
 * document found in both splits (GoldSetError with file and line). Warnings go with the set.
 */
export function readGoldSetFile(file: string, axes: readonly EvalAxis[]): GoldSetFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EvalInputError(`cannot read the gold set ${file}: ${(error as Error).message}`, { cause: error });
  }
  const items = parseGoldSet(text, file, axes);
  return { file, hash: setHash(text), items, warnings: checkGoldSet(items, file, axes) };
}

/** True for the synthetic models that ship with the tests (their names start with "tiny-"). */
export function isSyntheticModel(name: string): boolean {
  return (name.split('/').pop() ?? name).startsWith('tiny-');
}

/** Whether any model a scorer of the list reads is synthetic (scorers without models read none). */
export function usesSyntheticModels(models: RecordedModels, scorers: readonly string[]): boolean {
  return scorers.some((name) => {
    const needs = scorerByName(name).descriptor.needsModels;
    return (needs.includes('nli') && isSyntheticModel(models.nli.name)) || (needs.includes('embedding') && isSyntheticModel(models.embed.name));
  });
}

/** "name (dtype, version)" for messages. */
export function describeModel(model: { name: string; dtype: string; version: string }): string {
  return `${model.name} (${model.dtype}, version ${model.version})`;
}

/**
 * Progress of scoring on stderr: a redrawn line on a terminal, a plain line per step otherwise
 * (logs and CI keep readable output).
 */
export function scoringProgress(what: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  return (done, total) => {
    if (stream.isTTY) stream.write(`\r${what}: ${done}/${total}${done === total ? '\n' : ''}`);
    else stream.write(`${what}: ${done}/${total}\n`);
  };
}

/** A metric with three decimals, or "n/a" when undefined. */
export function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(3);
}
