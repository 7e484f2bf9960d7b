import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook, type BuildResult } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A Worker build's source in miniature: one image whose contributor withdrew consent. */
class WithheldSource extends MemorySource {
  withheld(path: string): boolean {
    return path === 'images/lamp.png';
  }
}

const source = (language: string, title: string) =>
  new WithheldSource(
    'lamp',
    new Map<string, string | Uint8Array>([
      ['book.yaml', `title: Lamps\nlanguage: ${language}\nauthors: [Desk]\ndate: 2025-03-01\nchapters:\n  - articles/01.md\n`],
      ['articles/01.md', `---\ntitle: ${title}\n---\n\nThe lamp turns all night.\n\n![The lamp room](../images/lamp.png)\n\n![A second view](../images/other.png)\n`],
      ['images/lamp.png', PNG],
      ['images/other.png', PNG],
    ]),
  );

describeWithTools([TOOLS.poppler], 'an image whose contributor withdrew consent', () => {
  let dir: string;
  let english: BuildResult;
  let chinese: BuildResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindery-withheld-'));
    english = await buildBook(source('en', 'Lighthouse'), { formats: ['epub', 'pdf'], fonts: loadCliFonts });
    chinese = await buildBook(source('zh-Hant', '燈塔'), { formats: ['epub'], fonts: loadCliFonts });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (result: BuildResult, format: 'epub' | 'pdf') => result.files.find((f) => f.format === format)!.bytes;
  const epubText = (bytes: Uint8Array) => Object.entries(unzipSync(bytes)).filter(([n]) => n.endsWith('.xhtml')).map(([, d]) => strFromU8(d)).join('\n');

  it('is a neutral notice in the EPUB, in the book’s language, its bytes left out', () => {
    const epub = file(english, 'epub');
    expect(epubText(epub)).toContain('<em>Image removed at the contributor’s request.</em>');
    const images = Object.keys(unzipSync(epub)).filter((name) => /\.png$/.test(name));
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(/other\.png$/);
    expect(epubText(file(chinese, 'epub'))).toContain('此圖片應提供者要求移除。');
  });

  it('is the same notice in the PDF text, the other image still drawn', () => {
    const path = join(dir, 'lamp.pdf');
    writeFileSync(path, file(english, 'pdf'));
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Image removed at the contributor’s request.');
    expect(text).toContain('The lamp turns all night.');
    // pdfimages lists each drawn image once (an alpha channel adds an smask row of its own).
    const images = spawnSync('pdfimages', ['-list', path], { encoding: 'utf8' }).stdout.trim().split('\n').slice(2).filter((row) => row.trim().split(/\s+/)[2] === 'image');
    expect(images).toHaveLength(1);
  });
});
