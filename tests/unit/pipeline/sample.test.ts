import { describe, expect, it } from 'vitest';
import type { Asset, Block, BookDocument, Chapter, Inline } from '../../../src/document/model.ts';
import { prepareBook } from '../../../src/pipeline/build.ts';
import { sampleDocument } from '../../../src/pipeline/sample.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { BOOKS } from '../epub/epub-files.ts';

const text = (value: string): Inline => ({ type: 'text', value });
const link = (chapterId: string, label: string): Inline => ({ type: 'link', href: `${chapterId}.md`, target: { chapterId }, children: [{ type: 'strong', children: [text(label)] }] });
const image = (src: string): Inline => ({ type: 'image', src, alt: src, line: 1 });
const paragraph = (...children: Inline[]): Block => ({ type: 'paragraph', children, line: 1 });
const asset = (path: string): Asset => ({ path, mediaType: 'image/png', bytes: new Uint8Array([1]) });

function chapter(id: string, sample: boolean, blocks: Block[]): Chapter {
  return { id, file: `${id}.md`, title: id, sample, blocks, headings: [] };
}

/** Three chapters, the second marked as the sample; links to all of them from every kind of block. */
function book(): BookDocument {
  const everywhere = (target: string): Block[] => [
    paragraph(link(target, `to ${target}`), { type: 'emphasis', children: [link(target, 'nested')] }),
    { type: 'heading', level: 2, id: 'h', children: [link(target, 'heading')], line: 1 },
    { type: 'list', ordered: false, start: 1, items: [{ checked: null, children: [paragraph(link(target, 'item'))] }], line: 1 },
    { type: 'table', align: [null], header: [[link(target, 'head')]], rows: [[[link(target, 'cell')]]], line: 1 },
    { type: 'quote', children: [paragraph(link(target, 'quoted'))], line: 1 },
  ];
  return {
    meta: { slug: 'b', title: 'B', language: 'en', authors: [], date: '2025-01-01', modified: new Date(0), identifier: 'urn:uuid:x', tags: [], page: 'a5', cover: 'cover.png', tdm: { reserved: true } },
    warnings: [],
    chapters: [
      chapter('ch01', false, [paragraph(image('images/one.png'))]),
      chapter('ch02', true, [paragraph(image('images/two.png')), ...everywhere('ch01'), ...everywhere('ch02')]),
      chapter('ch03', false, [paragraph(link('ch02', 'back'))]),
    ],
    parts: [{ title: 'Part', chapterIds: ['ch01', 'ch02'] }, { title: 'Rest', chapterIds: ['ch03'] }],
    assets: new Map(['cover.png', 'images/one.png', 'images/two.png'].map((p) => [p, asset(p)])),
  };
}

/** Every link into the book (target and label) and every plain span (label) in the blocks. */
function links(blocks: readonly Block[]): string[] {
  const out: string[] = [];
  const inlines = (nodes: readonly Inline[]) => {
    for (const node of nodes) {
      if (node.type === 'link' && node.target) out.push(`link ${node.target.chapterId}: ${JSON.stringify(node.children)}`);
      else if (node.type === 'span') out.push(`span: ${JSON.stringify(node.children)}`);
      else if ('children' in node) inlines(node.children);
    }
  };
  const walk = (list: readonly Block[]) => {
    for (const block of list) {
      if (block.type === 'paragraph' || block.type === 'heading') inlines(block.children);
      if (block.type === 'quote') walk(block.children);
      if (block.type === 'list') for (const item of block.items) walk(item.children);
      if (block.type === 'table') [...block.header, ...block.rows.flat()].forEach(inlines);
    }
  };
  walk(blocks);
  return out;
}

describe('the free sample', () => {
  it('keeps the marked chapters, their parts and the images they show, and the cover', () => {
    const sample = sampleDocument(book());
    expect(sample.chapters.map((c) => c.id)).toEqual(['ch02']);
    expect(sample.parts).toEqual([{ title: 'Part', chapterIds: ['ch02'] }]);
    expect([...sample.assets.keys()]).toEqual(['cover.png', 'images/two.png']);
  });

  it('turns links into chapters left out into plain text, in every kind of block, and keeps the others', () => {
    const [kept] = sampleDocument(book()).chapters;
    const strong = (label: string) => JSON.stringify([{ type: 'strong', children: [text(label)] }]);
    expect(links(kept.blocks)).toEqual([
      `span: ${strong('to ch01')}`,
      `span: ${strong('nested')}`,
      `span: ${strong('heading')}`,
      `span: ${strong('item')}`,
      `span: ${strong('head')}`,
      `span: ${strong('cell')}`,
      `span: ${strong('quoted')}`,
      `link ch02: ${strong('to ch02')}`,
      `link ch02: ${strong('nested')}`,
      `link ch02: ${strong('heading')}`,
      `link ch02: ${strong('item')}`,
      `link ch02: ${strong('head')}`,
      `link ch02: ${strong('cell')}`,
      `link ch02: ${strong('quoted')}`,
    ]);
    expect(JSON.stringify(kept.blocks)).not.toContain('"chapterId":"ch01"');
  });

  it('falls back to the first chapter when none is marked', () => {
    const doc = book();
    for (const c of doc.chapters) c.sample = false;
    expect(sampleDocument(doc).chapters.map((c) => c.id)).toEqual(['ch01']);
  });

  it('leaves the whole book untouched', () => {
    const doc = book();
    const before = JSON.stringify(doc.chapters);
    sampleDocument(doc);
    expect(JSON.stringify(doc.chapters)).toBe(before);
    expect(doc.assets.size).toBe(3);
  });

  it.each(Object.entries(BOOKS))('of %s holds the same chapters and links as the book it comes from', async (_name, dir) => {
    const { document } = await prepareBook(new DirectorySource(dir), { formats: ['epub'] });
    const sample = sampleDocument(document);
    for (const chapter of sample.chapters) {
      const original = document.chapters.find((c) => c.id === chapter.id)!;
      expect(chapter.title).toBe(original.title);
      const targets = links(chapter.blocks).filter((l) => l.startsWith('link '));
      for (const target of targets) expect(sample.chapters.map((c) => c.id)).toContain(target.slice(5, target.indexOf(':')));
    }
  });
});
