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

/**
 * Progress of a counted loop (`stance rescore`) on stderr: one redrawn line on a terminal; in a log
 * (not a TTY) a line at each tenth of the work and at the end, never one per batch.
 */
export function stepProgress(verb: string, unit: string, stream: NodeJS.WriteStream = process.stderr): { update: (done: number, total: number) => void; done: () => void } {
  let lastStep = -1;
  let drawn = false;
  return {
    update: (done, total) => {
      if (stream.isTTY) {
        stream.write(`\r${verb} ${done}/${total} ${unit}`);
        drawn = true;
        return;
      }
      const step = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (step === lastStep) return;
      lastStep = step;
      stream.write(`${verb} ${done}/${total} ${unit}\n`);
    },
    // Ends the redrawn line so the next message starts on its own.
    done: () => {
      if (drawn) stream.write('\n');
    },
  };
}
