import type { MapGroup } from '../../pipeline/map-svg.ts';
import type { Comparison } from './compare.ts';

/**
 * The groups of two comparisons (x axis, y axis) as map points: every group of either, with its
 * position and interval on each axis (null where it has none), and the smaller relevant count.
 */
export function mapGroups(cx: Comparison, cy: Comparison): MapGroup[] {
  const keys = [...new Set([...cx.groups.map((g) => g.key), ...cy.groups.map((g) => g.key)])];
  return keys.map((key) => {
    const gx = cx.groups.find((g) => g.key === key);
    const gy = cy.groups.find((g) => g.key === key);
    return {
      key,
      x: { position: gx?.position ?? null, ci: gx?.ci ?? null },
      y: { position: gy?.position ?? null, ci: gy?.ci ?? null },
      n_relevant: Math.min(gx?.n_relevant ?? 0, gy?.n_relevant ?? 0),
    };
  });
}
