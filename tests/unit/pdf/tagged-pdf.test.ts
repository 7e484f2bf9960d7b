import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@cantoo/fontkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { inlineText, type Block, type BookDocument, type Inline } from '../../../src/document/model.ts';
import { walkBlocks } from '../../../src/document/parse.ts';
import { displayUrl, externalUrl } from '../../../src/document/urls.ts';
import { FORMAT_REGISTRY } from '../../../src/formats/registry.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { languageOf } from '../../../src/language/index.ts';
import { contentOf, elements, kidsOf, markedContent, readObjects, structText, textOf, type Element, type PdfObjects, type Sequence, type Value } from './structure-reader.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

/**
 * Issue 12: the PDF is tagged (toward PDF/UA-1). The edge-case book is read
 * back with poppler (`pdfinfo -struct-text`: the element tree and its text)
 * and qpdf (`--json`: Alt, Lang, ParentTree, annotations, marked content),
 * and checked against the document model it was built from; a small book
 * checks a table row and a paragraph that run over a page break; a stamped
 * copy must keep all of it.
 */

const EDGE = 'tests/fixtures/books/edge-cases';
const tallLines = Array.from({ length: 60 }, (_, i) => `tall-${String(i + 1).padStart(2, '0')}`);
const longParagraph = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} of the paragraph that runs over a page break.`).join(' ');

function splitBook(): MemorySource {
  const chapter = `---\ntitle: Over the page\n---\n\n${longParagraph}\n\n| Field | Value |\n|-------|-------|\n| first | short |\n| tall | ${tallLines.join('<br>')} |\n| last | after |\n`;
  return new MemorySource(
    'over-the-page',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: Over the Page\nlanguage: en\nauthors: [Tester]\ndate: 2025-01-15\npage: a5\nchapters:\n  - over.md\n  - zh.md\n'],
      ['over.md', chapter],
      ['zh.md', '---\ntitle: 中文章節\nlang: zh-Hant\n---\n\n這是 Bindery 的 API 測試。\n'],
    ]),
  );
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

interface Read {
  file: string;
  tree: Element;
  objects: PdfObjects;
}

function read(file: string): Read {
  return { file, tree: structText(file), objects: readObjects(file) };
}

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'tagged PDF: structure tree, marked content and a stamped copy', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-tagged-'));
  let document: BookDocument;
  let edge: Read;
  let stamped: Read;
  let split: Read;
  /** Model text as poppler shows it: no whitespace, a character no font has as the box drawn for it. */
  let shown: (text: string) => string;

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const fallbacks = [await fonts.fallback('hk'), await fonts.fallback('emoji'), await fonts.fallback('hanazono')].filter((bytes) => bytes !== undefined);
    const faces = [fonts.regular, fonts.mono, ...fallbacks].map((bytes) => fontkit.create(bytes as never)) as unknown as {
      hasGlyphForCodePoint(cp: number): boolean;
    }[];
    const segmenter = new Intl.Segmenter('zh-Hant', { granularity: 'grapheme' });
    shown = (text) =>
      [...segmenter.segment(text.replace(/\s+/g, ''))]
        .map(({ segment }) => ([...segment].every((c) => /\p{M}|\u200d|[\ufe00-\ufe0f]/u.test(c) || faces.some((f) => f.hasGlyphForCodePoint(c.codePointAt(0)!))) ? segment : '□'))
        .join('');
    const result = await buildBook(new DirectorySource(EDGE), { formats: ['pdf'], fonts: async () => fonts });
    document = result.document;
    const bytes = result.files[0].bytes;
    writeFileSync(join(work, 'edge.pdf'), bytes);
    const stamper = await FORMAT_REGISTRY.pdf.stamper();
    const licence = { email: 'reader@example.com', orderId: 'pur_0123456789abcdef0123456789abcdef', mark: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b' };
    writeFileSync(join(work, 'stamped.pdf'), await stamper.stamp(bytes, licence, { markKey: MARK_KEY }));
    const over = await buildBook(splitBook(), { formats: ['pdf'], fonts: async () => fonts });
    writeFileSync(join(work, 'split.pdf'), over.files[0].bytes);
    edge = read(join(work, 'edge.pdf'));
    stamped = read(join(work, 'stamped.pdf'));
    split = read(join(work, 'split.pdf'));
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is reported as tagged by pdfinfo, before and after stamping, and passes qpdf --check', () => {
    for (const { file } of [edge, stamped, split]) {
      expect(run('pdfinfo', [file])).toMatch(/^Tagged:\s+yes$/m);
      const check = run('qpdf', ['--check', file]);
      expect(check).toContain('No syntax or stream encoding errors found');
      expect(check).not.toMatch(/WARNING/i);
    }
  });

  it('reads front matter, then each chapter as a Sect (inside its Part), in book order', () => {
    expect(edge.tree.type).toBe('Document');
    const top = edge.tree.kids as Element[];
    expect(top.map((e) => e.type)).toEqual(['Figure', 'Sect', 'Sect', 'Sect', 'Part', 'Sect']);
    expect(textOf(top[1])).toContain('邊界測試之書');
    const [heading, toc] = top[2].kids as Element[];
    expect([heading.type, textOf(heading), toc.type]).toEqual(['H1', '目錄', 'TOC']);
    // The part's chapters are a TOC inside the part's entry.
    const entries = elements(toc, 'TOCI').map((item) => textOf(elements(item, 'Link')[0]));
    const titles = [document.chapters[0].title, document.parts[0].title, document.chapters[1].title, document.chapters[2].title];
    titles.forEach((title, i) => expect(shown(entries[i])).toContain(shown(title)));
    expect(elements(toc, 'Link').every((link) => link.objects === 1)).toBe(true);
    const part = top[4];
    expect((part.kids as Element[]).map((e) => e.type)).toEqual(['H1', 'Sect']);
    expect(textOf(part.kids[0] as Element)).toBe(document.parts[0].title);
  });

  it('tags every heading as H1–H6 with its text, in reading order', () => {
    const expected = [`H1 ${shown('目錄')}`];
    for (const chapter of document.chapters) {
      if (chapter.id === document.parts[0].chapterIds[0]) expected.push(`H1 ${shown(document.parts[0].title)}`);
      expected.push(`H1 ${shown(chapter.title)}`);
      walkBlocks(chapter.blocks, (block) => void (block.type === 'heading' && expected.push(`H${block.level} ${shown(inlineText(block.children))}`)));
    }
    const headings = elements(edge.tree, 'H1', 'H2', 'H3', 'H4', 'H5', 'H6').map((h) => `${h.type} ${shown(textOf(h))}`);
    expect(headings).toEqual(expected);
  });

  it('tags lists as L › LI › Lbl + LBody, the label carrying the number (a definition list\'s: its terms)', () => {
    const lists: Extract<Block, { type: 'list' | 'definitionList' }>[] = [];
    for (const chapter of document.chapters) walkBlocks(chapter.blocks, (block) => void ((block.type === 'list' || block.type === 'definitionList') && lists.push(block)));
    const tagged = elements(edge.tree, 'L');
    expect(tagged.length).toBe(lists.length);
    lists.forEach((list, i) => {
      const items = (tagged[i].kids as Element[]).filter((k) => k.type === 'LI');
      expect(items.length).toBe(list.items.length);
      for (const item of items) expect((item.kids as Element[]).map((k) => k.type)).toEqual(['Lbl', 'LBody']);
      if (list.type === 'definitionList') {
        items.forEach((item, j) => expect(shown(textOf(item.kids[0] as Element))).toBe(shown(list.items[j].terms.map((t) => inlineText(t)).join(''))));
        expect(tagged[i].attributes).toContain('/ListNumbering /None');
        return;
      }
      items.forEach((item, j) => {
        if (list.ordered) expect(textOf(item.kids[0] as Element)).toBe(`${list.start + j}.`);
        expect(shown(textOf(item.kids[1] as Element))).toContain(shown(inlineText(firstParagraph(list.items[j].children))));
      });
      expect(tagged[i].attributes).toContain(list.ordered ? '/ListNumbering /Decimal' : tagged[i].attributes[0]);
    });
  });

  it('tags the table as TR rows of column-scoped TH and TD cells with every cell’s text', () => {
    let table: Extract<Block, { type: 'table' }> | undefined;
    for (const chapter of document.chapters) walkBlocks(chapter.blocks, (block) => void (block.type === 'table' && (table = block)));
    const [tagged] = elements(edge.tree, 'Table');
    const rows = (tagged.kids as Element[]).map((row) => {
      expect(row.type).toBe('TR');
      return row.kids as Element[];
    });
    expect(rows.length).toBe(1 + table!.rows.length);
    rows[0].forEach((th, i) => {
      expect(th.type).toBe('TH');
      expect(th.attributes).toContain('/Scope /Column');
      expect(shown(textOf(th))).toBe(shown(inlineText(table!.header[i])));
    });
    rows.slice(1).forEach((cells, r) => {
      expect(cells.map((c) => c.type)).toEqual(table!.rows[r].map(() => 'TD'));
      cells.forEach((td, c) => expect(shown(textOf(td))).toBe(shown(inlineText(table!.rows[r][c]))));
    });
  });

  it('tags every link as a Link holding its text and its annotations, which carry /Contents and /StructParent', () => {
    const links: Inline[] = [];
    const collect = (nodes: readonly Inline[]) => nodes.forEach((n) => (n.type === 'link' ? links.push(n) : 'children' in n && collect(n.children)));
    for (const chapter of document.chapters) {
      // The source under the byline links to its readable URL.
      const source = chapter.source && externalUrl(chapter.source);
      if (source) links.push({ type: 'link', href: source, children: [{ type: 'text', value: displayUrl(source) }] });
      walkBlocks(chapter.blocks, (block) => {
        if (block.type === 'paragraph' || block.type === 'heading') collect(block.children);
        if (block.type === 'table') [...block.header, ...block.rows.flat()].forEach(collect);
      });
    }
    const [, , contents] = edge.tree.kids as Element[];
    const body = (edge.tree.kids as Element[]).slice(3);
    const tagged = body.flatMap((section) => elements(section, 'Link'));
    expect(tagged.map((l) => shown(textOf(l)))).toEqual(links.map((l) => shown(inlineText((l as Extract<Inline, { type: 'link' }>).children))));
    for (const link of [...tagged, ...elements(contents, 'Link')]) expect(link.objects, textOf(link)).toBeGreaterThan(0);

    const { objects } = edge;
    const parentTree = parentTreeOf(objects);
    let annotations = 0;
    for (const page of objects.pages) {
      for (const ref of (objects.get((objects.get(page) as Record<string, Value>)['/Annots']) as Value[] | undefined) ?? []) {
        const annotation = objects.get(ref) as Record<string, Value>;
        annotations++;
        expect(typeof annotation['/Contents']).toBe('string');
        const element = objects.get(parentTree.get(annotation['/StructParent'] as number)) as Record<string, Value>;
        expect(element['/S']).toBe('/Link');
        expect(kidsOf(element).some((kid) => (objects.get(kid) as Record<string, Value>)?.['/Obj'] === ref)).toBe(true);
      }
    }
    expect(annotations).toBe([...tagged, ...elements(contents, 'Link')].reduce((n, l) => n + l.objects, 0));
  });

  it('gives each figure its alt text and a Caption, the cover the book’s title', () => {
    const images: Extract<Inline, { type: 'image' }>[] = [];
    const collect = (nodes: readonly Inline[]) => nodes.forEach((n) => (n.type === 'image' ? images.push(n) : 'children' in n && collect(n.children)));
    for (const chapter of document.chapters) walkBlocks(chapter.blocks, (block) => void (block.type === 'paragraph' && collect(block.children)));
    const figures = structElements(edge.objects).filter((e) => e['/S'] === '/Figure');
    expect(figures.map((f) => text(f['/Alt']))).toEqual([document.meta.title, ...images.map((i) => i.alt)]);
    const captions = elements(edge.tree, 'Caption').map(textOf);
    expect(captions.map(shown)).toEqual(images.map((i) => shown(i.title || i.alt)));
  });

  it('marks English words in Chinese text with /Lang en, and keeps /ActualText for boxes standing in for missing glyphs and for emoji sequences drawn as one glyph', () => {
    const pieces = contentPieces(edge);
    const english = pieces.filter((p) => p.sequence.lang === 'en').map((p) => p.text);
    expect(english).toEqual(expect.arrayContaining(['API', 'Application Programming Interface', 'endpoint', 'HTTP 200']));
    // A word longer than a line is hyphenated: its lines' pieces (the hyphens are artifacts) make the whole word.
    expect(english.join('')).toContain('Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft');
    // Each is (a line's part of) a run of the language module's, the same runs the EPUB tags.
    const zh = languageOf('zh-Hant');
    for (const text of english) expect(zh.runs(text).filter((run) => !run.lang && /[A-Za-z]/.test(run.text)), text).toEqual([]);
    const boxes = pieces.map((p) => p.sequence.actualText).filter(Boolean);
    // Rare Han characters are boxes only where Hanazono Mincho A (fonts-hanazono) is not installed.
    for (const char of [...['𪚥', '𠀀', '㐀'].filter((c) => shown(c) === '□'), '👩\u200d💻', '👍🏽']) expect(boxes).toContain(char);
    expect(edge.objects.catalog['/Lang']).toBe('u:zh-Hant');
  });

  it('gives a chapter in another language than the book’s a Sect with its /Lang', () => {
    const sections = structElements(split.objects).filter((e) => e['/S'] === '/Sect');
    expect(sections.map((s) => s['/Lang'])).toEqual([undefined, undefined, undefined, 'u:zh-Hant']);
    const english = contentPieces(split).filter((p) => p.sequence.lang === 'en').map((p) => p.text);
    expect(english).toEqual(['Bindery', 'API']);
  });

  it('puts every mark on a page inside marked content: tagged content with MCIDs the ParentTree maps back, the rest artifacts', () => {
    const { objects } = edge;
    const parentTree = parentTreeOf(objects);
    let footers = 0;
    let headers = 0;
    for (const [index, page] of objects.pages.entries()) {
      const dict = objects.get(page) as Record<string, Value>;
      expect(dict['/Tabs']).toBe('/S');
      const marked = markedContent(contentOf(objects, dict));
      expect({ page: index + 1, unmarked: marked.unmarked, unbalanced: marked.unbalanced }).toEqual({ page: index + 1, unmarked: 0, unbalanced: false });
      const tagged = marked.sequences.filter((s) => s.mcid !== undefined);
      // Tagged sequences and artifacts never nest in each other (an /ActualText span inside an artifact is neither).
      expect(tagged.every((s) => s.within.length === 0)).toBe(true);
      expect(marked.sequences.filter((s) => s.tag === '/Artifact' && s.within.length > 0)).toEqual([]);
      expect(tagged.map((s) => s.mcid)).toEqual(tagged.map((_, i) => i));
      const owners = objects.get(parentTree.get(dict['/StructParents'] as number)) as Value[];
      expect(owners.length).toBe(tagged.length);
      owners.forEach((owner, mcid) => {
        const element = objects.get(owner) as Record<string, Value>;
        const holds = kidsOf(element).some((kid) => (kid === mcid && element['/Pg'] === page) || (objects.get(kid) as Record<string, Value>)?.['/MCID'] === mcid);
        expect(holds, `page ${index + 1} MCID ${mcid}`).toBe(true);
      });
      const content = contentOf(objects, dict);
      if (content.includes('/Artifact <</Type /Pagination /Subtype /Footer>> BDC')) footers++;
      if (content.includes('/Artifact <</Type /Pagination /Subtype /Header>> BDC')) headers++;
    }
    // Every body page has its folio, and every one but chapter and part openings its running head, as artifacts.
    expect(footers).toBe(objects.pages.length - 3);
    expect(headers).toBe(objects.pages.length - 3 - document.chapters.length - document.parts.length);
    const root = objects.get(objects.catalog['/StructTreeRoot']) as Record<string, Value>;
    expect(root['/ParentTreeNextKey']).toBe(Math.max(...parentTree.keys()) + 1);
  });

  it('declares itself tagged, shows its title, and identifies as PDF/UA-1 in XMP', () => {
    const { catalog } = edge.objects;
    expect(catalog['/MarkInfo']).toEqual({ '/Marked': true });
    expect((edge.objects.get(catalog['/ViewerPreferences']) as Record<string, Value>)['/DisplayDocTitle']).toBe(true);
    const xmp = edge.objects.stream(catalog['/Metadata'])!.data;
    expect(xmp).toContain('<pdfuaid:part>1</pdfuaid:part>');
    expect(Buffer.from(xmp, 'latin1').toString('utf8')).toContain(`<rdf:li xml:lang="x-default">${document.meta.title}`);
  });

  it('keeps a table row split over pages one TR, and a paragraph over a page break one P, with content on both pages', () => {
    const pagesOf = (element: Record<string, Value>) => new Set(kidsOf(element).map((kid) => (typeof kid === 'number' ? element['/Pg'] : (split.objects.get(kid) as Record<string, Value>)['/Pg'])));
    const all = structElements(split.objects);
    const chapter = (split.tree.kids as Element[]).at(-2)!;
    expect(elements(chapter, 'P').map((p) => textOf(p).replace(/\s+/g, ''))).toEqual([longParagraph.replace(/\s+/g, '')]);
    expect(all.filter((e) => e['/S'] === '/P').map((p) => pagesOf(p).size)).toEqual([1, 1, 1, 2, 1]);
    const [table] = elements(split.tree, 'Table');
    expect((table.kids as Element[]).map((r) => r.type)).toEqual(['TR', 'TR', 'TR', 'TR']);
    const tall = (table.kids[2] as Element).kids as Element[];
    // Row names in the first column head their rows.
    expect(tall.map((c) => [c.type, c.attributes])).toEqual([
      ['TH', ['/Scope /Row']],
      ['TD', []],
    ]);
    expect(textOf(tall[1]).replace(/\s+/g, '')).toBe(tallLines.join(''));
    const cells = all.filter((e) => e['/S'] === '/TD');
    expect(Math.max(...cells.map((c) => pagesOf(c).size))).toBeGreaterThanOrEqual(2);
    // The header repeated on the next page is an artifact: the tree has it once.
    expect(elements(split.tree, 'TH').filter((th) => th.attributes.includes('/Scope /Column')).length).toBe(2);
  });

  it('keeps the structure tree, ParentTree and MarkInfo through the per-buyer stamp, its licence line an artifact', () => {
    expect(stamped.tree).toEqual(edge.tree);
    const root = stamped.objects.get(stamped.objects.catalog['/StructTreeRoot']) as Record<string, Value>;
    expect(parentTreeOf(stamped.objects).size).toBe(parentTreeOf(edge.objects).size);
    expect(root['/ParentTreeNextKey']).toBe((edge.objects.get(edge.objects.catalog['/StructTreeRoot']) as Record<string, Value>)['/ParentTreeNextKey']);
    expect(stamped.objects.catalog['/MarkInfo']).toEqual({ '/Marked': true });
    expect(stamped.objects.stream(stamped.objects.catalog['/Metadata'])!.data).toContain('<pdfuaid:part>1</pdfuaid:part>');
    // The licence line and the hidden marks are artifacts: nothing the stamp adds is untagged content.
    for (const page of stamped.objects.pages) {
      const marked = markedContent(contentOf(stamped.objects, stamped.objects.get(page) as Record<string, Value>));
      expect({ unmarked: marked.unmarked, unbalanced: marked.unbalanced }).toEqual({ unmarked: 0, unbalanced: false });
      expect(marked.sequences.filter((s) => s.mcid !== undefined && s.within.length > 0)).toEqual([]);
    }
  });
});

/** Each marked-content sequence of the tree in reading order, with its text as poppler reads it. */
function contentPieces({ tree, objects }: Read): { text: string; sequence: Sequence }[] {
  const sequences = new Map<string, Sequence>();
  for (const page of objects.pages) {
    for (const sequence of markedContent(contentOf(objects, objects.get(page) as Record<string, Value>)).sequences) {
      if (sequence.mcid !== undefined) sequences.set(`${page} ${sequence.mcid}`, sequence);
    }
  }
  const kids: Sequence[] = [];
  const visit = (ref: Value) => {
    const element = objects.get(ref) as Record<string, Value>;
    for (const kid of kidsOf(element)) {
      if (typeof kid === 'number') kids.push(sequences.get(`${element['/Pg']} ${kid}`)!);
      else if (typeof kid === 'string') visit(kid);
      else if ((kid as Record<string, Value>)['/Type'] === '/MCR') kids.push(sequences.get(`${(kid as Record<string, Value>)['/Pg']} ${(kid as Record<string, Value>)['/MCID']}`)!);
    }
  };
  visit((objects.get(objects.catalog['/StructTreeRoot']) as Record<string, Value>)['/K']);
  const texts: string[] = [];
  const read = (element: Element) => element.kids.forEach((kid) => (typeof kid === 'string' ? texts.push(kid) : read(kid)));
  read(tree);
  // poppler prints one string per marked-content kid, in the same order.
  expect(texts.length).toBe(kids.length);
  return kids.map((sequence, i) => ({ text: texts[i], sequence }));
}

function firstParagraph(blocks: readonly Block[]): Inline[] {
  const first = blocks.find((b) => b.type === 'paragraph');
  return first && first.type === 'paragraph' ? first.children : [];
}

/** A qpdf text string: `u:` for Unicode, `b:` hex bytes. */
function text(value: Value | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.startsWith('u:') ? value.slice(2) : value;
}

function structElements(objects: PdfObjects): Record<string, Value>[] {
  const out: Record<string, Value>[] = [];
  const visit = (ref: Value) => {
    const element = objects.get(ref) as Record<string, Value> | undefined;
    if (!element || typeof element['/S'] !== 'string') return;
    out.push(element);
    for (const kid of kidsOf(element)) if (typeof kid === 'string') visit(kid);
  };
  const root = objects.get(objects.catalog['/StructTreeRoot']) as Record<string, Value>;
  for (const kid of Array.isArray(root['/K']) ? root['/K'] : [root['/K']]) visit(kid);
  return out;
}

/** The ParentTree's entries by key (a flat number tree, or one level of /Kids). */
function parentTreeOf(objects: PdfObjects): Map<number, Value> {
  const root = objects.get(objects.catalog['/StructTreeRoot']) as Record<string, Value>;
  const entries = new Map<number, Value>();
  const visit = (node: Record<string, Value>) => {
    const nums = (node['/Nums'] as Value[] | undefined) ?? [];
    for (let i = 0; i < nums.length; i += 2) entries.set(nums[i] as number, nums[i + 1]);
    for (const kid of (node['/Kids'] as Value[] | undefined) ?? []) visit(objects.get(kid) as Record<string, Value>);
  };
  visit(objects.get(root['/ParentTree']) as Record<string, Value>);
  return entries;
}
