import type { Warning } from '../errors.ts';
import { childBlocks, inlineText, type Block } from './model.ts';

/**
 * An article's headings, arranged under its chapter title: the title is the
 * level-1 heading, so the article's own headings start at level 2 and never
 * skip a level (h2 → h4 becomes h2 → h3).
 */

export interface HeadingOptions {
  /** The article's front-matter title: a first heading repeating it is dropped (the chapter opener prints the title). */
  title?: string;
  /** The article's file, named by warnings. */
  file?: string;
  /** Receives a warning for every place where the source skips a heading level. */
  warn?: (warning: Warning) => void;
}

/**
 * Drops a first heading that repeats the chapter title (CMS exports start
 * the body with `# Title`), then re-levels every heading from its nesting
 * in the source: a heading sits one level under the nearest earlier heading
 * of a smaller source level, and the outermost ones are h2. Where the source
 * itself skips a level (`##` then `####`, or a dropped `#` title then
 * `###`), the heading is promoted and a warning names the file and line.
 */
export function arrangeHeadings(blocks: Block[], options: HeadingOptions = {}): void {
  let titleLevel: number | undefined;
  const first = blocks[0];
  if (options.title !== undefined && first?.type === 'heading' && sameTitle(inlineText(first.children), options.title)) {
    blocks.shift();
    titleLevel = first.level;
  }
  const open: { source: number; level: number }[] = [];
  for (const heading of headingsOf(blocks)) {
    const source = heading.level;
    while (open.length && open[open.length - 1].source >= source) open.pop();
    const parent = open[open.length - 1];
    const parentSource = parent?.source ?? titleLevel;
    const level = Math.min(6, (parent?.level ?? 1) + 1);
    if (parentSource !== undefined && source > parentSource + 1 && options.warn) {
      options.warn({
        file: options.file ?? '',
        line: heading.line,
        message: `heading "${inlineText(heading.children).trim().slice(0, 40)}" skips a level (h${parentSource} to h${source}); set as h${level}`,
      });
    }
    open.push({ source, level });
    heading.level = level as 2;
  }
}

/**
 * Whether a heading's text is the title: compared after Unicode NFKC (full-
 * and half-width forms alike), with whitespace removed.
 *
 * @example sameTitle(' 工具地圖 ', '工具地圖') // true
 * @example sameTitle('ＡＩ：工具', 'AI: 工具') // true
 */
export function sameTitle(heading: string, title: string): boolean {
  const key = (s: string) => s.normalize('NFKC').replace(/\s+/gu, '');
  const a = key(heading);
  return a !== '' && a === key(title);
}

/** Every heading of the blocks in document order, including those inside quotes, list items and definitions. */
function headingsOf(blocks: readonly Block[]): Extract<Block, { type: 'heading' }>[] {
  const out: Extract<Block, { type: 'heading' }>[] = [];
  const visit = (list: readonly Block[]) => {
    for (const block of list) {
      if (block.type === 'heading') out.push(block);
      else childBlocks(block).forEach(visit);
    }
  };
  visit(blocks);
  return out;
}
