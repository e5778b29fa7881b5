import { axisLabels, type EvalAxis } from './axis.ts';
import type { GoldItem } from './gold-set.ts';
import { cohenKappa } from './metrics/kappa.ts';
import { krippendorffAlphaNominal } from './metrics/krippendorff.ts';

/** Agreement of two taggings on one axis over the ids both tagged; null where undefined. */
export interface AxisAgreement {
  n: number;
  /** Share of items with the same label. */
  observed: number | null;
  kappa: number | null;
  alpha: number | null;
}

/** One item two taggings label differently on one axis. */
export interface Disagreement {
  id: string;
  axis: string;
  a: string;
  b: string;
  /** The start of the passage (tagging A's text), to recognise it by. */
  excerpt: string;
}

/** Everything `stance eval agreement` reports. */
export interface AgreementReport {
  n_a: number;
  n_b: number;
  n_common: number;
  only_in_a: string[];
  only_in_b: string[];
  /** Ids whose text differs between the files: the taggers may not have read the same passage. */
  text_differs: string[];
  axes: Record<string, AxisAgreement>;
  disagreements: Disagreement[];
}

/** Passage start of at most `max` characters on one line, with an ellipsis when cut. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Compares two taggings of the same passages (matched by id, in tagging A's order): per axis
 * Cohen's kappa and Krippendorff's alpha (nominal, two coders) over the ids both files hold,
 * the ids only one holds, and every (item, axis) on which they differ.
 */
export function compareTaggings(a: readonly GoldItem[], b: readonly GoldItem[], axes: readonly EvalAxis[]): AgreementReport {
  const byIdB = new Map(b.map((item) => [item.id, item] as const));
  const idsA = new Set(a.map((item) => item.id));
  const pairs = a.flatMap((item) => {
    const other = byIdB.get(item.id);
    return other === undefined ? [] : [[item, other] as const];
  });
  const report: AgreementReport = {
    n_a: a.length,
    n_b: b.length,
    n_common: pairs.length,
    only_in_a: a.filter((item) => !byIdB.has(item.id)).map((item) => item.id),
    only_in_b: b.filter((item) => !idsA.has(item.id)).map((item) => item.id),
    text_differs: pairs.filter(([x, y]) => x.text.replace(/\s+/g, ' ').trim() !== y.text.replace(/\s+/g, ' ').trim()).map(([x]) => x.id),
    axes: {},
    disagreements: [],
  };
  for (const axis of axes) {
    const labels = axisLabels(axis);
    const labelsA = pairs.map(([x]) => labelOf(x, axis.slug));
    const labelsB = pairs.map(([, y]) => labelOf(y, axis.slug));
    const same = labelsA.filter((label, i) => label === labelsB[i]).length;
    report.axes[axis.slug] = {
      n: pairs.length,
      observed: pairs.length === 0 ? null : same / pairs.length,
      kappa: finiteOrNull(cohenKappa(labelsA, labelsB, labels)),
      alpha: finiteOrNull(krippendorffAlphaNominal(labelsA, labelsB)),
    };
    pairs.forEach(([x], i) => {
      const la = labelsA[i] as string;
      const lb = labelsB[i] as string;
      if (la !== lb) report.disagreements.push({ id: x.id, axis: axis.slug, a: la, b: lb, excerpt: excerpt(x.text) });
    });
  }
  return report;
}

function labelOf(item: GoldItem, slug: string): string {
  const label = Object.hasOwn(item.labels, slug) ? item.labels[slug] : undefined;
  if (label === undefined) throw new Error(`item ${item.id} (line ${item.line}) has no label for axis ${slug}`);
  return label;
}
