import { statSync } from 'node:fs';
import { z } from 'zod';
import { loadThresholdProfile, scorerSettings } from '../../../app/eval-threshold-profiles.ts';
import {
  disagreements,
  goldSetFiles,
  readGoldSet,
  readReviewerLabels,
  recordReviewerLabel,
  reviewerFile,
  reviewScorers,
  ReviewInputError,
  scoreItems,
  type Disagreement,
  type ReviewEnv,
} from '../../../app/label-review.ts';
import type { ScoreRow } from '../../../app/scorers/types.ts';
import { axisLabels } from '../../../eval/axis.ts';
import { toEvalAxis } from '../../../app/eval-run.ts';
import { GoldSetError, type GoldItem } from '../../../eval/gold-set.ts';
import { loadLexiconFile } from '../../../pipeline/lexicon/load.ts';
import type { WebDeps } from '../deps.ts';
import { PageError } from '../errors.ts';
import { html, type Html } from '../html.ts';
import { layout, link, num, page, selectField } from '../layout.ts';

const PAGE_SIZE = 25;
const DEFAULT_SET = 'gold.jsonl';

/** Scores of gold sets by scorer, kept while the file is unchanged (scoring 373 items takes a moment). */
export class ReviewCache {
  private readonly entries = new Map<string, ScoreRow[][]>();
  async scores(env: ReviewEnv, file: string, scorer: string, items: readonly GoldItem[]): Promise<ScoreRow[][]> {
    const st = statSync(file);
    const key = `${file}\u0000${st.mtimeMs}\u0000${st.size}\u0000${scorer}`;
    let hit = this.entries.get(key);
    if (!hit) {
      hit = await scoreItems(env, scorer, items);
      this.entries.set(key, hit);
    }
    return hit;
  }
}

async function reviewEnv(deps: WebDeps): Promise<ReviewEnv> {
  const { env } = deps;
  const lexicon = loadLexiconFile(env.config.lexiconFile);
  const profileName = env.config.thresholdProfile;
  const profile = profileName === undefined ? undefined : await loadThresholdProfile(env.db, profileName);
  return { db: env.db, axes: env.axes, config: env.config, lexicon, settings: (name) => scorerSettings(name, env.axes, lexicon, profile) };
}

function loadSet(deps: WebDeps, name: string) {
  try {
    return readGoldSet(deps.goldDir, name, goldSetFiles(deps.goldDir), deps.env.axes);
  } catch (err) {
    if (err instanceof ReviewInputError || err instanceof GoldSetError) throw new PageError(400, err.message);
    throw err;
  }
}

/** The items where a scorer and a gold set disagree, with every scorer's labels, and a form per item for the reviewer's own labels. */
export async function reviewPage(deps: WebDeps, cache: ReviewCache, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const q = (name: string) => query[name]?.find((v) => v.trim() !== '')?.trim();
  const sets = goldSetFiles(deps.goldDir);
  const scorers = await reviewScorers(env.db);
  const setName = q('set') ?? (sets.includes(DEFAULT_SET) ? DEFAULT_SET : sets[0]);
  const scorer = q('scorer') ?? scorers.find((s) => s.startsWith('trained:')) ?? scorers[0];
  const axis = q('axis');
  const gold = q('gold');
  const predicted = q('predicted');
  const reviewer = q('reviewer');
  const offset = Math.max(0, Math.floor(Number(q('offset') ?? 0)) || 0);
  if (axis !== undefined && !env.axes.some((a) => a.slug === axis)) throw new PageError(400, `unknown axis "${axis}"; the axes are ${env.axes.map((a) => a.slug).join(', ')}`);
  if (setName === undefined) throw new PageError(409, `no gold sets (*.jsonl) in ${deps.goldDir} (STANCE_GOLD_DIR)`);
  if (scorer === undefined) throw new PageError(409, 'no scorer that needs no pretrained model is known');
  if (!scorers.includes(scorer)) throw new PageError(400, `the review scores with scorers that need no pretrained model: ${scorers.join(', ')}; got "${scorer}"`);
  const labelChoices = axis !== undefined ? axisLabels(toEvalAxis(env.axes.find((a) => a.slug === axis) as (typeof env.axes)[number])) : [...new Set(env.axes.flatMap((a) => axisLabels(toEvalAxis(a))))];

  const set = loadSet(deps, setName);
  const renv = await reviewEnv(deps);
  const scores: Record<string, ScoreRow[][]> = {};
  try {
    for (const name of scorers) scores[name] = await cache.scores(renv, set.file, name, set.items);
  } catch (err) {
    if (err instanceof ReviewInputError) throw new PageError(400, err.message);
    throw err;
  }
  const found = disagreements(env.axes, set.items, scores, scorer, { ...(axis !== undefined && { axis }), ...(gold !== undefined && { gold }), ...(predicted !== undefined && { predicted }) });
  let reviewed = new Map<string, { labels: Record<string, string>; note?: string }>();
  let taggingFile: string | undefined;
  if (reviewer !== undefined) {
    try {
      taggingFile = reviewerFile(deps.reviewDir, setName, reviewer);
    } catch (err) {
      if (err instanceof ReviewInputError) throw new PageError(400, err.message);
      throw err;
    }
    reviewed = readReviewerLabels(taggingFile);
  }
  const shown = found.slice(offset, offset + PAGE_SIZE);
  const params = { set: setName, scorer, axis, gold, predicted, reviewer };

  const body = html`<form class="filters" method="get" action="${page('review')}" data-autosubmit>
<label>Gold set ${selectField('set', sets, setName)}</label>
<label>Scorer ${selectField('scorer', scorers, scorer)}</label>
<label>Axis ${selectField('axis', env.axes.map((a) => a.slug), axis, 'all axes')}</label>
<label>Gold label ${selectField('gold', labelChoices, gold, 'any')}</label>
<label>Scorer label ${selectField('predicted', labelChoices, predicted, 'any')}</label>
<label>Reviewer <input name="reviewer" id="reviewer" value="${reviewer ?? ''}" size="14" pattern="[A-Za-z0-9][A-Za-z0-9_-]{0,39}" placeholder="your name"></label>
<button type="submit">Apply</button></form>
${deps.apiToken === undefined ? '' : html`<p><label>API token (STANCE_API_TOKEN; kept in this tab only) <input id="review-token" type="password" autocomplete="off" size="24"></label></p>`}
<p>${found.length} of ${set.items.length} items where <strong>${scorer}</strong> and <strong>${setName}</strong> disagree${axis ? html` on ${axis}` : ''}. Scores are computed here as <code>stance eval</code> computes them (nothing stored).
${taggingFile ? html` Your labels go to <code>${taggingFile}</code> (${reviewed.size} item(s) so far); compare with <code>stance eval agreement ${set.file} ${taggingFile}</code>.` : html` Enter a reviewer name to record your own labels.`}</p>
${shown.map((d) => itemView(d, env.axes, scorer, reviewed.get(d.item.id), setName, reviewer))}
<div class="pager">${offset > 0 ? html`<a href="${link('review', { ...params, offset: Math.max(0, offset - PAGE_SIZE) })}">← previous</a>` : ''}<span>${found.length === 0 ? 'no disagreements' : `${offset + 1}–${Math.min(offset + PAGE_SIZE, found.length)} of ${found.length}`}</span>${
    offset + PAGE_SIZE < found.length ? html`<a href="${link('review', { ...params, offset: offset + PAGE_SIZE })}">next →</a>` : ''
  }</div>`;
  return layout({ title: 'Label review', current: 'review', body, scripts: ['filters.js', 'review.js'] });
}

function itemView(d: Disagreement, axes: WebDeps['env']['axes'], scorer: string, mine: { labels: Record<string, string>; note?: string } | undefined, setName: string, reviewer: string | undefined): Html {
  const { item } = d;
  const scorerNames = Object.keys(d.views);
  return html`<article class="item" data-id="${item.id}" data-axes="${d.axes.join(' ')}">
<h2>${item.id} <small>${item.source}${item.doc ? ` · ${item.doc}` : ''} · ${item.split}</small></h2>
<p class="text">${item.text}</p>
<p>Disagree on ${d.axes.map((a) => html`<strong>${a}</strong> (gold <span class="gold-label" data-axis="${a}">${item.labels[a] ?? ''}</span>, ${scorer} <span class="scorer-label" data-axis="${a}">${d.views[scorer]?.[a]?.label ?? ''}</span>) `)}</p>
${item.note ? html`<p class="meta">gold note: ${item.note}</p>` : ''}
<table class="data compact"><thead><tr><th scope="col">scorer</th>${axes.map((a) => html`<th scope="col">${a.slug}${d.axes.includes(a.slug) ? ' ✱' : ''}</th>`)}</tr></thead><tbody>
<tr><th scope="row">gold</th>${axes.map((a) => html`<td><strong>${item.labels[a.slug] ?? ''}</strong></td>`)}</tr>
${scorerNames.map(
    (s) => html`<tr${s === scorer ? html` class="selected"` : ''}><th scope="row">${s}</th>${axes.map((a) => {
      const v = d.views[s]?.[a.slug];
      return html`<td>${v ? html`<strong>${v.label}</strong><br><small>${Object.entries(v.probabilities).map(([l, p]) => `${l} ${num(p, 2)}`).join(' · ')}</small>` : '–'}</td>`;
    })}</tr>`,
  )}</tbody></table>
${reviewer === undefined ? '' : html`<form class="review-label panel" data-set="${setName}" data-id="${item.id}" data-reviewer="${reviewer}">
${axes.map((a) => html`<label>${a.slug} <select name="${a.slug}" required><option value="">choose…</option>${axisLabels(toEvalAxis(a)).map((l) => html`<option value="${l}"${mine?.labels[a.slug] === l ? html` selected` : ''}>${l}</option>`)}</select></label>`)}
<label>Note <input name="note" size="40" value="${mine?.note ?? ''}"></label>
<button type="submit">Save my label</button> <span class="saved" role="status" aria-live="polite">${mine ? 'saved earlier' : ''}</span></form>`}
</article>`;
}

/** The body of POST /ui/review/labels. */
const labelBody = z.strictObject({
  set: z.string().min(1),
  id: z.string().min(1),
  reviewer: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  note: z.string().max(2000).optional(),
});

/** Records a reviewer's labels of one item into their tagging file; answers where it went. */
export function saveReviewLabel(deps: WebDeps, raw: unknown): { file: string; id: string; labels: Record<string, string> } {
  const body = labelBody.safeParse(raw);
  if (!body.success) throw new PageError(400, `invalid label: ${body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  const { set: setName, id, reviewer, labels, note } = body.data;
  const set = loadSet(deps, setName);
  const item = set.items.find((i) => i.id === id);
  if (!item) throw new PageError(404, `item "${id}" is not in ${setName}`);
  try {
    const file = reviewerFile(deps.reviewDir, setName, reviewer);
    recordReviewerLabel({ file, goldFile: set.file, item, axes: deps.env.axes, labels, ...(note !== undefined && { note }) });
    return { file, id, labels };
  } catch (err) {
    if (err instanceof ReviewInputError) throw new PageError(400, err.message);
    throw err;
  }
}
