import { describe, expect, it } from 'vitest';
import { highlightTerms, matchedTerms } from '../../server/web/highlight.ts';
import { escapeHtml, html, trusted } from '../../server/web/html.ts';

describe('the pages\' escaping', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes every interpolated value, in lists too, and keeps markup built by the tag', () => {
    const evil = '<script>alert(1)</script>';
    const out = html`<ul>${[evil, html`<li>${evil}</li>`]}</ul><p title="${'"onmouseover="x'}">${42}${null}${undefined}${false}</p>`.value;
    expect(out).toBe('<ul>&lt;script&gt;alert(1)&lt;/script&gt;<li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul><p title="&quot;onmouseover=&quot;x">42</p>');
    expect(html`${trusted('<svg></svg>')}`.value).toBe('<svg></svg>');
  });
});

describe('highlightTerms', () => {
  it('marks whole-word occurrences of the matched terms, case-insensitive, and escapes the rest', () => {
    const out = highlightTerms('Human rights <b>and</b> rightsholders; HUMAN RIGHTS.', [{ term: 'human rights', pole: 'rights' }]).value;
    expect(out).toBe('<mark class="pole-rights" title="rights">Human rights</mark> &lt;b&gt;and&lt;/b&gt; rightsholders; <mark class="pole-rights" title="rights">HUMAN RIGHTS</mark>.');
  });

  it('reads the terms of a lexicon score and ignores other details', () => {
    expect(matchedTerms({ terms: [{ term: 'sovereignty', pole: 'state', count: 1 }, { bad: 1 }] })).toEqual([{ term: 'sovereignty', pole: 'state' }]);
    expect(matchedTerms(null)).toEqual([]);
    expect(matchedTerms({ probability: 0.3 })).toEqual([]);
  });
});
