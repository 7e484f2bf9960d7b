import { describe, expect, it } from 'vitest';
import { BOOK_CSS } from '../../../src/epub/style.ts';
import { languageOf } from '../../../src/language/index.ts';
import { languageText } from '../../../src/epub/language-text.ts';
import { a11ySource } from './a11y-book.ts';
import { buildEpub, unzipText, visibleText } from './epub-files.ts';

const URL = 'https://example.com/api/v2/archive?utm_source=bindery&ref=abc-def';

describe('EPUB lines that are not stretched or crushed', () => {
  it('lets a long URL break after its separators, never inside ://, and keeps its text whole', () => {
    const html = languageText(`見 ${URL} 說明`, languageOf('zh-Hant'));
    // English runs inside the URL are tagged too; the break opportunities are what matters here.
    expect(html.replace(/<\/?span[^>]*>/g, '')).toContain('https://<wbr/>example.<wbr/>com/<wbr/>api/<wbr/>v2/<wbr/>archive?<wbr/>utm_<wbr/>source=<wbr/>bindery&amp;<wbr/>ref=<wbr/>abc-<wbr/>def');
    expect(html).not.toContain(':<wbr/>/');
    expect(html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&')).toBe(`見 ${URL} 說明`);
  });

  it('leaves short tokens and prices alone', () => {
    expect(languageText('售價 NT$299，見 e-mail 與 A/B 測試', languageOf('zh-Hant'))).not.toContain('<wbr/>');
  });

  it('sizes table columns from their content instead of breaking anywhere', () => {
    const cells = /th, td \{[^}]*\}/.exec(BOOK_CSS)![0];
    expect(cells).not.toContain('anywhere');
    expect(cells).toContain('overflow-wrap: break-word');
  });

  it('wraps code at word boundaries where it can, not between any two letters', () => {
    const pre = /\npre \{[^}]*\}/.exec(BOOK_CSS)![0];
    expect(pre).not.toContain('break-all');
    expect(pre).toContain('overflow-wrap: anywhere');
    expect(BOOK_CSS).toMatch(/pre \.line \{[^}]*text-indent: -2em/);
  });
});

describe('CJK emphasis', () => {
  it('puts the dots under the characters in Chinese and skips English words and numbers', async () => {
    const epub = unzipText(await buildEpub(a11ySource({ language: 'zh-Hant', markdown: '這是*重點 Runway 與 2,500 元*。\n' })));
    const chapter = [...epub].find(([name]) => name.endsWith('ch01.xhtml'))![1];
    expect(chapter).toContain('<em>重點 <span lang="en" xml:lang="en">Runway</span> 與 <span class="numeral">2,500</span> 元</em>');
    expect(visibleText(chapter)).toContain('這是重點 Runway 與 2,500 元。');
    expect(BOOK_CSS).toMatch(/:lang\(zh\) em \{[^}]*text-emphasis-position: under right/);
    expect(BOOK_CSS).toMatch(/em :lang\(en\), em \.numeral \{ text-emphasis: none/);
  });
});

describe('Code blocks', () => {
  it('set each source line as its own block, newline kept, so copied code is unchanged', async () => {
    const epub = unzipText(await buildEpub(a11ySource({ markdown: '```\nif (a) {\n  b();\n}\n```\n' })));
    const chapter = [...epub].find(([name]) => name.endsWith('ch01.xhtml'))![1];
    expect(chapter).toContain('<pre><code><span class="line">if (a) {\n</span><span class="line">  b();\n</span><span class="line">}</span></code></pre>');
  });
});
