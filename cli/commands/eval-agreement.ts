import type { Command } from 'commander';
import { toEvalAxis } from '../../app/eval-run.ts';
import { loadConfig } from '../../config/config.ts';
import { compareTaggings, type AgreementReport } from '../../eval/agreement.ts';
import { formatTable, printJson, say } from '../output.ts';
import { configuredAxes } from '../runtime.ts';
import { evalAction, fmt, readGoldSetFile } from './eval-shared.ts';

/** `stance eval agreement A B`: inter-annotator agreement of two taggings of the same items. */
export function registerEvalAgreement(evalCommand: Command): void {
  evalCommand
    .command('agreement')
    .description("compare two evaluators' taggings of the same items (matched by id): per axis Cohen's kappa and Krippendorff's alpha, and the items they disagree on")
    .argument('<a>', 'tagging A (gold-set JSON Lines)')
    .argument('<b>', 'tagging B (gold-set JSON Lines)')
    .option('--json', 'print the comparison as JSON')
    .action(
      evalAction(async (fileA: string, fileB: string, _flags: unknown, command: Command) => {
        const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
        const axes = configuredAxes(loadConfig()).map(toEvalAxis);
        const a = readGoldSetFile(fileA, axes);
        const b = readGoldSetFile(fileB, axes);
        for (const [set, warning] of [a, b].flatMap((f) => f.warnings.map((w) => [f, w] as const))) say(`warning: ${set.file}: ${warning}`);
        const report = compareTaggings(a.items, b.items, axes);
        if (json) printJson({ a: { file: a.file, sha256: a.hash }, b: { file: b.file, sha256: b.hash }, ...report });
        else process.stdout.write(textReport(a.file, b.file, report));
      }),
    );
}

function textReport(fileA: string, fileB: string, r: AgreementReport): string {
  const lines = [`A = ${fileA} (${r.n_a} item(s)); B = ${fileB} (${r.n_b} item(s)); ${r.n_common} id(s) in both`];
  if (r.only_in_a.length > 0) lines.push(`only in A (${r.only_in_a.length}, not compared): ${r.only_in_a.join(', ')}`);
  if (r.only_in_b.length > 0) lines.push(`only in B (${r.only_in_b.length}, not compared): ${r.only_in_b.join(', ')}`);
  if (r.text_differs.length > 0) lines.push(`warning: the text differs between A and B for ${r.text_differs.length} id(s): ${r.text_differs.join(', ')}`);
  lines.push(
    '',
    formatTable(
      ['axis', 'n', 'agreement', "Cohen's kappa", "Krippendorff's alpha"],
      Object.entries(r.axes).map(([slug, x]) => [slug, x.n, fmt(x.observed), fmt(x.kappa), fmt(x.alpha)]),
    ),
    '',
    'n/a: undefined for these data (no common items, or one label used throughout).',
    '',
  );
  if (r.disagreements.length === 0) {
    lines.push('No disagreements.');
  } else {
    lines.push(
      `Disagreements (${r.disagreements.length}):`,
      formatTable(
        ['id', 'axis', 'A', 'B', 'text'],
        r.disagreements.map((d) => [d.id, d.axis, d.a, d.b, d.excerpt]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
