import { describe, expect, it } from 'vitest';
import { toPlainText } from '../../pipeline/formats.ts';

describe('HTML text a browser does not show', () => {
  it('is left out: <template>, the hidden attribute, inline display:none (any case, with or without a space)', () => {
    const html =
      '<p>shown</p><template><p>template text</p></template><div hidden>hidden text</div>' +
      '<span style="color:red;DISPLAY:NONE">css one</span><p style="display: none">css two</p>' +
      '<p style="display:block">block text</p><p data-hidden="x">data text</p>';
    expect(toPlainText(html, 'html')).toBe('shown\n\nblock text\n\ndata text');
  });
});
