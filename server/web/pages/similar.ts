import { runSimilar } from '../../../app/compare/service.ts';
import { ID_RANGE, parseRowId } from '../../../app/compare/selection.ts';
import { formChoices, type WebDeps } from '../deps.ts';
import { PageError } from '../errors.ts';
import { html, type Html } from '../html.ts';
import { layout, notice, num, page } from '../layout.ts';

const LIMIT = 10;

/** Paste a passage (or come from a chunk): the nearest stored chunks of other sources with their stances. */
export async function similarPage(deps: WebDeps, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const q = (name: string) => query[name]?.find((v) => v.trim() !== '');
  const text = q('text');
  const chunkRaw = q('chunk');
  const scorer = q('scorer');
  const choices = await formChoices(env);
  if (scorer !== undefined && !choices.scorers.includes(scorer)) throw new PageError(400, `unknown or unscored scorer "${scorer}"; scorers with scores: ${choices.scorers.join(', ')}`);
  const chunk = chunkRaw === undefined ? undefined : parseRowId(chunkRaw);
  if (chunkRaw !== undefined && chunk === undefined) throw new PageError(400, `chunk must be ${ID_RANGE}, got "${chunkRaw}"`);
  const form = html`<form class="stack" method="get" action="${page('similar')}">
<label>A passage<textarea name="text" rows="5" cols="90" maxlength="8000">${text ?? ''}</textarea></label>
<label>Stances by <select name="scorer"><option value="">default${choices.defaultScorer ? ` (${choices.defaultScorer})` : ''}</option>${choices.scorers.map((s) => html`<option value="${s}"${s === scorer ? html` selected` : ''}>${s}</option>`)}</select></label>
<p><button type="submit">Find similar passages</button></p></form>`;

  let results: Html = html``;
  if (text !== undefined || chunk !== undefined) {
    if (text !== undefined && chunk !== undefined) throw new PageError(400, 'give a passage or a chunk, not both');
    if (text !== undefined && !env.embedText) throw new PageError(409, 'searching by a pasted passage needs the embedding model, which this server has not loaded');
    const r = await runSimilar(env, { ...(text !== undefined ? { text } : { chunk, otherSources: true }), ...(scorer !== undefined && { scorer }), limit: LIMIT });
    results = html`<h2>Nearest passages${chunk !== undefined ? html` to <a href="${page('documents')}">chunk ${chunk}</a> from other sources` : ''} <small>(stances by ${r.scorer})</small></h2>
${r.passages.length === 0 ? notice('info', 'no stored passages to compare with') : html`<ol class="evidence">${r.passages.map(
      (p) => html`<li><blockquote class="quote">${p.text}</blockquote>
<p class="meta">similarity ${num(p.similarity, 3)} · ${p.source} · <a href="${page(`documents/${p.document_id}`)}#chunk-${p.chunk_id}">${p.title ?? `document ${p.document_id}`}</a></p>
<p class="meta">${Object.entries(p.stances).map(([axis, s]) => html`${axis}: <strong>${s.label}</strong> (score ${num(s.score, 2)}, relevance ${num(s.relevance, 2)}) `)}</p></li>`,
    )}</ol>`}`;
  }
  return layout({ title: 'Similar passages', current: 'similar', body: html`${form}${results}` });
}
