import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LexiconError, parseLexicon, type Lexicon } from './lexicon.ts';

/** The lexicon shipped with the tool. */
export const DEFAULT_LEXICON_PATH = fileURLToPath(new URL('../lexicon.json', import.meta.url));

/** Reads and validates a lexicon JSON file (the default one unless a path is given). */
export function readLexiconFile(path: string = DEFAULT_LEXICON_PATH): Lexicon {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LexiconError(`cannot read lexicon ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseLexicon(json, path);
}
