import type { InlineProgress } from '../app/run-inline.ts';

/**
 * Progress of an inline run on stderr: a redrawn bar on a terminal, a plain line per document
 * otherwise (logs and CI keep readable output).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update: (p: InlineProgress) => void; done: () => void } {
  let lastDocs = -1;
  if (!stream.isTTY) {
    return {
      update: (p) => {
        if (p.documentsDone === lastDocs) return;
        lastDocs = p.documentsDone;
        stream.write(`processed ${p.documentsDone}/${p.documentsTotal} documents, ${p.chunksDone}/${p.chunksTotal} chunks\n`);
      },
      done: () => {},
    };
  }
  return {
    update: (p) => {
      const width = 24;
      const frac = p.chunksTotal ? p.chunksDone / p.chunksTotal : 0;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      stream.write(`\r[${bar}] documents ${p.documentsDone}/${p.documentsTotal}  chunks ${p.chunksDone}/${p.chunksTotal}  ${p.current ?? ''}   `);
    },
    done: () => stream.write('\n'),
  };
}
