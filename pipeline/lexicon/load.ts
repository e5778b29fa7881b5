import { readFileSync } from 'node:fs';
import { LexiconFileError, parseLexiconFile, type LexiconFile } from './lexicon-file.ts';
import { projectFile } from '../../config/project-files.ts';

/** The project's lexicon, next to the axes (STANCE_LEXICON_FILE replaces it). */
export const DEFAULT_LEXICON_FILE = projectFile('config/lexicon.json');

/** Reads and validates a lexicon file (the project's default when none is given). */
export function loadLexiconFile(path: string = DEFAULT_LEXICON_FILE): LexiconFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new LexiconFileError(`cannot read the lexicon file ${path}: ${(err as Error).message}; check STANCE_LEXICON_FILE`, { cause: err });
  }
  return parseLexiconFile(data, path);
}
