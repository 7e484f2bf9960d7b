import { Marked, Parser, Renderer, type Token, type Tokens } from 'marked';
import { childBlocks, inlineRunsOf, type Block, type Inline, type ListItem } from './model.ts';
import { definitionListExtension, type DefinitionListToken } from './definition-lists.ts';
import { arrangeHeadings, type HeadingOptions } from './headings.ts';
import { htmlToBlocks, htmlToInlines, MARKDOWN_IMAGE } from './sanitize.ts';
import { mapInlineRuns } from './inline-runs.ts';
import { InlineTooDeep, MAX_NESTING, NestingTokenizer, refuseDeepNesting } from './nesting.ts';
import { BinderyError, type Warning } from '../errors.ts';
import { pushAll } from '../arrays.ts';
import { joinSoftBreaks } from './soft-breaks.ts';
import { curlQuotes } from './typography.ts';

/** Marks Markdown images so the sanitizer can tell them from raw HTML `<img>`. */
class MarkingRenderer extends Renderer {
  override image(token: Tokens.Image): string {
    return super.image(token).replace(/^<img /, `<img ${MARKDOWN_IMAGE} `);
  }
}

const OPTIONS = { gfm: true, breaks: false, renderer: new MarkingRenderer() };

/** GitHub-flavoured Markdown plus definition lists (definition-lists.ts). */
const MARKDOWN = new Marked({ gfm: true, extensions: [definitionListExtension] });

/**
 * Markdown → document model. marked's lexer gives the block structure;
 * inline content goes through marked's inline renderer and then the
 * allow-list sanitizer, so raw inline HTML is handled by one code path.
 *
 * Soft line breaks are joined (nothing between CJK characters, a space
 * elsewhere; see soft-breaks.ts), headings arranged under the chapter title
 * (see headings.ts) and straight quotes curled (typography.ts), so writers
 * see neither source wrapping, skipped levels nor typewriter quotes.
 *
 * @param startLine line of the file where `markdown` begins, so nodes carry real file lines.
 * @param headings the article's title (a first heading repeating it is dropped), its file and a sink for warnings.
 */
export function parseMarkdown(markdown: string, startLine = 1, headings: HeadingOptions = {}): Block[] {
  refuseDeepNesting(markdown, startLine, headings.file);
  const tokens = lex(markdown, startLine, headings.file);
  if (headings.file && headings.warn) warnLeftOutHtml(tokens, markdown, startLine, headings.file, headings.warn);
  const blocks = inFile(headings.file, () => convertTokens(tokens, markdown, startLine));
  mapInlineRuns(blocks, joinSoftBreaks);
  arrangeHeadings(blocks, headings);
  mapInlineRuns(blocks, curlQuotes);
  return blocks;
}

/** marked's options for lexing: its own, with emphasis held to MAX_NESTING (one tokenizer: lexing is synchronous). */
const LEX_OPTIONS = { ...MARKDOWN.defaults, tokenizer: new NestingTokenizer() };

/**
 * marked's tokens for `markdown`. Emphasis nested too deep is refused naming
 * its paragraph (inline markup ends at a blank line), found once the whole
 * has failed; so is anything else that runs marked out of stack.
 */
function lex(markdown: string, startLine: number, file: string | undefined): Token[] {
  try {
    return MARKDOWN.lexer(markdown, LEX_OPTIONS);
  } catch (err) {
    const tooDeep = err instanceof InlineTooDeep;
    if (!tooDeep && !(err instanceof RangeError && /call stack/i.test(err.message))) throw err;
    const message = tooDeep ? `emphasis nests more than ${MAX_NESTING} deep here; at most ${MAX_NESTING}` : 'emphasis or other inline markup nests too deep here to be read';
    throw new BinderyError('invalid-article', message, { ...(file ? { file } : {}), line: startLine + deepestParagraphLine(markdown) }, { cause: err });
  }
}

/**
 * The line (from 0) of the paragraph whose tokens nest deepest: one that
 * still fails alone counts as deepest. Lexed alone, a paragraph that ran
 * marked out of stack may fit (frames shrink once V8 has optimised marked),
 * so the line is found by depth, not by which paragraph fails again.
 */
function deepestParagraphLine(markdown: string): number {
  let line = 0;
  let deepest = { line: 0, depth: -1 };
  for (const paragraph of markdown.split(/\n(?=[ \t]*\n)/)) {
    const lines = paragraph.split('\n');
    let depth: number;
    try {
      depth = tokenDepth(MARKDOWN.lexer(paragraph, LEX_OPTIONS));
    } catch {
      depth = Infinity;
    }
    if (depth > deepest.depth) deepest = { line: line + Math.max(0, lines.findIndex((text) => text.trim() !== '')), depth };
    if (depth === Infinity) break;
    line += lines.length;
  }
  return deepest.line;
}

function tokenDepth(tokens: readonly Token[]): number {
  let depth = 0;
  let level = [...tokens];
  while (level.length > 0) {
    depth++;
    const next: Token[] = [];
    for (const token of level) {
      const children = 'tokens' in token && Array.isArray(token.tokens) ? token.tokens : 'items' in token && Array.isArray(token.items) ? token.items : [];
      pushAll(next, children as Token[]);
    }
    level = next;
  }
  return depth;
}

/** Raw HTML elements the sanitizer leaves out with their content, which is text a reader would have seen (a formula, a fallback, a label). */
const LEFT_OUT_WITH_TEXT = /<(math|svg|video|audio|canvas|object|embed|textarea|select|button|noscript)\b/i;

/**
 * Warns where raw HTML holds an element the sanitizer leaves out with all it
 * holds: the book must not lose words unannounced. Script, styles and the
 * like go silently; they are never text.
 */
function warnLeftOutHtml(tokens: Token[], markdown: string, startLine: number, file: string, warn: (warning: Warning) => void): void {
  let from = 0;
  MARKDOWN.walkTokens(tokens, (token) => {
    if (token.type !== 'html') return;
    const tag = LEFT_OUT_WITH_TEXT.exec(token.raw)?.[1]?.toLowerCase();
    const at = markdown.indexOf(token.raw, from);
    if (at !== -1) from = at;
    if (!tag) return;
    const hint = tag === 'svg' ? ' (a drawing goes in an image file)' : '';
    warn({ file, line: startLine + countLines(markdown, from), message: `raw HTML <${tag}> is left out with what it holds: only allow-listed HTML reaches the book${hint}` });
  });
}

/** Runs `convert`, naming `file` in an error it throws about a line of it (the raw-HTML sanitizer knows lines, not files). */
function inFile<T>(file: string | undefined, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (!file || !(err instanceof BinderyError) || err.where.file) throw err;
    throw new BinderyError(err.code, err.message, { file, ...err.where }, { cause: err.cause });
  }
}

function convertTokens(tokens: readonly Token[], text: string, startLine: number): Block[] {
  const out: Block[] = [];
  let offset = 0;
  // Tokens come in source order, so newlines are counted once, from the previous token on (not from the start each time).
  let counted = 0;
  let line = startLine;
  for (const token of tokens) {
    const at = token.raw ? text.indexOf(token.raw, offset) : -1;
    const pos = at === -1 ? offset : at;
    line += countLines(text, pos, counted);
    counted = pos;
    if (at !== -1) offset = at + token.raw.length;
    for (const block of convertToken(token, line)) out.push(block);
  }
  return out;
}

/** Newlines in `text` from `start` up to (not including) `end`. */
function countLines(text: string, end: number, start = 0): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function inlines(tokens: Token[] | undefined, line: number): Inline[] {
  if (!tokens?.length) return [];
  return htmlToInlines(Parser.parseInline(tokens, OPTIONS), line);
}

function convertToken(token: Token, line: number): Block[] {
  switch (token.type) {
    case 'heading': {
      const t = token as Tokens.Heading;
      return [{ type: 'heading', level: t.depth as 1, id: '', children: inlines(t.tokens, line), line }];
    }
    case 'paragraph':
      return paragraph(inlines((token as Tokens.Paragraph).tokens, line), line);
    case 'text': {
      const t = token as Tokens.Text;
      return paragraph(t.tokens ? inlines(t.tokens, line) : htmlToInlines(escapeHtml(t.text), line), line);
    }
    case 'code': {
      const t = token as Tokens.Code;
      const lang = t.lang?.trim().split(/\s+/)[0];
      return [{ type: 'code', ...(lang ? { lang } : {}), value: t.text, line }];
    }
    case 'blockquote': {
      const t = token as Tokens.Blockquote;
      return [{ type: 'quote', children: convertTokens(t.tokens, t.raw, line), line }];
    }
    case 'list': {
      const t = token as Tokens.List;
      const items: ListItem[] = t.items.map((item) => ({
        checked: item.task ? Boolean(item.checked) : null,
        children: convertTokens(item.tokens.filter((c) => c.type !== 'checkbox'), item.raw, line + countLines(t.raw, t.raw.indexOf(item.raw))),
      }));
      const start = t.ordered && typeof t.start === 'number' ? t.start : 1;
      return [{ type: 'list', ordered: t.ordered, start, items, line }];
    }
    case 'table': {
      const t = token as Tokens.Table;
      return [
        {
          type: 'table',
          align: t.align.map((a) => a ?? null),
          header: t.header.map((cell) => inlines(cell.tokens, line)),
          rows: t.rows.map((row) => row.map((cell) => inlines(cell.tokens, line))),
          line,
        },
      ];
    }
    case 'hr':
      return [{ type: 'thematicBreak', line }];
    case 'html':
      return htmlToBlocks((token as Tokens.HTML).text, line);
    case 'definitionList': {
      const t = token as DefinitionListToken;
      const items = t.items.map((item) => {
        const first = line + item.terms[0].lineOffset;
        return {
          terms: item.terms.map((term) => inlines(term.tokens, line + term.lineOffset)),
          definitions: item.definitions.map((d) => convertTokens(d.tokens, d.text, line + d.lineOffset)),
          line: first,
        };
      });
      return [{ type: 'definitionList', items, line }];
    }
    default:
      // space, def (link definitions are applied by the lexer), checkbox
      return [];
  }
}

function paragraph(children: Inline[], line: number): Block[] {
  return children.length ? [{ type: 'paragraph', children, line }] : [];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Visits every block, depth first, including those inside quotes, list items and definitions. */
export function walkBlocks(blocks: readonly Block[], visit: (block: Block) => void): void {
  for (const block of blocks) {
    visit(block);
    for (const children of childBlocks(block)) walkBlocks(children, visit);
  }
}

/** Visits every inline node in the blocks, depth first. */
export function walkInlines(blocks: readonly Block[], visit: (node: Inline) => void): void {
  const visitAll = (nodes: readonly Inline[]) => {
    for (const node of nodes) {
      visit(node);
      if ('children' in node) visitAll(node.children);
    }
  };
  walkBlocks(blocks, (block) => inlineRunsOf(block).forEach(visitAll));
}
