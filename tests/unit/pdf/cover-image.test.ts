import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { encodePng } from '../../../src/http/store/cover.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-cover-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/**
 * A cover far wider (6:1) or taller (1:6) than the page: blue in its middle
 * third along the long side, red in the outer thirds. Cropped to the page's
 * proportions about its centre, only blue is left.
 */
function bandedPng(wide: boolean): Uint8Array {
  const [width, height] = wide ? [600, 100] : [100, 600];
  const stride = 1 + width * 3;
  const rows = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const along = wide ? x : y;
      rows.set(along >= 200 && along < 400 ? BLUE : RED, y * stride + 1 + x * 3);
    }
  }
  return encodePng(width, height, rows);
}

/** Page 1 rendered by poppler at 20 dpi, as RGB pixels. */
async function renderCover(name: string, cover: Uint8Array): Promise<{ width: number; height: number; pixels: Buffer }> {
  const source = new MemorySource(
    name,
    new Map<string, Uint8Array | string>([
      ['book.yaml', `title: Cover\nlanguage: en\nauthors: [A]\ndate: 2025-06-28\ncover: images/cover.png\nchapters:\n  - one.md\n`],
      ['one.md', '---\ntitle: One\n---\n\nWords.\n'],
      ['images/cover.png', cover],
    ]),
  );
  const fonts = await loadCliFonts();
  const built = await buildBook(source, { formats: ['pdf'], fonts: async () => fonts });
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, built.files[0].bytes);
  execFileSync('pdftoppm', ['-r', '20', '-f', '1', '-l', '1', '-singlefile', file, join(dir, name)]);
  const ppm = readFileSync(join(dir, `${name}.ppm`));
  const [header, width, height] = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 32))!;
  return { width: Number(width), height: Number(height), pixels: ppm.subarray(header.length) };
}

/**
 * Pixels (x, y, colour) that are not the cover image's centre blue. The
 * raster is the page's size rounded up to whole pixels: its last column and
 * row lie partly off the page, so they are not counted.
 */
function notBlue({ width, height, pixels }: { width: number; height: number; pixels: Buffer }): string[] {
  const off: string[] = [];
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const [r, g, b] = pixels.subarray((y * width + x) * 3, (y * width + x) * 3 + 3);
      if (r > 8 || g > 8 || b < 247) off.push(`${x},${y}: ${r} ${g} ${b}`);
    }
  }
  return off;
}

describeWithTools([TOOLS.poppler], 'a cover image fills the PDF cover page', () => {
  let wide: Awaited<ReturnType<typeof renderCover>>;
  let tall: Awaited<ReturnType<typeof renderCover>>;
  beforeAll(async () => {
    [wide, tall] = await Promise.all([renderCover('wide', bandedPng(true)), renderCover('tall', bandedPng(false))]);
  });

  it('crops a wide cover about its centre to the page: every pixel, corners included, is the image’s middle', () => {
    expect(wide.width * wide.height).toBeGreaterThan(1000);
    expect(notBlue(wide).slice(0, 5)).toEqual([]);
  });

  it('crops a tall cover about its centre to the page: no strips above or below', () => {
    expect(notBlue(tall).slice(0, 5)).toEqual([]);
  });
});
