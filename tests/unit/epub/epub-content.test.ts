import { afterEach, describe, expect, it } from 'vitest';
import { prepareBook } from '../../../src/pipeline/build.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { inlineText, type Block, type Inline } from '../../../src/document/model.ts';
import { walkBlocks } from '../../../src/document/parse.ts';
import { BOOKS, buildEpub, unzipText, visibleText } from './epub-files.ts';
import { trickySource } from './tricky-book.ts';

const squash = (s: string) => s.replace(/\s+/g, '');

/** What a reader must find of each block: its text without images (their alt text lives in attributes). */
function blockTexts(blocks: readonly Block[]): string[] {
  const plain = (nodes: readonly Inline[]): string => nodes.map((n) => (n.type === 'image' ? '' : inlineText([n]))).join('');
  const out: string[] = [];
  walkBlocks(blocks, (b) => {
    if (b.type === 'paragraph' || b.type === 'heading') out.push(plain(b.children));
    else if (b.type === 'code') out.push(b.value);
    else if (b.type === 'table') out.push(...b.header.map(plain), ...b.rows.flat().map(plain));
  });
  return out.filter((t) => squash(t) !== '');
}

describe('the EPUB container', () => {
  it('starts with an uncompressed mimetype entry, as reading systems require', async () => {
    const bytes = await buildEpub(BOOKS.aiVideo);
    const head = new TextDecoder().decode(bytes.subarray(0, 58));
    expect(head.slice(30, 38)).toBe('mimetype');
    expect(head.slice(38)).toBe('application/epub+zip');
    expect(bytes[8]).toBe(0); // compression method: stored
  });

  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it('is byte-identical across two builds of the same book, whatever the machine time zone', async () => {
    process.env.TZ = 'UTC';
    const first = await buildEpub(BOOKS.edgeCases);
    process.env.TZ = 'Pacific/Chatham';
    const second = await buildEpub(BOOKS.edgeCases);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('stamps dcterms:modified from the book date', async () => {
    const files = unzipText(await buildEpub(BOOKS.aiVideo));
    expect(files.get('EPUB/package.opf')).toContain('<meta property="dcterms:modified">2025-10-15T00:00:00Z</meta>');
  });
});

describe('the edge-case book', async () => {
  const files = unzipText(await buildEpub(BOOKS.edgeCases));
  const { document } = await prepareBook(new DirectorySource(BOOKS.edgeCases), { formats: ['epub'] });
  const xhtml = [...files].filter(([path]) => path.endsWith('.xhtml'));

  it('contains the text of every paragraph, heading, table cell and code block', () => {
    for (const chapter of document.chapters) {
      const shown = squash(visibleText(files.get(`EPUB/${chapter.id}.xhtml`)!));
      for (const expected of blockTexts(chapter.blocks)) expect(shown, `${chapter.file}: ${expected}`).toContain(squash(expected));
    }
  });

  it('contains no executable HTML: no script, event handler, javascript: URL or iframe', () => {
    for (const [path, content] of xhtml) {
      expect(content, path).not.toMatch(/<script/i);
      // Inside a tag: the same words shown as code are escaped text and harmless.
      expect(content, path).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
      expect(content, path).not.toMatch(/(href|src)="\s*javascript:/i);
      expect(content, path).not.toMatch(/<iframe|<object|<embed|<form/i);
    }
  });

  it('keeps CJK, rare Han and emoji as UTF-8 text, never numeric character references', () => {
    const all = xhtml.map(([, c]) => c).join('') + files.get('EPUB/package.opf') + files.get('EPUB/toc.ncx');
    expect(all).not.toMatch(/&#/);
    expect(all).toContain('𠀀');
    expect(files.get('EPUB/package.opf')).toContain('<dc:title id="title">邊界測試之書：「排版」與『安全』的陷阱集</dc:title>');
  });

  it('sets xml:lang and lang from the book on every page', () => {
    for (const [path, content] of xhtml) expect(content, path).toMatch(/<html [^>]*xml:lang="zh-Hant" lang="zh-Hant"/);
  });

  it('points every internal link and table-of-contents entry at an id that exists', () => {
    const idsByFile = new Map(xhtml.map(([path, c]) => [path.replace(/^EPUB\//, ''), new Set([...c.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))]));
    const links = [...xhtml, ['EPUB/toc.ncx', files.get('EPUB/toc.ncx')!] as const].flatMap(([, c]) => [...c.matchAll(/(?:href|src)="([^"#:]+\.xhtml)(?:#([^"]*))?"/g)]);
    expect(links.length).toBeGreaterThan(5);
    for (const [, file, anchor] of links) {
      expect(idsByFile.has(file), file).toBe(true);
      if (anchor) expect(idsByFile.get(file)!.has(anchor), `${file}#${anchor}`).toBe(true);
    }
  });

  it('generates a typographic cover naming the title when the book has no cover image', () => {
    expect(files.get('EPUB/package.opf')).toContain('properties="cover-image"');
    expect(visibleText(files.get('EPUB/images/cover.svg')!)).toContain('邊界測試之書');
  });
});

describe('rendering details', async () => {
  const files = unzipText(await buildEpub(trickySource()));
  const one = files.get('EPUB/ch01.xhtml')!;

  it('aligns table columns with CSS classes, never the align attribute', () => {
    expect(one).toContain('<th scope="col" class="align-left">a</th><th scope="col" class="align-center">b</th><th scope="col" class="align-right">c</th>');
    expect(one).not.toMatch(/\salign=/);
  });

  it('writes task-list checkboxes as ☐ and ☑ text', () => {
    expect(one).toContain('<span class="checkbox">☐</span> todo');
    expect(one).toContain('<span class="checkbox">☑</span> done');
  });

  it('sets an image alone in its paragraph as a figure captioned from its title', () => {
    expect(one).toMatch(/<figure class="figure"><img src="images\/\d{3}-unicode-name\.png" alt="pic" title="A title"[^>]*\/><figcaption>A title<\/figcaption><\/figure>/);
  });

  it('names files inside the EPUB with safe ASCII names', () => {
    for (const path of files.keys()) expect(path).toMatch(/^[A-Za-z0-9._/-]+$/);
  });

  it('rewrites links between chapters and keeps a link to a missing file as plain text', () => {
    expect(one).toContain('<a href="ch02.xhtml#second">two</a>');
    expect(one).toContain(', missing, ');
    expect(one).toContain('<a href="mailto:a@b.c">mail</a>');
  });

  it('drops a javascript: source URL instead of linking it', () => {
    expect(one).not.toContain('javascript:');
  });

  it('uses a chapter lang when valid and the book language when not', () => {
    expect(files.get('EPUB/ch02.xhtml')).toMatch(/xml:lang="fr" lang="fr"/);
    expect(one).toMatch(/xml:lang="en" lang="en"/);
  });

  it('shows the alt text of an image no reader could show, and packs no such file (EPUBCheck: corrupted image)', () => {
    expect(one).toContain('a photo cut short an empty picture');
    expect([...files.keys()].filter((path) => /stub|empty/.test(path))).toEqual([]);
  });

  it('refuses a cover no reader could show, naming book.yaml and the field', async () => {
    await expect(buildEpub(trickySource('cover: img/stub.jpg\n'))).rejects.toMatchObject({ code: 'invalid-image', where: { file: 'book.yaml', field: 'cover' } });
  });

  it('gives WebP images a core-media-type fallback in the manifest', () => {
    expect(files.get('EPUB/package.opf')).toMatch(/media-type="image\/webp" fallback="(img\d+-fallback)"/);
  });

  it('keeps a code block that starts with a blank line intact', () => {
    expect(one).toContain('<pre><code><span class="line">\n</span><span class="line">leading blank</span></code></pre>');
  });
});
