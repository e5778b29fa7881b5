import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_TOKENS, chunkText } from '../../pipeline/chunk.ts';
import type { Chunk } from '../../pipeline/chunk.ts';
import { segmentText } from '../../pipeline/sentences.ts';

const MODELS_DIR = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const SEED = fileURLToPath(new URL('../../seeds/002_0851200495761f3a.txt', import.meta.url));

const countWords = (s: string): number => (s.trim() === '' ? 0 : s.trim().split(/\s+/).length);
let countWordPiece: (s: string) => number = () => {
  throw new Error('tokenizer not loaded');
};

beforeAll(async () => {
  env.localModelPath = MODELS_DIR;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  const tok = await AutoTokenizer.from_pretrained('tiny-random-nli');
  countWordPiece = (s) => tok.encode(s, { add_special_tokens: false }).length;
});

/** Checks the chunk contract: exact offsets, trimmed, budget, ordinals, order and coverage. */
function expectValidChunks(text: string, chunks: Chunk[], max: number, count: (s: string) => number, overlap = false) {
  const covered = new Uint8Array(text.length);
  let prevStart = -1;
  let prevEnd = -1;
  for (const [i, c] of chunks.entries()) {
    expect(c.ordinal).toBe(i);
    expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(c.text.length).toBeGreaterThan(0);
    expect(c.text).toBe(c.text.trim());
    expect(c.tokenCount).toBe(count(c.text));
    expect(c.tokenCount).toBeLessThanOrEqual(max);
    expect(c.start).toBeGreaterThan(prevStart);
    expect(c.end).toBeGreaterThan(prevEnd);
    if (!overlap) expect(c.start).toBeGreaterThanOrEqual(prevEnd);
    prevStart = c.start;
    prevEnd = c.end;
    for (let p = c.start; p < c.end; p++) covered[p] = (covered[p] ?? 0) + 1;
  }
  const badOffsets: number[] = [];
  for (let p = 0; p < text.length; p++) {
    const times = covered[p] ?? 0;
    if (!/\s/.test(text[p] ?? '') && (overlap ? times < 1 : times !== 1)) badOffsets.push(p);
  }
  expect(badOffsets).toEqual([]);
}

const sentencesOf = (text: string) => segmentText(text).map((s) => text.slice(s.start, s.end));

const kindsOf = (text: string) => segmentText(text).map((s) => [s.kind, text.slice(s.start, s.end)]);

const seedText = () =>
  readFileSync(SEED, 'utf8')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n');

describe('sentence segmentation', () => {
  it('does not split after abbreviations, initials, decimals or number abbreviations', () => {
    const text =
      'Mr. Utsumi spoke first. The U.S. policy is clear, e.g. this one and i.e. that one. ' +
      'Dr. Smith met J. Smith and Hamadoun I. Touré. Growth was 2.5 per cent under Resolution No. 130 of the U.S. Congress. ' +
      'Is it enough? It is! "We agree." (See Art. 5.) The end.';
    expect(sentencesOf(text)).toEqual([
      'Mr. Utsumi spoke first.',
      'The U.S. policy is clear, e.g. this one and i.e. that one.',
      'Dr. Smith met J. Smith and Hamadoun I. Touré.',
      'Growth was 2.5 per cent under Resolution No. 130 of the U.S. Congress.',
      'Is it enough?',
      'It is!',
      '"We agree."',
      '(See Art. 5.)',
      'The end.',
    ]);
  });

  it('treats paragraph breaks as boundaries even without punctuation', () => {
    expect(sentencesOf('first paragraph without a stop\n\nsecond one also without')).toEqual([
      'first paragraph without a stop',
      'second one also without',
    ]);
  });

  it('keeps list items and headings as their own units', () => {
    const text =
      'Key elements\n\nThe framework needs:\n\n• National security;\n- Privacy; and\n* Inclusion.\n– Cooperation\n\n' +
      '1. Access to the Internet. It includes education.\n2) Protection of rights\n\nThe paragraph after the list.';
    expect(kindsOf(text)).toEqual([
      ['heading', 'Key elements'],
      ['sentence', 'The framework needs:'],
      ['item', '• National security;'],
      ['item', '- Privacy; and'],
      ['item', '* Inclusion.'],
      ['item', '– Cooperation'],
      ['item', '1. Access to the Internet. It includes education.'],
      ['item', '2) Protection of rights'],
      ['sentence', 'The paragraph after the list.'],
    ]);
  });

  it('joins a hard-wrapped line with its lower-case continuation', () => {
    const text = 'The committee met in Geneva over three days to discuss the\nnew rules. Then it adjourned.';
    expect(sentencesOf(text)).toEqual(['The committee met in Geneva over three days to discuss the\nnew rules.', 'Then it adjourned.']);
  });
});

describe('chunkText', () => {
  it('exports the default budget', () => {
    expect(DEFAULT_CHUNK_TOKENS).toBe(200);
  });

  it('returns no chunks for empty and whitespace-only input', () => {
    expect(chunkText('', { maxTokens: 10, countTokens: countWords })).toEqual([]);
    expect(chunkText(' \n\n \n\t ', { maxTokens: 10, countTokens: countWords })).toEqual([]);
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => chunkText('a b', { maxTokens: 0, countTokens: countWords })).toThrow(RangeError);
    expect(() => chunkText('a b', { maxTokens: 2.5, countTokens: countWords })).toThrow(RangeError);
  });

  it('trims leading and trailing whitespace with exact offsets', () => {
    const text = '\n\n  One short sentence.  \n\n';
    const chunks = chunkText(text, { maxTokens: 50, countTokens: countWords });
    expect(chunks).toEqual([{ ordinal: 0, text: 'One short sentence.', start: 4, end: 23, tokenCount: 3 }]);
  });

  it('never ends a chunk inside an abbreviation', () => {
    const text =
      'Mr. Utsumi opened the meeting today. The U.S. policy was debated at length. ' +
      'Some examples were given, e.g. this one about privacy. Dr. Smith closed the session.';
    for (const max of [9, 12, 20]) {
      const chunks = chunkText(text, { maxTokens: max, countTokens: countWords });
      expectValidChunks(text, chunks, max, countWords);
      for (const c of chunks) expect(c.text).toMatch(/[.]$/);
      for (const c of chunks) expect(c.text).not.toMatch(/(Mr|U\.S|e\.g|Dr)\.$/);
    }
  });

  it('packs whole sentences with the real WordPiece tokenizer', () => {
    const text = sentencesOf(
      'Mr. Utsumi spoke. The U.S. policy is clear, e.g. this one. Dr. Smith agreed with it. Nobody objected to the plan.',
    ).join(' ');
    // "u . s ." and "e . g ." are four WordPiece tokens each: the longest sentence is 16 tokens.
    expect(countWordPiece('The U.S. policy is clear, e.g. this one.')).toBe(16);
    const chunks = chunkText(text, { maxTokens: 17, countTokens: countWordPiece });
    expectValidChunks(text, chunks, 17, countWordPiece);
    expect(chunks.map((c) => c.text)).toContain('The U.S. policy is clear, e.g. this one.');
  });

  it('keeps bulleted items separate and whole', () => {
    const items = [
      '• National security and the protection of critical infrastructure;',
      '• Upholding universally-held values of freedom of expression and privacy; and',
      '• The need for the equitable inclusiveness of stakeholders from all countries.',
    ];
    const text = `This is a complex issue with many dimensions including:\n\n${items.join('\n')}\n\nVarious frameworks aim to address these issues.`;
    for (const max of [14, 25, 40]) {
      const chunks = chunkText(text, { maxTokens: max, countTokens: countWords });
      expectValidChunks(text, chunks, max, countWords);
      for (const item of items) expect(chunks.some((c) => c.text.includes(item))).toBe(true);
      // A chunk boundary falls only between items, never inside one.
      for (const c of chunks) expect(items.some((item) => item.includes(c.text) && item !== c.text)).toBe(false);
    }
    const tight = chunkText(text, { maxTokens: 14, countTokens: countWords });
    expect(tight.map((c) => c.text)).toEqual([
      'This is a complex issue with many dimensions including:',
      items[0],
      items[1],
      items[2],
      'Various frameworks aim to address these issues.',
    ]);
  });

  it('keeps numbered items separate and whole with the WordPiece tokenizer', () => {
    const items = [
      '1. Access to the Internet – which includes universal access to information and knowledge;',
      '2. The protection of fundamental rights, including privacy and freedom of expression;',
      '3) State involvement – taking into account existing provisions related to human rights; and',
      '4) International cooperation – to ensure the engagement of both state and non-state actors.',
    ];
    const text = `Such a framework would need to take into account four key elements:\n\n${items.join('\n')}`;
    const max = Math.max(...items.map(countWordPiece)) + 2;
    const chunks = chunkText(text, { maxTokens: max, countTokens: countWordPiece });
    expectValidChunks(text, chunks, max, countWordPiece);
    for (const item of items) expect(chunks.some((c) => c.text.includes(item))).toBe(true);
    for (const c of chunks) expect(c.text.startsWith('1.') || c.text.startsWith('Such') || /^\d[.)] /.test(c.text)).toBe(true);
  });

  it('keeps a heading with its paragraph and never leaves it at the end of a chunk', () => {
    const heading = 'Security in cyberspace';
    const para = 'Securing cyberspace cannot be achieved by a few countries. It requires active participation from all.';
    const text = `Opening remarks come first here.\n\n${heading}\n\n${para}`;
    const roomy = chunkText(text, { maxTokens: 100, countTokens: countWords });
    expect(roomy.map((c) => c.text)).toEqual([text]);
    // Budget fits the opening and the heading but not the paragraph's first sentence as well.
    const tight = chunkText(text, { maxTokens: 14, countTokens: countWords });
    expectValidChunks(text, tight, 14, countWords);
    expect(tight.map((c) => c.text)).toEqual([
      'Opening remarks come first here.',
      `${heading}\n\nSecuring cyberspace cannot be achieved by a few countries.`,
      'It requires active participation from all.',
    ]);
  });

  it('keeps a title block of headings together rather than emptying the chunk', () => {
    const text = 'Committed to connecting the world\n\nSpeech by the Secretary-General\n\nOpening Speech\n\nIt is a great pleasure to be here today.';
    const chunks = chunkText(text, { maxTokens: 12, countTokens: countWords });
    expectValidChunks(text, chunks, 12, countWords);
    expect(chunks.map((c) => c.text)).toEqual([
      'Committed to connecting the world\n\nSpeech by the Secretary-General',
      'Opening Speech\n\nIt is a great pleasure to be here today.',
    ]);
  });

  it('prefers to end a chunk at a paragraph end once it is more than half full', () => {
    const p1 = 'One two three four five six seven. Eight nine ten eleven twelve thirteen.';
    const p2 = 'Alpha beta gamma delta.';
    const chunks = chunkText(`${p1}\n\n${p2}`, { maxTokens: 20, countTokens: countWords });
    expect(chunks.map((c) => c.text)).toEqual([p1, p2]);
    const small = chunkText(`Short one.\n\n${p2}`, { maxTokens: 20, countTokens: countWords });
    expect(small.map((c) => c.text)).toEqual([`Short one.\n\n${p2}`]);
  });

  it('re-measures and backs off when joins cost more than the allowance', () => {
    const text = 'Alpha beta gamma.\n\nDelta epsilon.\n\nZeta eta theta iota.\n\nKappa.';
    // Each paragraph break costs five tokens, which unit-by-unit counting cannot see.
    const costly = (s: string) => countWords(s) + 5 * (s.split('\n\n').length - 1);
    const chunks = chunkText(text, { maxTokens: 12, countTokens: costly });
    expectValidChunks(text, chunks, 12, costly);
    expect(chunks.map((c) => c.text)).toEqual(['Alpha beta gamma.\n\nDelta epsilon.', 'Zeta eta theta iota.\n\nKappa.']);
  });

  it('holds the contract on generated documents for several budgets and counters', () => {
    const pieces = [
      'Mr. Smith arrived.', 'The U.S. agreed, e.g. on trade.', 'Is it fair?', 'Yes!', '• A bullet item;',
      '2) A numbered item', 'Short Heading', 'A very long sentence ' + 'with many words '.repeat(30) + 'ends here.',
      'x'.repeat(300), '“Quoted.”', 'No. 5 is listed.', 'Growth of 2.5 per cent.', '😀 emoji text 😀.',
    ];
    const separators = [' ', '\n', '\n\n'];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const counters = [countWords, (s: string) => Math.ceil(s.length / 5), (s: string) => countWords(s) + 2];
    for (let doc = 0; doc < 30; doc++) {
      const parts = Array.from({ length: 5 + random(40) }, () => `${pieces[random(pieces.length)]}${separators[random(3)]}`);
      const text = parts.join('');
      for (const count of counters) {
        for (const max of [4, 9, 25, 80]) {
          for (const overlap of [0, 1] as const) {
            const chunks = chunkText(text, { maxTokens: max, overlapSentences: overlap, countTokens: count });
            expectValidChunks(text, chunks, max, count, overlap === 1);
          }
        }
      }
    }
  });

  it('hard-splits 10,000 words without punctuation within budget', () => {
    const vocab = ['governance', 'internet', 'multistakeholder', 'policy', 'cybersecurity', 'access', 'the', 'of'];
    const text = Array.from({ length: 10_000 }, (_, i) => vocab[(i * 7 + (i >> 3)) % vocab.length]).join(' ');
    const words = chunkText(text, { maxTokens: 200, countTokens: countWords });
    expectValidChunks(text, words, 200, countWords);
    expect(words).toHaveLength(50);
    expect(words.every((c) => c.tokenCount === 200)).toBe(true);
    const wp = chunkText(text, { maxTokens: 200, countTokens: countWordPiece });
    expectValidChunks(text, wp, 200, countWordPiece);
    expect(wp.slice(0, -1).every((c) => c.tokenCount >= 190)).toBe(true);
  });

  it('splits a single 5,000-character token by characters', () => {
    const blob = 'x'.repeat(5_000);
    const byChars = (s: string) => Math.ceil(s.length / 4);
    const chunks = chunkText(blob, { maxTokens: 50, countTokens: byChars });
    expectValidChunks(blob, chunks, 50, byChars);
    // A piece over MAX_WORD_CHARS (100) counts one token per character plus one (101+ > 50), so
    // the longest piece that fits is 100 characters (25 tokens by this counter): 50 pieces.
    expect(chunks).toHaveLength(50);
    expect(chunks.map((c) => c.text).join('')).toBe(blob);

    // WordPiece splits on punctuation, so a space-free run of "ab-" is thousands of tokens.
    const dashed = `Before it. ${'ab-'.repeat(1_700)}ab after it.`;
    const wp = chunkText(dashed, { maxTokens: 60, countTokens: countWordPiece });
    expectValidChunks(dashed, wp, 60, countWordPiece);
    expect(wp.length).toBeGreaterThan(50);
  });

  it('does not split a surrogate pair', () => {
    const text = '😀'.repeat(100);
    const chunks = chunkText(text, { maxTokens: 7, countTokens: (s) => [...s].length });
    expectValidChunks(text, chunks, 7, (s) => [...s].length);
    for (const c of chunks) expect(c.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('repeats exactly the last sentence of the previous chunk with overlap 1', () => {
    const text =
      'First sentence is here. Second sentence follows now. Third one comes next.\n\n' +
      'Fourth sentence starts a paragraph. Fifth sentence ends it. Sixth closes the text.';
    const sentences = sentencesOf(text);
    const chunks = chunkText(text, { maxTokens: 10, overlapSentences: 1, countTokens: countWords });
    expectValidChunks(text, chunks, 10, countWords, true);
    expect(chunks.length).toBeGreaterThan(2);
    for (const [k, c] of chunks.entries()) {
      const next = chunks[k + 1];
      if (!next) break;
      const lastSentence = sentences.find((s) => c.text.endsWith(s));
      expect(lastSentence).toBeDefined();
      expect(next.text.startsWith(`${lastSentence}`)).toBe(true);
      expect(next.start).toBe(c.end - (lastSentence ?? '').length);
    }
    const plain = chunkText(text, { maxTokens: 10, countTokens: countWords });
    expect(plain.length).toBeLessThan(chunks.length);
  });

  it('skips the overlap when the repeated sentence would leave no room', () => {
    const text = 'One two three four five six. Seven eight nine ten eleven twelve.';
    const chunks = chunkText(text, { maxTokens: 8, overlapSentences: 1, countTokens: countWords });
    expectValidChunks(text, chunks, 8, countWords);
    expect(chunks.map((c) => c.text)).toEqual(['One two three four five six.', 'Seven eight nine ten eleven twelve.']);
  });

  it('chunks the real seed speech with WordPiece at 200 and 60 tokens', () => {
    const text = seedText();
    for (const max of [200, 60]) {
      for (const overlap of [0, 1] as const) {
        const chunks = chunkText(text, { maxTokens: max, overlapSentences: overlap, countTokens: countWordPiece });
        expectValidChunks(text, chunks, max, countWordPiece, overlap === 1);
        expect(chunks.length).toBeGreaterThan(max === 200 ? 5 : 20);
        expect(chunks).toEqual(chunkText(text, { maxTokens: max, overlapSentences: overlap, countTokens: countWordPiece }));
        for (const c of chunks) expect(c.text).not.toMatch(/ Dr$| I\.$/);
        const item = '• National security;';
        expect(chunks.some((c) => c.text.includes(item))).toBe(true);
        expect(chunks.some((c) => c.text.includes('Seoul Conference on Cyberspace 2013 Plenary 1'))).toBe(true);
      }
    }
  });

  it('handles a 5 MB document in linear work', () => {
    const para =
      'Mr. Touré said the U.S. delegation agreed, e.g. on access. Security requires cooperation among all states. ' +
      'Is the framework inclusive? It must be!\n\n• One item;\n• Another item.\n\n';
    const text = para.repeat(Math.ceil(5_000_000 / para.length));
    let counted = 0;
    const count = (s: string) => {
      counted += s.length;
      return countWords(s);
    };
    const chunks = chunkText(text, { maxTokens: 200, countTokens: count });
    // Work is measured in characters handed to the token counter, not in seconds.
    expect(counted).toBeLessThan(3 * text.length);
    expect(chunks.at(-1)?.end).toBe(text.trimEnd().length);
    expect(chunks.every((c) => c.tokenCount <= 200)).toBe(true);
  });

  it('hard-splits a 1 MB unpunctuated text in linear work', () => {
    const text = Array.from({ length: 150_000 }, (_, i) => `w${i % 97}`).join(' ');
    let counted = 0;
    const count = (s: string) => {
      counted += s.length;
      return countWords(s);
    };
    const chunks = chunkText(text, { maxTokens: 128, countTokens: count });
    expectValidChunks(text, chunks, 128, countWords);
    expect(counted).toBeLessThan(5 * text.length);
  });
});
