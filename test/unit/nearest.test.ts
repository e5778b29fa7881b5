import { describe, expect, it } from 'vitest';
import { chooseNearest } from '../../app/compare/nearest.ts';
import { readFloat4Array } from '../../app/compare/embedding-index.ts';
import { createRng } from '../../pipeline/stats/random.ts';
import { dotFloat32, float32AsText, TopK } from '../../pipeline/top-k.ts';

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
