// Builds eval/gold.jsonl (v2) from annotator 1's v2 tagging and the adjudication of every
// disagreement with the blind annotator 2: the adjudicated label wins, and its one-line reason is
// appended to the note so the gold file says why. Run: node eval/taggings/build-gold.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const readJsonl = (name) =>
  readFileSync(new URL(name, here), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

// The gold file's style since v1: one object a line, `", "` and `": "` between fields.
const spaced = (value) =>
  value !== null && typeof value === 'object'
    ? `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${spaced(v)}`).join(', ')}}`
    : JSON.stringify(value);

const items = readJsonl('annotator1-v2.jsonl');
const byId = new Map(items.map((i) => [i.id, i]));
for (const a of readJsonl('adjudication.jsonl')) {
  const item = byId.get(a.id);
  if (!item) throw new Error(`adjudication names unknown item ${a.id}`);
  if (item.labels[a.axis] !== a.annotator1) throw new Error(`${a.id} ${a.axis}: annotator 1 label is ${item.labels[a.axis]}, adjudication says ${a.annotator1}`);
  item.labels[a.axis] = a.final;
  item.note = `${item.note} Adjudicated ${a.axis} (annotator 1 ${a.annotator1}, annotator 2 ${a.annotator2}): ${a.reason}`;
}
const out = items
  .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  .map(({ id, text, source, doc, labels, split, note }) => spaced({ id, text, source, doc, labels, split, note }))
  .join('\n');
writeFileSync(new URL('../gold.jsonl', here), `${out}\n`);
console.log(`wrote eval/gold.jsonl: ${items.length} items`);
