import { DEFAULT_LEXICON_FILE, loadLexiconFile } from '../../pipeline/lexicon/load.ts';
import { LexiconFileError } from '../../pipeline/lexicon/lexicon-file.ts';
import { LexiconError, parseLexicon, type Lexicon } from './lexicon.ts';

/** The lexicon shipped with the tool: config/lexicon.json, shared with the lexicon scorer. */
export const DEFAULT_LEXICON_PATH = DEFAULT_LEXICON_FILE;

/**
 * The terms of a lexicon file (the default one unless a path is given) as the baseline's
 * keyword lists: the baseline counts hits and ignores weights and negation, as it always did,
 * so it stays the plain keyword count the lexicon scorer is measured against.
 */
export function readLexiconFile(path: string = DEFAULT_LEXICON_PATH): Lexicon {
  let file;
  try {
    file = loadLexiconFile(path);
  } catch (error) {
    if (error instanceof LexiconFileError) throw new LexiconError(error.message, { cause: error });
    throw error;
  }
  const keywords = Object.fromEntries(Object.entries(file.axes).map(([axis, e]) => [axis, Object.fromEntries(Object.entries(e.poles).map(([pole, terms]) => [pole, terms.map((t) => t.term)]))]));
  return parseLexicon(keywords, path);
}
