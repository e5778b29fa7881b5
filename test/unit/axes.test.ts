import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { axisLabels, AxisError, axisVersion, parseAxes, poleIndex, selectAxes } from '../../pipeline/axes.ts';
import { DEFAULT_AXES_FILE, loadAxesFile } from '../../pipeline/load-axes.ts';

const base = () => JSON.parse(readFileSync(DEFAULT_AXES_FILE, 'utf8')) as { axes: Record<string, unknown>[] };

describe('axis definitions', () => {
  it('loads the two default axes with their poles', () => {
    const axes = loadAxesFile();
    expect(axes.map((a) => [a.slug, a.poles[0].slug, a.poles[1].slug])).toEqual([
      ['sovereignty_multistakeholder', 'sovereignty', 'multistakeholder'],
      ['security_rights', 'security', 'rights'],
    ]);
    expect(axisLabels(axes[0]!)).toEqual(['sovereignty', 'multistakeholder', 'neutral', 'irrelevant']);
    for (const a of axes) expect(a.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('versions change with the definition and not with key order', () => {
    const [a] = parseAxes(base(), 'f.json');
    const changed = base();
    (changed.axes[0] as { thresholds: { margin: number } }).thresholds.margin = 0.3;
    expect(parseAxes(changed, 'f.json')[0]?.version).not.toBe(a?.version);
    const reordered = base();
    reordered.axes[0] = Object.fromEntries(Object.entries(reordered.axes[0]!).reverse());
    expect(parseAxes(reordered, 'f.json')[0]?.version).toBe(a?.version);
    expect(axisVersion(a!)).toBe(a?.version);
  });

  it('rejects a duplicate slug, naming it', () => {
    const data = base();
    data.axes.push({ ...data.axes[0] });
    expect(() => parseAxes(data, 'axes.json')).toThrow(AxisError);
    expect(() => parseAxes(data, 'axes.json')).toThrow(/axes\.json: .*axes\[2\] \(sovereignty_multistakeholder\)\.slug: duplicate axis slug "sovereignty_multistakeholder"/s);
  });

  it('rejects empty hypotheses with the path of the pole', () => {
    const data = base();
    (data.axes[1] as { poles: { hypotheses: string[] }[] }).poles[0]!.hypotheses = [];
    expect(() => parseAxes(data, 'axes.json')).toThrow(/axes\[1\] \(security_rights\)\.poles\[0\] \(security\)\.hypotheses: needs at least one hypothesis/);
    (data.axes[1] as { poles: { hypotheses: string[] }[] }).poles[0]!.hypotheses = ['  '];
    expect(() => parseAxes(data, 'axes.json')).toThrow(/hypotheses must not be empty strings/);
  });

  it('rejects a third pole, two poles of one name and a reserved pole name', () => {
    const three = base();
    const poles = (three.axes[0] as { poles: unknown[] }).poles;
    poles.push(poles[0]);
    expect(() => parseAxes(three, 'a.json')).toThrow(/exactly two poles/);
    const same = base();
    const p = (same.axes[0] as { poles: { slug: string }[] }).poles;
    p[1]!.slug = p[0]!.slug;
    expect(() => parseAxes(same, 'a.json')).toThrow(/both poles are called "sovereignty"/);
    const reserved = base();
    (reserved.axes[0] as { poles: { slug: string }[] }).poles[0]!.slug = 'neutral';
    expect(() => parseAxes(reserved, 'a.json')).toThrow(/reserved labels/);
  });

  it('names unknown axes and unknown poles with what is known', () => {
    const axes = loadAxesFile();
    expect(() => selectAxes(axes, ['privacy'])).toThrow(/unknown axis "privacy"; known axes: sovereignty_multistakeholder, security_rights/);
    expect(() => poleIndex(axes[1]!, 'freedom')).toThrow(/unknown pole "freedom" for axis security_rights; its poles are security and rights/);
    expect(poleIndex(axes[1]!, 'rights')).toBe(1);
  });

  it('rejects a misspelt key instead of ignoring it', () => {
    const data = base();
    (data.axes[0] as Record<string, unknown>).relevence = { hypotheses: ['x'] };
    expect(() => parseAxes(data, 'a.json')).toThrow(/axes\[0\] \(sovereignty_multistakeholder\).*relevence/s);
  });

  it('explains an unreadable or invalid file', () => {
    expect(() => loadAxesFile('/nonexistent/axes.json')).toThrow(/cannot read the axes file \/nonexistent\/axes\.json.*STANCE_AXES_FILE/);
    expect(() => parseAxes({ axes: [] }, 'a.json')).toThrow(/the file defines no axes/);
  });
});
