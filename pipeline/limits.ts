/**
 * Input limits, in one place. Every ingest entrance (CLI files, manifests, POST /documents, the
 * library function) checks them, and the README lists them. The document size limit is
 * configurable (STANCE_MAX_DOC_BYTES, config/config.ts); these are not, because each one guards
 * something below it (an index row, the converter's stack, the model's input), not a taste.
 */

/** Longest metadata fields, in characters. Source and actor are indexed or grouped on; a btree row holds at most ~2.7 kB. */
export const FIELD_LIMITS = {
  source: 200,
  actor: 200,
  actorType: 100,
  title: 1_000,
  url: 2_048,
  kind: 100,
  language: 35,
  fileName: 255,
} as const;

/** Largest `metadata` object, as compact JSON in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** Deepest nesting of `metadata` (the object itself is level 1). */
export const MAX_METADATA_DEPTH = 8;

/**
 * Deepest element nesting of an HTML document. The HTML converter (html-to-text) recurses once
 * per level and overflows the stack somewhere past 1,000 levels (nested lists); real pages stay
 * well under 100.
 */
export const MAX_HTML_DEPTH = 512;

/**
 * Longest "word" (run of non-space characters) the chunker counts as it stands. WordPiece
 * tokenizers turn any longer word into one [UNK] token, so a 1 MB line without spaces would be
 * "1 token"; longer runs are counted, and cut, in pieces of this length.
 */
export const MAX_WORD_CHARS = 100;
