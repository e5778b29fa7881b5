import { describe, expect, it } from 'vitest';
import { chooseNearest } from '../../app/compare/nearest.ts';
import { readFloat4Array } from '../../app/compare/embedding-index.ts';
import { createRng } from '../../pipeline/stats/random.ts';
import { dotFloat32, float32AsText, nearestRows, TopK, type RowMatrix } from '../../pipeline/top-k.ts';

describe('chooseNearest', () => {
  it('uses pgvector in a server only where it is installed, else memory; the CLI always scans in SQL', () => {
    expect(chooseNearest('installed', true)).toBe('pgvector');
    expect(chooseNearest('available', true)).toBe('memory');
    expect(chooseNearest('absent', true)).toBe('memory');
    for (const s of ['installed', 'available', 'absent'] as const) expect(chooseNearest(s, false)).toBe('sql');
  });
});

describe('TopK', () => {
  it('keeps the k best, best first, ties by lower id, as a full sort would', () => {
    const rng = createRng(3);
    const items = Array.from({ length: 500 }, (_, id) => ({ id, score: Math.round(rng.next() * 50) / 50 }));
    const top = new TopK(17);
    for (const it of [...items].reverse()) top.offer(it.id, it.score);
    const expected = [...items].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 17);
    expect(top.sorted()).toEqual(expected);
  });
  it('returns fewer than k when fewer were offered, and nothing for k = 0', () => {
    const top = new TopK(5);
    top.offer(2, 0.1);
    top.offer(1, 0.1);
    expect(top.sorted()).toEqual([{ id: 1, score: 0.1 }, { id: 2, score: 0.1 }]);
    const none = new TopK(0);
    none.offer(1, 1);
    expect(none.sorted()).toEqual([]);
  });
});

describe('float32 arithmetic of the in-memory scan', () => {
  it('rounds every product and partial sum to float32', () => {
    const m = Float32Array.from([0.1, 0.2, 0.3, 1e-8, 1, 1]);
    const q = Float32Array.from([0.3, 0.7, 0.9]);
    let expected = 0;
    for (let j = 0; j < 3; j++) expected = Math.fround(expected + Math.fround(m[j]! * q[j]!));
    expect(dotFloat32(m, 0, 3, q)).toBe(expected);
    // 1e-8 is below half a float32 ulp of 1: a float32 sum drops it.
    expect(dotFloat32(m, 1, 3, Float32Array.from([1, 1, 1]))).toBe(2);
  });
  it('reports a float32 as its shortest decimal, as Postgres prints a real', () => {
    expect(float32AsText(Math.fround(0.1))).toBe(0.1);
    expect(float32AsText(Math.fround(-0.73))).toBe(-0.73);
    expect(float32AsText(Math.fround(1 / 3))).toBe(0.33333334);
    expect(float32AsText(0)).toBe(0);
  });
  it('reads Postgres binary real[] (array_send)', () => {
    const values = [0.5, -2, Math.fround(0.1)];
    const buf = Buffer.alloc(20 + values.length * 8);
    buf.writeInt32BE(1, 0); // dimensions
    buf.writeInt32BE(0, 4); // no nulls
    buf.writeInt32BE(700, 8); // float4
    buf.writeInt32BE(values.length, 12);
    buf.writeInt32BE(1, 16); // lower bound
    values.forEach((v, i) => {
      buf.writeInt32BE(4, 20 + i * 8);
      buf.writeFloatBE(v, 24 + i * 8);
    });
    expect(Array.from(readFloat4Array(buf))).toEqual(values);
  });
});

describe('nearestRows: the two-pass scan of stance serve', () => {
  // What it must equal: every included row scored with the float32 dot, into one TopK.
  const bruteForce = (m: RowMatrix, q: Float32Array, k: number, include: (i: number) => boolean) => {
    const top = new TopK(k);
    for (let i = 0; i < m.size; i++) if (include(i)) top.offer(m.ids[i]!, dotFloat32(m.data, i, m.dim, q));
    return top.sorted();
  };
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const matrix = (rows: number[][], ids = rows.map((_, i) => 1000 + i)): RowMatrix => ({
    data: Float32Array.from(rows.flat()),
    dim: rows[0]!.length,
    size: rows.length,
    ids: Int32Array.from(ids),
  });
  const maxNorm = (m: RowMatrix) => {
    let max = 0;
    for (let i = 0; i < m.size; i++) {
      let s = 0;
      for (let j = 0; j < m.dim; j++) s += m.data[i * m.dim + j]! ** 2;
      max = Math.max(max, Math.sqrt(s));
    }
    return max;
  };

  it('returns what scoring every row in float32 returns, on random unit vectors, with rows skipped', () => {
    const rng = createRng(11);
    const dim = 384;
    const rows = Array.from({ length: 2000 }, () => unit(Array.from({ length: dim }, () => rng.next() - 0.5)));
    const m = matrix(rows);
    for (let t = 0; t < 8; t++) {
      const q = Float32Array.from(unit(Array.from({ length: dim }, () => rng.next() - 0.5)));
      const skipped = new Set(Array.from({ length: 300 }, () => Math.floor(rng.next() * m.size)));
      const include = (i: number) => !skipped.has(i);
      for (const k of [1, 10, 100]) expect(nearestRows(m, q, k, maxNorm(m), include)).toEqual(bruteForce(m, q, k, include));
    }
  });

  it('keeps rows whose float32 dot beats the k-th although their double dot does not (near-ties a few ulps apart)', () => {
    // 400 copies of one vector, each with one component moved by a few float32 ulps: their dots
    // with the query differ in the last bits, where the float32 and double orders disagree.
    const rng = createRng(5);
    const dim = 64;
    const base = unit(Array.from({ length: dim }, () => rng.next() - 0.5));
    const rows = Array.from({ length: 400 }, (_, i) => base.map((x, j) => (j === i % dim ? x * (1 + (rng.next() - 0.5) * 4e-7) : x)));
    const m = matrix(rows);
    const q = Float32Array.from(base);
    const all = () => true;
    let orderDiffers = false;
    const exact = Array.from({ length: m.size }, (_, i) => dotFloat32(m.data, i, dim, q));
    const double = rows.map((r) => r.reduce((s, x, j) => s + Math.fround(x) * q[j]!, 0));
    for (let i = 1; i < m.size && !orderDiffers; i++) orderDiffers = Math.sign(exact[i]! - exact[0]!) !== Math.sign(double[i]! - double[0]!);
    expect(orderDiffers).toBe(true); // the case is real: a one-pass double scan would rank these rows otherwise
    for (const k of [1, 7, 50]) expect(nearestRows(m, q, k, maxNorm(m), all)).toEqual(bruteForce(m, q, k, all));
  });

  it('scores every row exactly when k reaches the row count, a row holds NaN, or nothing is asked', () => {
    const m = matrix([unit([1, 2, 3, 4]), unit([4, 3, 2, 1]), [Number.NaN, 0, 0, 0], unit([1, 1, 1, 1])]);
    const q = Float32Array.from(unit([1, 2, 2, 1]));
    const all = () => true;
    expect(nearestRows(m, q, 10, maxNorm(m), all)).toEqual(bruteForce(m, q, 10, all));
    expect(nearestRows(m, q, 2, Number.NaN, all)).toEqual(bruteForce(m, q, 2, all));
    // A bound that leaves out the NaN row (a caller's slip) still cuts nothing.
    expect(nearestRows(m, q, 2, 1, all)).toEqual(bruteForce(m, q, 2, all));
    expect(nearestRows(m, q, 0, maxNorm(m), all)).toEqual([]);
  });
});
