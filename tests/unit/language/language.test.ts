import { describe, expect, it } from 'vitest';
import { isProhibitedLineEnd, isProhibitedLineStart, languageOf } from '../../../src/language/index.ts';

describe('languageOf', () => {
  it.each([
    // tag, script, CJK grid, contents, list of three names, quotation
    ['zh', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-Hant', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-TW', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-HK', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-MO', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-Hant-CN', 'Hant', true, '目錄', '甲、乙、丙', '「引文」'],
    ['zh-Hans', 'Hans', true, '目录', '甲、乙、丙', '“引文”'],
    ['zh-CN', 'Hans', true, '目录', '甲、乙、丙', '“引文”'],
    ['zh-SG', 'Hans', true, '目录', '甲、乙、丙', '“引文”'],
    ['zh-Hans-HK', 'Hans', true, '目录', '甲、乙、丙', '“引文”'],
    ['en', 'Latn', false, 'Contents', '甲, 乙 and 丙', '“引文”'],
    ['en-GB', 'Latn', false, 'Contents', '甲, 乙 and 丙', '“引文”'],
    ['ja', 'Jpan', true, '目次', '甲、乙、丙', '「引文」'],
    ['ko', 'Kore', true, 'Contents', '甲, 乙 and 丙', '“引文”'],
    ['fr', 'Latn', false, 'Contents', '甲, 乙 and 丙', '“引文”'],
  ] as const)('%s: %s script, CJK %s, contents %s, lists as %s, quotes as %s', (tag, script, cjk, contents, list, quote) => {
    const language = languageOf(tag);
    expect(language.script).toBe(script);
    expect(language.cjk).toBe(cjk);
    expect(language.words.book.contents).toBe(contents);
    expect(language.list(['甲', '乙', '丙'])).toBe(list);
    expect(language.quote('引文')).toBe(quote);
  });

  it('reads tags in any case and with underscores', () => {
    expect(languageOf('ZH-cn').script).toBe('Hans');
    expect(languageOf('zh_TW').script).toBe('Hant');
    expect(languageOf('zh-hans').script).toBe('Hans');
  });

  it('lists one or two names without a stray separator', () => {
    expect(languageOf('en').list([])).toBe('');
    expect(languageOf('en').list(['Ada'])).toBe('Ada');
    expect(languageOf('en').list(['Ada', 'Grace'])).toBe('Ada and Grace');
    expect(languageOf('zh-Hant').list(['王小明', '陳大文'])).toBe('王小明、陳大文');
  });

  it('nests quotations with the inner marks', () => {
    expect(languageOf('zh-TW').quote('書名', true)).toBe('『書名』');
    expect(languageOf('zh-CN').quote('书名', true)).toBe('‘书名’');
    expect(languageOf('en').quote('title', true)).toBe('‘title’');
  });

  it('has the words of each script in that script: Simplified pages carry no Traditional-only characters', () => {
    const simplified = JSON.stringify([languageOf('zh-CN').words.book, languageOf('zh-CN').words.licence, languageOf('zh-CN').words.store]);
    for (const traditional of '錄導覽書頁權處識碼製開關題網書購費載郵鏈連數紀記') expect(simplified).not.toContain(traditional);
    expect(languageOf('zh-CN').words.licence.title).toBe('授权');
    expect(languageOf('zh-TW').words.licence.title).toBe('授權');
  });

  it('falls back to English words where a language has none of its own', () => {
    expect(languageOf('ja').words.store).toEqual(languageOf('en').words.store);
    expect(languageOf('ja').words.licence).toEqual(languageOf('en').words.licence);
    expect(languageOf('de').words).toBe(languageOf('en').words);
  });
});

describe('kinsoku', () => {
  it('keeps closing punctuation, Western and full-width, off the start of a line', () => {
    for (const ch of '。，、．；：？！」』）》〉】…ー々’”),.;:?!%') expect(isProhibitedLineStart(ch.codePointAt(0)!), ch).toBe(true);
    for (const ch of '字A1「（“') expect(isProhibitedLineStart(ch.codePointAt(0)!), ch).toBe(false);
  });

  it('keeps opening brackets off the end of a line', () => {
    for (const ch of '「『（《〈【“‘([') expect(isProhibitedLineEnd(ch.codePointAt(0)!), ch).toBe(true);
    for (const ch of '字A」）') expect(isProhibitedLineEnd(ch.codePointAt(0)!), ch).toBe(false);
  });
});

describe('language runs', () => {
  const tagged = (tag: string, text: string) => languageOf(tag).runs(text).map((r) => (r.lang ? `[${r.lang}:${r.text}]` : r.text)).join('');

  it('tags phrases of Latin words inside CJK text as English, whole', () => {
    expect(tagged('zh-Hant', '用 Runway Gen-3 Alpha 生成，再交給 editor’s desk。')).toBe('用 [en:Runway Gen-3 Alpha] 生成，再交給 [en:editor’s desk]。');
    expect(tagged('ja', 'APIキー')).toBe('[en:API]キー');
    expect(tagged('zh-Hans', '3D 模型与 café')).toBe('[en:3D] 模型与 [en:café]');
  });

  it('leaves numbers, times and punctuation in the surrounding language', () => {
    expect(tagged('zh-Hant', '2025 年，比例 9:16、1080×1920。')).toBe('2025 年，比例 9:16、1080×1920。');
  });

  it('tags nothing in Latin-script text', () => {
    expect(languageOf('en').runs('Plain English, with 中文 inside.')).toEqual([{ text: 'Plain English, with 中文 inside.' }]);
  });

  it('keeps every character, in order', () => {
    const text = '「Hello, world.」他說：OK！𠀀 emoji 🎉 end';
    expect(languageOf('zh-Hant').runs(text).map((r) => r.text).join('')).toBe(text);
  });

  it('ends a phrase at a character outside the BMP and never splits one', () => {
    expect(tagged('zh-Hant', '𠀀API𠀀 Gen-3🎉x')).toBe('𠀀[en:API]𠀀 [en:Gen-3]🎉[en:x]');
  });
});
