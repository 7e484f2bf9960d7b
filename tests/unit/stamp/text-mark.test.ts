import { describe, expect, it } from 'vitest';
import { markXhtml } from '../../../src/stamp/epub-text.ts';
import { MarkTally } from '../../../src/stamp/marks.ts';
import { findTextMarks, isMarkable, keyedMarkCode, MARK_ALPHABET, markCodes, UNKEYED_MARK_CODE } from '../../../src/stamp/text-mark.ts';
import { MARK_CODE, MARK_KEY, OTHER_MARK_KEY } from '../../support/mark-key.ts';

const ANA = 'pur_0b8a3c4e5f604a7b8c9d0e1f2a3b4c5d';
const BEN = 'pur_ffeeddccbbaa99887766554433221100';
const invisible = new RegExp(`[${MARK_ALPHABET.join('')}]`, 'g');
const visible = (text: string) => text.replace(invisible, '');
const textMark = (purchaseId: string) => MARK_CODE.textMark(purchaseId);
const CODES = markCodes(MARK_KEY);
/** What the text holds, as purchase id → places (all in the keyed code). */
const keyedMarks = (text: string) => {
  const found = findTextMarks(text, CODES);
  for (const { keyed } of found.values()) expect(keyed).toBe(true);
  return new Map([...found].map(([id, { places }]) => [id, places]));
};

describe('the text-layer code', () => {
  it('writes a purchase id as 80 invisible characters and reads it back', () => {
    const mark = textMark(ANA);
    expect(mark).toHaveLength(80);
    expect(visible(mark)).toBe('');
    expect(keyedMarks(`Some text. ${mark}More text.`)).toEqual(new Map([[ANA, 1]]));
  });

  it('survives NFC and NFKC normalisation', () => {
    const text = `Ｆｕｌｌ width. ${textMark(ANA)}café`;
    expect(keyedMarks(text.normalize('NFC'))).toEqual(new Map([[ANA, 1]]));
    expect(keyedMarks(text.normalize('NFKC'))).toEqual(new Map([[ANA, 1]]));
  });

  it('reports each purchase of a collage, with how many places carried it', () => {
    const text = `A. ${textMark(ANA)}B. ${textMark(BEN)}C. ${textMark(ANA)}D.`;
    expect(keyedMarks(text)).toEqual(new Map([[ANA, 2], [BEN, 1]]));
  });

  it('reads a mark that text extraction broke over two lines', () => {
    const mark = textMark(BEN);
    expect(keyedMarks(`end.${mark.slice(0, 30)}\n${mark.slice(30)} next`)).toEqual(new Map([[BEN, 1]]));
  });

  it('recovers a purchase from damaged copies by a majority over places', () => {
    const mark = [...textMark(ANA)];
    const damaged = [5, 30, 60].map((at) => mark.map((ch, i) => (i === at ? MARK_ALPHABET[(MARK_ALPHABET.indexOf(ch as never) + 1) % 4] : ch)).join(''));
    expect(keyedMarks(damaged.join(' text. '))).toEqual(new Map([[ANA, 3]]));
    expect(keyedMarks(damaged.slice(0, 1).join(''))).toEqual(new Map());
  });

  it('reads a text of 20,000 runs that decode to nothing in bounded time (each failed run was copied into a new list: 14 s)', () => {
    let seed = 11;
    const symbol = () => MARK_ALPHABET[(seed = (seed * 48271) % 2147483647) % 4];
    const junk = (length: number) => Array.from({ length }, symbol).join('');
    const started = process.cpuUsage();
    // Random symbols pass the older code's CRC once in 65,536 tries, so a few of these 500,000 tries name some id: what counts here is the cost.
    findTextMarks(Array.from({ length: 20_000 }, () => `${junk(80)}x`).join(''), CODES);
    findTextMarks(Array.from({ length: 400 }, () => `${junk(80 * 16)}x`).join(''), CODES);
    const used = process.cpuUsage(started);
    // A guard against the old cost, not a measurement: about 0.4 s now (two codes tried at each offset).
    expect((used.user + used.system) / 1000).toBeLessThan(3_000);
  });

  it('reads no mark written without the key: not one under another key, and the older CRC code only as unkeyed', () => {
    const forged = keyedMarkCode(OTHER_MARK_KEY).textMark(ANA);
    expect(findTextMarks(`A. ${forged}B. ${forged}C. ${forged}D.`, CODES)).toEqual(new Map());
    const older = UNKEYED_MARK_CODE.textMark(ANA);
    expect(older).toHaveLength(72);
    expect(findTextMarks(`A. ${older}B. ${textMark(BEN)}C.`, CODES)).toEqual(new Map([[ANA, { places: 1, keyed: false }], [BEN, { places: 1, keyed: true }]]));
    // A reader without the key (outside the store) reads only the older code.
    expect(findTextMarks(`A. ${older}B. ${textMark(BEN)}C.`, markCodes(undefined))).toEqual(new Map([[ANA, { places: 1, keyed: false }]]));
  });

  it('doubts a keyed mark in a file that also names the purchase with failing tags, as a forger trying tags would (one file held 278,000 tries)', () => {
    const id = [...textMark(ANA)].slice(0, 64).join('');
    const guess = (n: number) => id + [...keyedMarkCode(Uint8Array.from({ length: 16 }, (_, i) => i + n)).textMark(ANA)].slice(64).join('');
    const found = (...texts: string[]) => {
      const tally = new MarkTally(MARK_KEY);
      for (const text of texts) tally.addText(text, { visible: false });
      return tally.list().map(({ purchaseId, layers, unkeyedLayers }) => ({ purchaseId, layers, unkeyedLayers }));
    };
    const guesses = Array.from({ length: 5 }, (_, n) => `Text. ${guess(n)}`).join(' ');
    // The one right guess among five wrong ones, in one text, in separate pages, or back to back in one run: not proof.
    expect(found(`${guesses} Right. ${textMark(ANA)}`)).toEqual([{ purchaseId: ANA, layers: ['text'], unkeyedLayers: ['text'] }]);
    expect(found(guesses, `Right. ${textMark(ANA)}`)).toEqual([{ purchaseId: ANA, layers: ['text'], unkeyedLayers: ['text'] }]);
    expect(found(`Run. ${guess(1)}${guess(2)}${textMark(ANA)}${guess(3)}${guess(4)}`)).toEqual([{ purchaseId: ANA, layers: ['text'], unkeyedLayers: ['text'] }]);
    // A copy whose tag was damaged in a place or two still reads as keyed.
    expect(found(`${Array.from({ length: 6 }, () => `Text. ${textMark(ANA)}`).join(' ')} ${guess(1)} ${guess(2)}`)).toEqual([{ purchaseId: ANA, layers: ['text'], unkeyedLayers: [] }]);
  });

  it('votes over damaged keyed marks even when the older CRC passed somewhere by chance (a random id had stopped the vote)', () => {
    const mark = [...textMark(ANA)];
    const damaged = [5, 30, 60].map((at) => mark.map((ch, i) => (i === at ? MARK_ALPHABET[(MARK_ALPHABET.indexOf(ch as never) + 1) % 4] : ch)).join(''));
    const chance = UNKEYED_MARK_CODE.textMark(BEN);
    expect(findTextMarks(`${damaged.join(' text. ')} text. ${chance}`, CODES)).toEqual(new Map([[BEN, { places: 1, keyed: false }], [ANA, { places: 3, keyed: true }]]));
  });

  it('finds nothing in unmarked text or a cut-off mark, and only writes opaque purchase ids', () => {
    expect(keyedMarks('Plain text, with a zero\u200Cwidth joiner in it: 👩\u200D💻.')).toEqual(new Map());
    expect(keyedMarks(textMark(ANA).slice(1))).toEqual(new Map());
    expect(isMarkable('cs_test_a1b2c3')).toBe(false);
    expect(() => textMark('cs_test_a1b2c3')).toThrow(/not a purchase id/);
    expect(() => keyedMarkCode(new Uint8Array(8))).toThrow(/16 bytes, not 8/);
  });
});

describe('marking XHTML', () => {
  const mark = textMark(ANA);
  const sentence = 'Reporters verify every clip before it airs, and they log what they checked. ';
  const page = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T. Title, here.</title></head><body>${body}</body></html>`;

  it('puts a mark after a sentence end and its space, often enough that any 300 characters hold a whole one', () => {
    const { xhtml, marked } = markXhtml(page(`<p>${sentence.repeat(20)}</p>`), mark);
    expect(marked).toBeGreaterThan(5);
    const text = xhtml.replace(/<[^>]*>/g, '');
    for (const [at] of [...text.matchAll(new RegExp(`[${MARK_ALPHABET.join('')}]+`, 'g'))].map((m) => [m.index])) {
      expect(text.slice(at - 2, at)).toMatch(/[.,] $/);
    }
    const body = text.slice(text.indexOf('Reporters'));
    const plain = visible(body);
    for (let start = 0; start + 300 < plain.length; start += 17) {
      const excerpt = body.slice(indexOfVisible(body, start), indexOfVisible(body, start + 300));
      expect(keyedMarks(excerpt).get(ANA), `excerpt at ${start}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('puts marks after CJK punctuation, never inside a phrase, and leaves code, the head and attributes alone', () => {
    const cjk = '生成式影片工具正在改變新聞室的工作方式，每一步都要留下紀錄。'.repeat(10);
    const { xhtml } = markXhtml(page(`<p title="A. B, c.">${cjk}</p><pre><code>${sentence.repeat(5)}</code></pre>`), mark);
    expect(xhtml).toContain('<title>T. Title, here.</title>');
    expect(xhtml).toContain('<p title="A. B, c.">');
    expect(xhtml.slice(xhtml.indexOf('<pre>'))).not.toMatch(invisible);
    for (const m of xhtml.matchAll(new RegExp(`[${MARK_ALPHABET.join('')}]+`, 'g'))) expect(xhtml[m.index - 1]).toMatch(/[，。]/);
  });

  it('marks a short chapter once, at its first boundary', () => {
    expect(markXhtml(page('<p>Short. Chapter.</p>'), mark)).toEqual({ xhtml: page(`<p>Short. ${mark}Chapter.</p>`), marked: 1 });
  });
});

/** The index in `text` of its `n`th visible character. */
function indexOfVisible(text: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (!invisible.test(text[i]) && seen++ === n) return i;
    invisible.lastIndex = 0;
  }
  return text.length;
}
