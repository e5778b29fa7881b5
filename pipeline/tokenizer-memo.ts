import type { PreTrainedTokenizer } from '@huggingface/transformers';

/**
 * The part of a transformers.js tokenizer that turns one text into its tokens (normalizer,
 * pre-tokenizer, model), without special tokens: the Tokenizer of @huggingface/tokenizers that
 * transformers.js keeps as `_tokenizer`. A pair is encoded as encode_text(premise) and
 * encode_text(hypothesis), joined by the post-processor (special tokens, type ids) afterwards.
 */
interface SegmentEncoder {
  encode_text(text: string | null): string[] | null;
}

/** Texts whose tokens a memoized tokenizer keeps: more than the chunks of one NLI request. */
export const MEMO_TEXTS = 256;

/** Longest text remembered: a chunk is a few thousand characters; a whole document measured while chunking is not kept. */
export const MEMO_MAX_CHARS = 16_384;

/**
 * Makes `tokenizer` remember the tokens of the last MEMO_TEXTS texts it segmented. The NLI scorer
 * encodes every chunk once per hypothesis (about 10 pairs a chunk under the cascade), and the
 * premise's tokenization was most of a session thread's time outside ONNX Runtime. Each segment of
 * a pair is segmented on its own before the post-processor joins them, so a remembered segment
 * gives the same input ids, masks and type ids for any tokenizer (tested against an unmemoized
 * one, truncation included). Returns false, changing nothing, when the tokenizer does not have
 * that shape (another version of transformers.js): pairs are then encoded as before.
 */
export function memoizeSegments(tokenizer: PreTrainedTokenizer, size = MEMO_TEXTS): boolean {
  const inner = (tokenizer as unknown as { _tokenizer?: Partial<SegmentEncoder> })._tokenizer;
  if (!inner || typeof inner.encode_text !== 'function') return false;
  const segment = inner.encode_text.bind(inner);
  const memo = new Map<string, string[]>();
  inner.encode_text = (text: string | null) => {
    if (text === null || text.length > MEMO_MAX_CHARS) return segment(text);
    let tokens = memo.get(text);
    if (tokens === undefined) {
      const fresh = segment(text);
      if (fresh === null) return fresh;
      tokens = fresh;
      memo.set(text, tokens);
      // Oldest first out: a thread's requests move through the corpus and never come back.
      if (memo.size > size) memo.delete(memo.keys().next().value as string);
    }
    // A copy: the post-processor builds the pair from these arrays and must not change the memo.
    return tokens.slice();
  };
  return true;
}
