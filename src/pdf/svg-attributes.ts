import render from 'dom-serializer';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

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
    visit(element.children, { text, fill });
  }
}

function hasStyleSheet(nodes: readonly ChildNode[]): boolean {
  return nodes.some((node) => node.type === 'tag' && ((node as Element).name.toLowerCase() === 'style' || hasStyleSheet((node as Element).children)));
}
