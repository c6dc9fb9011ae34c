// The console's HTML template (gateway/console/html.ts): every value is escaped unless it is
// markup the template built, so nothing a case, an operator or a province typed becomes markup.
import { describe, expect, it } from 'vitest';
import { html, trusted } from '../../../gateway/console/html.ts';

// Under another name, so the formatter leaves the exact markup these tests compare alone.
const h = html;

describe('the console html template', () => {
  it('escapes interpolated text, attributes included', () => {
    const reason = `"><script>alert('x')</script>&`;
    expect(String(h`<td title="${reason}">${reason}</td>`)).toBe(
      '<td title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">' +
        '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>',
    );
  });

  it('inserts nested templates and arrays of them as markup, and nothing for absent values', () => {
    const rows = ['a<b', 'c'].map((v) => h`<li>${v}</li>`);
    expect(String(h`<ul>${rows}</ul>${undefined}${null}${false}${0}`)).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0',
    );
    expect(String(h`${trusted('<br>')}${'<br>'}`)).toBe('<br>&lt;br&gt;');
  });
});
