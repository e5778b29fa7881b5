import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { furnitureRuleFor, removeFurniture } from '../../pipeline/furniture.ts';
import { normalizeText } from '../../pipeline/normalize.ts';
import { prepareDocument } from '../../pipeline/prepare-document.ts';
import { SEEDS_DIR } from '../helpers/paths.ts';

const seed = (name: string) => readFileSync(join(SEEDS_DIR, name));
const prepared = (name: string) => {
  const r = prepareDocument(seed(name), name, 5_000_000);
  if (!r.ok) throw new Error(r.rejection.message);
  return r.document;
};

// Sentences of a raw text: split after . ! ? followed by space, after normalizing spaces.
const sentences = (text: string) =>
  normalizeText(text)
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .filter((s) => s.split(' ').length >= 4);

describe('page furniture rules on the seed corpus', () => {
  it('removes the navigation, breadcrumb and footer lines of the ITU themes page', () => {
    const doc = prepared('000_8ffdb135bb5886fa.txt');
    for (const gone of [
      'Print Version',
      'ITU Home Page',
      'Home : Office of the Secretary-General',
      '| Home | Main WSIS site |',
      'Français | Español',
      'WSIS Home',
      'Top - Feedback - Contact Us - Copyright',
      'All Rights Reserved',
      'Contact for this page',
      'Updated : 2011-04-04',
    ]) {
      expect(doc.text).not.toContain(gone);
    }
    expect(doc.text.startsWith('ICTs in support of human rights, democracy and good governance')).toBe(true);
    expect(doc.text).toContain('The common ground upon which information and communication technologies (ICTs) and human rights');
  });

  it('removes the WSIS message page footer and menu but keeps the signature', () => {
    const doc = prepared('001_d8a4bdd5ded1367b.txt');
    expect(doc.text).not.toContain('basic information | first phase');
    expect(doc.text).not.toContain('Copyright');
    expect(doc.text).not.toContain('Privacy Notices');
    expect(doc.text).not.toContain('WSIS Logo');
    expect(doc.text).toContain('Mr. Yoshio Utsumi');
  });

  it('removes the share and comment furniture of the Prensa Latina report', () => {
    const doc = prepared('004_45e2fcef61b369ec.txt');
    for (const gone of ['Share it', 'Leave a Comment', 'Your email address will not be published', 'Translated by']) {
      expect(doc.text).not.toContain(gone);
    }
    expect(doc.text).toContain('Internet governance in a peaceful and safe way');
  });

  it('keeps every sentence of the Seoul speech intact', () => {
    const raw = seed('002_0851200495761f3a.txt').toString('utf8');
    const doc = prepared('002_0851200495761f3a.txt');
    const all = sentences(raw);
    expect(all.length).toBeGreaterThan(40);
    for (const s of all) expect(doc.text).toContain(s);
    expect(doc.removed).toEqual([]);
  });

  it('removes no sentence of any seed or corpus document', () => {
    for (const dir of [SEEDS_DIR, join(SEEDS_DIR, 'corpus')]) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
        const raw = readFileSync(join(dir, f), 'utf8');
        const { removed } = removeFurniture(normalizeText(raw));
        for (const r of removed) {
          // A removed line is never a sentence of eight or more words.
          expect(r.line.split(' ').length < 8 || !/[.!?]$/.test(r.line), `${f}: ${r.line}`).toBe(true);
        }
      }
    }
  });
});

describe('furnitureRuleFor', () => {
  it.each([
    ['Print Version', 'ui-label'],
    ['Share it / Compartir:', 'ui-label'],
    ['Updated : 2011-04-04', 'page-stamp'],
    ['Top - Copyright © WSIS 2024 All Rights Reserved - Logo Policy', 'copyright'],
    ['About | Contact | Jobs', 'navigation-bar'],
    ['Home > News > 2013', 'breadcrumb'],
    ['•', 'no-text'],
  ])('marks %j as %s', (line, rule) => {
    expect(furnitureRuleFor(line)?.name).toBe(rule);
  });

  it.each([
    'Copyright law must respect the rights of authors and of the public in every country.',
    'All stakeholders | governments, industry and civil society | must take part in this work together.',
    'Share the benefits of ICTs with all.',
    'Top priorities',
    '[...]',
    'Mr. Yoshio Utsumi',
    'National security;',
  ])('keeps body text %j', (line) => {
    expect(furnitureRuleFor(line)).toBeUndefined();
  });
});
