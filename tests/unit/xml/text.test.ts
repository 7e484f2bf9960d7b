import { describe, expect, it } from 'vitest';
import { attr, text } from '../../../src/xml.ts';

describe('XML text', () => {
  it('returns text with nothing to escape as it is, CJK and emoji included', () => {
    expect(text('供應商的服務條款會變動 — Runway Gen-3 🎉 𠀀')).toBe('供應商的服務條款會變動 — Runway Gen-3 🎉 𠀀');
  });

  it('escapes what XML reserves and drops what it cannot hold: controls, lone surrogates, U+FFFE/U+FFFF', () => {
    expect(text('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(text('bell\u0007 tab\t lf\n \uFFFE\uFFFF end')).toBe('bell tab\t lf\n  end');
    expect(text('lone \uD800 high, lone \uDC00 low, pair \uD83C\uDF89')).toBe('lone  high, lone  low, pair 🎉');
    expect(attr('say "hi" & go')).toBe('say &quot;hi&quot; &amp; go');
  });
});
