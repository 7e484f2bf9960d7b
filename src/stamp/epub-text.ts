/**
 * The EPUB text layer: the buyer's invisible mark (text-mark.ts) written into
 * the running text of a content document, at punctuation so it never splits a
 * word or a CJK phrase a reader searches for, often enough that any ~300
 * characters a reader copies carry a whole mark.
 */

/** Visible characters after a mark before the next one is placed, at the next punctuation. */
const SPACING = 110;
/** Past this many, a mark goes at the next space between words when no punctuation came. */
const SPACING_WITHOUT_PUNCTUATION = 170;
/** Elements whose text is left alone: code a reader copies and runs, and markup that is not running text. */
const SKIPPED = new Set(['head', 'script', 'style', 'pre', 'code', 'kbd', 'samp', 'svg', 'math', 'textarea']);
/** Markup, comments and CDATA; the text between them is what gets marked. */
const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<[^>]*>/g;
/** Sentence or clause punctuation after which a mark may go: Latin ones only before a space (the mark then follows the space), full-width ones anywhere. */
const LATIN_PUNCTUATION = new Set('.!?;:,)]"\'’”»');
const CJK_PUNCTUATION = new Set('。！？；：，、」』）》〉】〕…');
/** XML whitespace: what separates words in the source. */
const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';

/**
 * Writes `mark` into the body text of one XHTML document: every SPACING
 * characters or so, and at least once in a document with any boundary to put
 * it at (a short chapter gets its mark at the first one).
 * @returns the document, and how many marks went in.
 */
export function markXhtml(xhtml: string, mark: string): { xhtml: string; marked: number } {
  const spaced = markEvery(xhtml, mark, SPACING - 30); // the first mark comes soon after the text starts
  return spaced.marked > 0 ? spaced : markEvery(xhtml, mark, Number.MAX_SAFE_INTEGER);
}

function markEvery(xhtml: string, mark: string, firstAfter: number): { xhtml: string; marked: number } {
  const out: string[] = [];
  const skipping: string[] = [];
  let since = firstAfter;
  let marked = 0;
  let afterSpace = false;
  let last = 0;
  for (const match of xhtml.matchAll(MARKUP)) {
    if (match.index > last) out.push(skipping.length ? xhtml.slice(last, match.index) : markText(xhtml.slice(last, match.index)));
    const tag = match[0];
    out.push(tag);
    last = match.index + tag.length;
    const name = /^<\/?([A-Za-z][\w:.-]*)/.exec(tag)?.[1]?.toLowerCase().replace(/^.*:/, '');
    if (!name || tag.endsWith('/>')) continue;
    if (tag.startsWith('</')) {
      if (skipping.at(-1) === name) skipping.pop();
    } else if (SKIPPED.has(name)) skipping.push(name);
  }
  out.push(xhtml.slice(last));
  return { xhtml: out.join(''), marked };

  function markText(text: string): string {
    let result = '';
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (isSpace(ch)) {
        if (since >= SPACING_WITHOUT_PUNCTUATION && i > 0 && !isSpace(text[i - 1])) afterSpace = true;
        continue;
      }
      // Latin marks go after the space, before the next word: right after a full stop, a speech engine reads the stop as "dot".
      if (afterSpace) place(i);
      if (ch === '&') {
        const end = text.indexOf(';', i);
        if (end > i) i = end; // an entity is one visible character
      }
      since++;
      if (since < SPACING) continue;
      const next = text[i + 1];
      if (CJK_PUNCTUATION.has(ch) && !CJK_PUNCTUATION.has(next)) place(i + 1);
      else if (LATIN_PUNCTUATION.has(ch) && isSpace(next)) afterSpace = true;
    }
    return result + text.slice(from);

    function place(at: number): void {
      result += text.slice(from, at) + mark;
      from = at;
      since = 0;
      afterSpace = false;
      marked++;
    }
  }
}
