import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflate, deflateData, deflateWithSlots, fillSlots, SLOT_BYTES, type Slot } from '../../../src/deflate/compress.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Page-like content: text objects whose baselines are the slots. */
function pageContent(lines: number, seed = 1): { text: string; slots: Slot[] } {
  let text = 'q\n';
  const slots: Slot[] = [];
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  for (let line = 0; line < lines; line++) {
    const glyphs = Array.from({ length: 20 + Math.floor(random() * 20) }, () => Math.floor(random() * 4000).toString(16).padStart(4, '0')).join('');
    text += `/P <</MCID ${line}>> BDC BT /F1 10.5 Tf 1 0 0 1 56.69 `;
    const number = (540 - line * 15.75).toFixed(2).padStart(7);
    slots.push({ at: text.length, width: number.length });
    text += `${number} Tm [<${glyphs}> -12.5 <${glyphs.slice(8)}>] TJ ET EMC\n`;
  }
  return { text: `${text}Q\n`, slots };
}

describe('deflate with slots', () => {
  it('writes a zlib stream that zlib itself inflates (Adler-32 checked), smaller than the input', () => {
    const { text, slots } = pageContent(30);
    const stream = deflateWithSlots(encoder.encode(text), slots);
    expect(decoder.decode(inflateSync(stream.bytes))).toBe(text);
    expect(stream.bytes.length).toBeLessThan(text.length / 2);
    expect(stream.slots).toHaveLength(30);
  });

  it('gives each slot new bytes without compressing again, and the stream inflates to the input with them', () => {
    const { text, slots } = pageContent(40, 7);
    const stream = deflateWithSlots(encoder.encode(text), slots);
    const shifted = slots.map((slot, i) => (Number(text.slice(slot.at, slot.at + slot.width)) + (i % 2 ? 0.36 : -0.12)).toFixed(2).padStart(slot.width));
    const filled = fillSlots(stream, (i) => encoder.encode(shifted[i]));
    let expected = text;
    for (let i = slots.length - 1; i >= 0; i--) expected = expected.slice(0, slots[i].at) + shifted[i] + expected.slice(slots[i].at + slots[i].width);
    expect(decoder.decode(inflateSync(filled))).toBe(expected);
  });

  it('keeps repeated text outside the slots shared, and never copies a slot: every byte a slot may hold fills it', () => {
    // The same number repeated: a matcher free to copy would point into an earlier slot.
    const text = 'BT 1 0 0 1 10 540.12 Tm ET\n'.repeat(200);
    const slots = Array.from({ length: 200 }, (_, i) => ({ at: i * 27 + 14, width: 6 }));
    const stream = deflateWithSlots(encoder.encode(text), slots);
    for (const ch of SLOT_BYTES) {
      const filled = fillSlots(stream, (i) => encoder.encode(i % 3 ? ch.repeat(6) : '539.76'));
      const out = decoder.decode(inflateSync(filled));
      expect(out.slice(14, 20)).toBe('539.76');
      expect(out.slice(27 + 14, 27 + 20)).toBe(ch.repeat(6));
      expect(out.replaceAll(ch.repeat(6), '').replaceAll('539.76', '')).toBe('BT 1 0 0 1 10  Tm ET\n'.repeat(200));
    }
  });

  it('compresses streams of every shape: empty, one byte, binary, longer than the window', () => {
    const random = new Uint8Array(70_000).map((_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const long = encoder.encode('0 0 1 rg 10 10 m 20 20 l S\n'.repeat(3000));
    for (const input of [new Uint8Array(), encoder.encode('Q'), random, long]) {
      const stream = deflateWithSlots(input);
      expect(new Uint8Array(inflateSync(stream.bytes))).toEqual(input);
    }
  });

  it('compresses a 2 KB chapter of an EPUB about as well as zlib at its default level, not with the fixed codes a stamp\'s tiny streams take', () => {
    const words = 'the newsroom keeps a shared calendar of sources editors and deadlines so that remote reporters know who verifies which claim'.split(' ');
    const paragraphs = Array.from({ length: 7 }, (_, p) => `<p>${Array.from({ length: 40 }, (_, w) => words[(p * 7 + w * w) % words.length]).join(' ')}.</p>`);
    const xhtml = encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><body><section>${paragraphs.join('\n')}</section></body></html>\n`);
    expect(xhtml.length).toBeGreaterThan(1500);
    expect(xhtml.length).toBeLessThan(4096);
    const ours = deflateWithSlots(xhtml).bytes;
    expect(new Uint8Array(inflateSync(ours))).toEqual(xhtml);
    expect(ours.length).toBeLessThan(deflateSync(xhtml, { level: 6 }).length * 1.05);
  });

  it('keeps only its compressed bytes in memory, not a buffer the size of the input (a stamp plan holds every page\'s stream)', () => {
    const { text, slots } = pageContent(400);
    const input = encoder.encode(text);
    const stream = deflateWithSlots(input, slots);
    expect(stream.bytes.length).toBeLessThan(input.length / 2);
    expect(stream.bytes.buffer.byteLength).toBe(stream.bytes.length);
    expect(deflateData(deflate(input)).buffer.byteLength).toBeLessThan(input.length / 2);
  });

  it('refuses a fill of the wrong width', () => {
    const stream = deflateWithSlots(encoder.encode('1 0 0 1 10 540.12 Tm'), [{ at: 11, width: 6 }]);
    expect(() => fillSlots(stream, () => encoder.encode('540.1'))).toThrow(/6 bytes/);
  });
});
