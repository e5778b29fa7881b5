import { readFileSync } from 'node:fs';
import { AutoTokenizer, env, PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEMO_MAX_CHARS, memoizeSegments } from '../../pipeline/tokenizer-memo.ts';
import { FIXTURE_MODELS_DIR, SEEDS_DIR } from '../helpers/paths.ts';

type Encoded = Record<string, { data: BigInt64Array }>;

// As pipeline/models.ts encodes NLI pairs.
const encodePairs = (tok: PreTrainedTokenizer, pairs: [string, string][]) =>
  tok(
    pairs.map((p) => p[0]),
    { text_pair: pairs.map((p) => p[1]), padding: true, truncation: true, max_length: 512 },
  ) as unknown as Encoded;

const asArrays = (e: Encoded) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, Array.from(v.data, Number)]));

/** Counts the texts the tokenizer really segments (memo misses), installed under the memo. */
function countSegmenting(tok: PreTrainedTokenizer): string[] {
  const inner = (tok as unknown as { _tokenizer: { encode_text(t: string | null): string[] | null } })._tokenizer;
  const original = inner.encode_text.bind(inner);
  const seen: string[] = [];
  inner.encode_text = (t) => {
    if (t !== null) seen.push(t);
    return original(t);
  };
  return seen;
}

const seed = readFileSync(`${SEEDS_DIR}/002_0851200495761f3a.txt`, 'utf8');
const PREMISES = [
  'States have the sovereign right to regulate the Internet within their territory.',
  'Les États coopèrent — naïvement? — avec la société civile, ÉGALITÉ!',
  seed.slice(0, 600),
  // Over 512 tokens: the pair is truncated.
  seed.slice(0, 4000),
];
const HYPOTHESES = ['This text supports state sovereignty.', 'This text supports multistakeholder governance.', 'This text is about Internet governance.'];
const PAIRS = PREMISES.flatMap((p) => HYPOTHESES.map((h) => [p, h] as [string, string]));

/** A SentencePiece-style tokenizer (Unigram model, Metaspace pre-tokenizer, as DeBERTa-v3's), built in memory. */
function unigramTokenizer(): PreTrainedTokenizer {
  const pieces = ['▁the', '▁state', 's', '▁inter', 'net', '▁gov', 'ern', 'ance', '▁sovereign', 'ty', '▁is', '▁a', '▁text', '.', ','];
  const letters = [...'abcdefghijklmnopqrstuvwxyzéèàçêôîâûëïüœ?!—-'].map((c) => [c, -10] as [string, number]);
  const vocab: [string, number][] = [['[PAD]', 0], ['[CLS]', 0], ['[SEP]', 0], ['[UNK]', 0], ['▁', -3], ...pieces.map((p) => [p, -2] as [string, number]), ...letters];
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const json = {
    version: '1.0',
    added_tokens: [special('[PAD]', 0), special('[CLS]', 1), special('[SEP]', 2), special('[UNK]', 3)],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [1], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [2], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: false },
  };
  return new PreTrainedTokenizer(json, { model_max_length: 512, pad_token: '[PAD]', cls_token: '[CLS]', sep_token: '[SEP]', unk_token: '[UNK]' });
}

let loadBert: () => Promise<PreTrainedTokenizer>;

beforeAll(() => {
  env.localModelPath = `${FIXTURE_MODELS_DIR}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  loadBert = () => AutoTokenizer.from_pretrained('tiny-random-nli');
});

describe('memoizeSegments', () => {
  for (const [name, load] of [
    ['WordPiece (BERT)', () => loadBert()],
    ['Unigram with Metaspace (SentencePiece)', async () => unigramTokenizer()],
  ] as const) {
    it(`gives the same input ids, masks and type ids as an unmemoized tokenizer: ${name}`, async () => {
      const plain = await load();
      const memo = await load();
      expect(memoizeSegments(memo)).toBe(true);
      // Pairs one at a time (a 1-thread session's batch), several at a time with padding, and again from the memo.
      for (const batch of [...PAIRS.map((p) => [p]), PAIRS.slice(0, 5), PAIRS.slice(3), PAIRS]) {
        expect(asArrays(encodePairs(memo, batch))).toEqual(asArrays(encodePairs(plain, batch)));
      }
      // The long premise really was cut to the model's limit, as before.
      expect(encodePairs(memo, [PAIRS.at(-1) as [string, string]]).input_ids?.data.length).toBe(512);
    });
  }

  it('segments each premise once for all of its hypotheses', async () => {
    const tok = await loadBert();
    const segmented = countSegmenting(tok);
    memoizeSegments(tok);
    encodePairs(tok, PAIRS);
    encodePairs(tok, PAIRS.slice(0, 3));
    for (const text of [...PREMISES, ...HYPOTHESES]) expect(segmented.filter((t) => t === text)).toHaveLength(1);
  });

  it('forgets the oldest text beyond its size, and does not keep texts longer than a chunk', async () => {
    const tok = await loadBert();
    const segmented = countSegmenting(tok);
    memoizeSegments(tok, 2);
    for (const text of ['one', 'two', 'three', 'one', 'three']) tok.encode(text);
    // "one" was pushed out by "three" and segmented again; "three" was still there.
    expect(segmented).toEqual(['one', 'two', 'three', 'one']);
    const long = 'word '.repeat(MEMO_MAX_CHARS / 5 + 1);
    tok.encode(long);
    tok.encode(long);
    expect(segmented.filter((t) => t === long)).toHaveLength(2);
  });

  it('leaves a tokenizer of another shape alone', () => {
    const other = { _tokenizer: {} } as unknown as PreTrainedTokenizer;
    expect(memoizeSegments(other)).toBe(false);
    expect(memoizeSegments({} as PreTrainedTokenizer)).toBe(false);
  });
});
