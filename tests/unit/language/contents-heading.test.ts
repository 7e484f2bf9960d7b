import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, expect, it } from 'vitest';
import { joinBytes } from '../../../src/bytes.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { epubWriter } from '../../../src/epub/writer.ts';
import { languageOf } from '../../../src/language/index.ts';
import { pdfWriter } from '../../../src/pdf/writer.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { bookIn } from './book-in.ts';

/** The storefront's half of this agreement is in tests/worker/public/language.test.ts. */
const dir = mkdtempSync(join(tmpdir(), 'bindery-contents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noFonts = async () => {
  throw new Error('an EPUB build must not load fonts');
};

describeWithTools([TOOLS.poppler], 'the contents heading in EPUB and PDF', () => {
  it.each([
    ['zh-Hans', '目录', '目錄'],
    ['zh-CN', '目录', '目錄'],
    ['zh-Hant', '目錄', '目录'],
    ['zh', '目錄', '目录'],
  ])('%s: both say %s, never %s', async (tag, heading, other) => {
    expect(languageOf(tag).words.book.contents).toBe(heading);
    const doc = await bookIn(tag);

    const epub = unzipSync(joinBytes((await epubWriter.render(doc, { fonts: noFonts, warn: () => {} })).chunks));
    const nav = strFromU8(Object.entries(epub).find(([path]) => path.endsWith('nav.xhtml'))![1]);
    expect(nav).toContain(`<h1>${heading}</h1>`);
    expect(nav).not.toContain(other);

    const pdf = await pdfWriter.render(doc, { fonts: loadCliFonts, warn: () => {} });
    const file = join(dir, `${tag}.pdf`);
    writeFileSync(file, joinBytes(pdf.chunks));
    // Front matter: cover, title page, contents.
    const contentsPage = execFileSync('pdftotext', ['-f', '3', '-l', '3', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(contentsPage).toContain(heading);
    expect(contentsPage).not.toContain(other);
  });
});
