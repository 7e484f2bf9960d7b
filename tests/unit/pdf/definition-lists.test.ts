import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { unzipText } from '../epub/epub-files.ts';
import { elements, structText, textOf, type Element } from './structure-reader.ts';

/**
 * Issue 11, EPUB item 5: definition lists become `<dl>` in the EPUB and a
 * hanging layout in the PDF. One book, built once: an English chapter of
 * enough items that page breaks fall among them (each term `tNN`, each
 * definition line starting `dNN`, so extracted text tells which item a line
 * belongs to), and a zh-Hant chapter.
 */
const ITEMS = 24;
const DEFINITION_WORDS = [25, 8, 40, 16];

function english(): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const id = String(i + 1).padStart(2, '0');
    const words = DEFINITION_WORDS[i % DEFINITION_WORDS.length];
    return `t${id} *term*\n:   ${Array.from({ length: words }, () => `d${id}`).join(' ')}`;
  });
  return `---\ntitle: Glossary\n---\n\nA paragraph before the list.\n\n${items.join('\n\n')}\n`;
}

const ZH = '---\ntitle: 名詞解釋\nlang: zh-Hant\n---\n\n避頭尾\n:   句號與逗號不可出現在行首，\n    開括號不可出現在行尾。\n\n破折號\n全形破折號\n:   佔兩個字寬，不可拆開。\n';

function source(): MemorySource {
  return new MemorySource(
    'glossary',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: Glossary Book\nlanguage: en\nauthors: [Tester]\ndate: 2025-01-15\npage: a5\nchapters:\n  - en.md\n  - zh.md\n'],
      ['en.md', english()],
      ['zh.md', ZH],
    ]),
  );
}

interface Line {
  page: number;
  x: number;
  text: string;
}

/** Every text line of the PDF with its page and left edge, from `pdftotext -bbox-layout`. */
function lines(file: string): Line[] {
  const html = execFileSync('pdftotext', ['-bbox-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const out: Line[] = [];
  html.split('<page ').forEach((page, p) => {
    for (const [, x, body] of page.matchAll(/<line xMin="([\d.]+)"[^>]*>([\s\S]*?)<\/line>/g)) {
      const words = [...body.matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((w) => w[1]);
      out.push({ page: p, x: Number(x), text: words.join(' ') });
    }
  });
  return out;
}

describeWithTools([TOOLS.poppler], 'definition lists: a hanging layout in the PDF, <dl> in the EPUB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-dl-'));
  let printed: Line[];
  let tree: Element;
  let xhtml: string;
  let css: string;

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const { files } = await buildBook(source(), { formats: ['epub', 'pdf'], fonts: async () => fonts });
    const pdf = join(dir, 'glossary.pdf');
    writeFileSync(pdf, files.find((f) => f.filename.endsWith('.pdf'))!.bytes);
    printed = lines(pdf);
    tree = structText(pdf);
    const epub = [...unzipText(files.find((f) => f.filename.endsWith('.epub'))!.bytes)];
    const joined = (ext: string) => epub.filter(([path]) => path.endsWith(ext)).map(([, text]) => text).join('\n');
    xhtml = joined('.xhtml');
    css = joined('.css');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each term on its own line and its definition below it, set in to the right of the term', () => {
    const terms = printed.filter((l) => /^t\d\d term$/.test(l.text));
    expect(terms.map((l) => l.text)).toEqual(Array.from({ length: ITEMS }, (_, i) => `t${String(i + 1).padStart(2, '0')} term`));
    for (const term of terms) {
      const next = printed[printed.indexOf(term) + 1];
      expect(next.text.startsWith(`d${term.text.slice(1, 3)}`), next.text).toBe(true);
      expect(next.x - term.x).toBeGreaterThan(10);
    }
    // Every line of a definition is set in alike; the paragraph before the list is not.
    const definitionXs = new Set(printed.filter((l) => /^d\d\d/.test(l.text)).map((l) => l.x.toFixed(1)));
    expect(definitionXs.size).toBe(1);
    expect(printed.find((l) => l.text.startsWith('A paragraph before'))!.x).toBeCloseTo(terms[0].x, 0);
  });

  it('sets zh-Hant terms the same way, several terms of one definition each on its line', () => {
    const at = (text: string) => printed.findIndex((l) => l.text.replace(/\s/g, '') === text);
    const [term, dash, fullDash] = [at('避頭尾'), at('破折號'), at('全形破折號')];
    expect([term, dash, fullDash].every((i) => i > 0)).toBe(true);
    expect(printed[term + 1].text.replace(/\s/g, '')).toMatch(/^句號與逗號/);
    expect(printed[term + 1].x - printed[term].x).toBeGreaterThan(10);
    expect(fullDash).toBe(dash + 1);
    expect(printed[fullDash + 1].text.replace(/\s/g, '')).toBe('佔兩個字寬，不可拆開。');
  });

  it('keeps a term with the first two lines of its definition across a page break', () => {
    const pages = new Set(printed.map((l) => l.page));
    const body = printed.filter((l) => /^[td]\d\d/.test(l.text));
    expect(new Set(body.map((l) => l.page)).size, 'the list runs over several pages').toBeGreaterThan(1);
    for (const [i, line] of body.entries()) {
      if (!line.text.startsWith('t')) continue;
      const id = line.text.slice(1, 3);
      const definition = body.slice(i + 1).filter((l) => l.text.startsWith(`d${id}`));
      for (const l of definition.slice(0, 2)) expect(l.page, `${line.text} and its definition's first lines`).toBe(line.page);
    }
    expect(pages.size).toBeGreaterThan(2);
  });

  it('tags each list L › LI › (Lbl, LBody): the terms the label, the definitions the body', () => {
    const lists = elements(tree, 'L');
    expect(lists.length).toBe(2);
    expect(lists[0].attributes).toContain('/ListNumbering /None');
    const items = lists.map((l) => (l.kids as Element[]).filter((k) => k.type === 'LI'));
    expect(items.map((i) => i.length)).toEqual([ITEMS, 2]);
    for (const item of items.flat()) expect((item.kids as Element[]).map((k) => k.type)).toEqual(['Lbl', 'LBody']);
    const text = (e: Element) => textOf(e).replace(/\s/g, '');
    expect(text(items[0][0].kids[0] as Element)).toBe('t01term');
    expect(text(items[0][0].kids[1] as Element)).toMatch(/^d01d01/);
    expect(text(items[1][1].kids[0] as Element)).toBe('破折號全形破折號');
    expect(elements(items[1][0].kids[1] as Element, 'P').length).toBe(1);
  });

  it('writes <dl> with a <dt> per term and a <dd> per definition in the EPUB', () => {
    const dls = xhtml.match(/<dl>[\s\S]*?<\/dl>/g) ?? [];
    expect(dls.length).toBe(2);
    const [english, chinese] = dls as [string, string];
    expect(english.match(/<dt>/g)?.length).toBe(ITEMS);
    expect(english).toContain('<dt>t01 <em>term</em></dt>\n<dd><p>d01 d01');
    expect(chinese).toContain('<dt>破折號</dt>\n<dt>全形破折號</dt>\n<dd><p>佔兩個字寬，不可拆開。</p>\n</dd>');
    // Hanging in reading systems too: the term bold, the definition set in.
    expect(css).toMatch(/\bdt \{[^}]*font-weight: bold/);
    expect(css).toMatch(/\bdd \{ margin: 0\.2em 0 0 1\.8em; \}/);
  });
});

