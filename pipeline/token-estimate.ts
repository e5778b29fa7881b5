// Without the NLI model there is no tokenizer to count with; chunks made from this estimate are
// kept when the models arrive later, so it errs on the high side: a chunk then stays within the
// model's input (with room for the hypothesis) rather than being truncated.
const PIECE = /\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu;

/**
 * An estimate of the number of subword tokens (WordPiece/SentencePiece) of a text, on the high
 * side for English prose: a word of up to 6 letters is one token, longer words one more per 4
 * letters, digits one per 3, every other non-space character one.
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECE)) {
    const piece = m[0];
    if (/^\p{L}/u.test(piece)) n += 1 + Math.ceil(Math.max(0, piece.length - 6) / 4);
    else if (/^\p{N}/u.test(piece)) n += Math.ceil(piece.length / 3);
    else n += 1;
  }
  return n;
}
