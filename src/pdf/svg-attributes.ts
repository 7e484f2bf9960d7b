import render from 'dom-serializer';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { endOfMatch } from '../scan.ts';

/** Text attributes SVG inherits from ancestors but cantoo's drawSvg reads only from the `<text>` element itself. */
const INHERITED_TEXT = ['text-anchor', 'dominant-baseline'] as const;
/** Shapes SVG fills black unless told otherwise; cantoo's drawSvg fills them only when a fill is written. */
const FILLED_SHAPES = new Set(['rect', 'circle', 'ellipse', 'path', 'polygon', 'polyline']);
const FILL_IN_STYLE = /(^|;)\s*fill\s*:/i;

interface Inherited {
  text: Readonly<Record<string, string>>;
  /** Some ancestor sets `fill` (a colour or `none`), so a shape without its own fill is not black. */
  fill: boolean;
}

/**
 * Spells out what SVG leaves implicit and cantoo's drawSvg does not infer, so
 * drawings look as they do in a browser: a `text-anchor="middle"` set on a
 * group is copied onto each `<text>` inside it (otherwise centred labels are
 * drawn starting at their anchor), a `<rect>` with only `rx` or `ry` gets
 * the other radius (SVG's `auto`; cantoo takes 0 and draws square corners),
 * and a shape with no fill of its own or inherited gets SVG's initial black
 * (cantoo skips it). That last rule is not applied to a drawing with a
 * `<style>` sheet: cantoo ignores style sheets, so a class may be what sets
 * the fill, and guessing black would paint over the drawing.
 */
export function spellOutSvgAttributes(svg: string): string {
  const doc = parseDocument(svg, { xmlMode: true, decodeEntities: false });
  visit(doc.children, { text: {}, fill: hasStyleSheet(doc.children) });
  return render(doc.children, { xmlMode: true, encodeEntities: false, decodeEntities: false });
}

function visit(nodes: readonly ChildNode[], inherited: Inherited): void {
  for (const node of nodes) {
    if (node.type !== 'tag') continue;
    const element = node as Element;
    const attribs = element.attribs;
    const text = { ...inherited.text };
    for (const name of INHERITED_TEXT) if (attribs[name] !== undefined) text[name] = attribs[name];
    const fill = inherited.fill || attribs.fill !== undefined || FILL_IN_STYLE.test(attribs.style ?? '');
    const tag = element.name.toLowerCase();
    if (tag === 'text') for (const [name, value] of Object.entries(text)) attribs[name] ??= value;
    if (tag === 'rect') {
      if (attribs.rx !== undefined && attribs.ry === undefined) attribs.ry = attribs.rx;
      else if (attribs.ry !== undefined && attribs.rx === undefined) attribs.rx = attribs.ry;
    }
    if (!fill && FILLED_SHAPES.has(tag)) attribs.fill = 'black';
    if (tag === 'path' && attribs.d !== undefined) attribs.d = pathDataUpToError(attribs.d);
    visit(element.children, { text, fill });
  }
}

function hasStyleSheet(nodes: readonly ChildNode[]): boolean {
  return nodes.some((node) => node.type === 'tag' && ((node as Element).name.toLowerCase() === 'style' || hasStyleSheet((node as Element).children)));
}

/** Numbers each path command takes per segment (SVG 1.1 §8.3). */
const PATH_ARGUMENTS: Record<string, number> = { m: 2, l: 2, h: 1, v: 1, c: 6, s: 4, q: 4, t: 2, a: 7, z: 0 };
const PATH_NUMBER = /[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const PATH_FLAG = /[01]/y;
const PATH_SEPARATOR = /[\s,]*/y;

/**
 * Path data up to its first error, which is where SVG renderers stop
 * drawing it (SVG 1.1 §F.2): a path ending in a command without its numbers
 * (`M10 10 L90 90 M`) failed in cantoo's drawSvg and lost the whole image.
 */
export function pathDataUpToError(d: string): string {
  let at = skip(PATH_SEPARATOR, d, 0);
  let valid = 0;
  let first = true;
  while (at < d.length) {
    const command = d[at];
    const count = PATH_ARGUMENTS[command.toLowerCase()];
    if (count === undefined || (first && command.toLowerCase() !== 'm')) break;
    first = false;
    at = skip(PATH_SEPARATOR, d, at + 1);
    if (count === 0) {
      valid = at;
      continue;
    }
    // A command repeats its segment while numbers follow; it stands once it has one whole segment.
    let segments = 0;
    for (;;) {
      let end = at;
      for (let k = 0; k < count && end !== -1; k++) {
        const arcFlag = command.toLowerCase() === 'a' && (k === 3 || k === 4);
        end = endOfMatch(arcFlag ? PATH_FLAG : PATH_NUMBER, d, end);
        if (end !== -1) end = skip(PATH_SEPARATOR, d, end);
      }
      if (end === -1) break;
      segments++;
      at = end;
      valid = at;
    }
    if (segments === 0) break;
  }
  return d.slice(0, valid).trimEnd();
}

function skip(pattern: RegExp, text: string, at: number): number {
  return Math.max(at, endOfMatch(pattern, text, at));
}

