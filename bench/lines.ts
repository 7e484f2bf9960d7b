import { PDFDocument } from '@cantoo/pdf-lib';
import { loadCliFonts } from '../src/cli/fonts.ts';
import { DirectorySource } from '../src/cli/directory-source.ts';
import type { Block } from '../src/document/model.ts';
import { hyphenationFor, languageOf } from '../src/language/index.ts';
import { embedFonts } from '../src/pdf/fonts.ts';
import { pageGeometry, textWidth, TYPE } from '../src/pdf/geometry.ts';
import { baseStyle, shapeInlines, type ShapeContext } from '../src/pdf/inline.ts';
import { adjustmentRatio, breakLines, breakOpportunities, type LineRange } from '../src/pdf/linebreak.ts';
import { breakParagraph } from '../src/pdf/optimal-fit.ts';
import { prepareBook } from '../src/pipeline/build.ts';

/**
 * The line-breaking section of `npm run bench`: every body paragraph of the
 * English sample book, shaped with the real fonts at the PDF's measure, broken
 * greedily without hyphenation (how Bindery set English before) and by total
 * fit with hyphenation (how it sets it now). Reported: the share of full
 * lines whose word spaces stretch beyond 1.5× their width (adjustment ratio
 * over 1), the share ending in a hyphen, and the time each breaker takes.
 */
const BOOK = 'books/remote-newsroom-playbook';

function paragraphs(blocks: readonly Block[]): Extract<Block, { type: 'paragraph' }>[] {
  return blocks.flatMap((block) => (block.type === 'paragraph' ? [block] : block.type === 'quote' ? paragraphs(block.children) : []));
}

export async function runLinesBench(): Promise<void> {
  const { document } = await prepareBook(new DirectorySource(BOOK), { formats: ['pdf'] });
  const pdf = await PDFDocument.create();
  const shape: ShapeContext = {
    fonts: await embedFonts(pdf, await loadCliFonts(), []),
    onMissingGlyph() {},
    language: languageOf(document.meta.language),
    hyphenation: await hyphenationFor([document.meta.language]),
  };
  const width = textWidth(pageGeometry(document.meta.page));
  const style = baseStyle('regular', TYPE.body);
  const shaped = document.chapters.flatMap((chapter) => paragraphs(chapter.blocks)).map((p) => shapeInlines(p.children, style, shape));
  const breakers = {
    'greedy, no hyphenation': (chars: (typeof shaped)[number], opportunities: Uint8Array) => breakLines(chars, opportunities, width),
    'total fit + hyphenation': (chars: (typeof shaped)[number], opportunities: Uint8Array) => breakParagraph(chars, opportunities, width),
  };
  console.log(`Lines  ${shaped.length} English paragraphs of ${BOOK} at the PDF's ${width.toFixed(0)} pt measure`);
  for (const [name, breaker] of Object.entries(breakers)) {
    let full = 0;
    let loose = 0;
    let hyphenated = 0;
    const start = performance.now();
    const broken: LineRange[][] = shaped.map((chars) => breaker(chars, breakOpportunities(chars.map((c) => c.codePoint))));
    const ms = performance.now() - start;
    broken.forEach((lines, p) => {
      for (const line of lines) {
        if (line.last) continue;
        full++;
        if (adjustmentRatio(shaped[p], line, width) > 1) loose++;
        if (line.hyphenated) hyphenated++;
      }
    });
    const share = (n: number) => `${((100 * n) / full).toFixed(1)}%`;
    console.log(`      ${name.padEnd(24)} ${full} full lines: word spaces beyond 1.5× in ${loose} (${share(loose)}), hyphenated ${hyphenated} (${share(hyphenated)}); ${ms.toFixed(1)} ms`);
  }
}
