import render from 'dom-serializer';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

/** Text attributes SVG inherits from ancestors but cantoo's drawSvg reads only from the `<text>` element itself. */
const INHERITED_TEXT = ['text-anchor', 'dominant-baseline'] as const;

/**
 * Spells out what SVG leaves implicit and cantoo's drawSvg does not infer, so
 * drawings look as they do in a browser: a `text-anchor="middle"` set on a
 * group is copied onto each `<text>` inside it (otherwise centred labels are
 * drawn starting at their anchor), and a `<rect>` with only `rx` or `ry` gets
 * the other radius (SVG's `auto`; cantoo takes 0 and draws square corners).
 */
export function spellOutSvgAttributes(svg: string): string {
  const doc = parseDocument(svg, { xmlMode: true, decodeEntities: false });
  visit(doc.children, {});
  return render(doc.children, { xmlMode: true, encodeEntities: false, decodeEntities: false });
}

function visit(nodes: readonly ChildNode[], inherited: Readonly<Record<string, string>>): void {
  for (const node of nodes) {
    if (node.type !== 'tag') continue;
    const element = node as Element;
    const attribs = element.attribs;
    const own = { ...inherited };
    for (const name of INHERITED_TEXT) if (attribs[name] !== undefined) own[name] = attribs[name];
    const tag = element.name.toLowerCase();
    if (tag === 'text') for (const [name, value] of Object.entries(own)) attribs[name] ??= value;
    if (tag === 'rect') {
      if (attribs.rx !== undefined && attribs.ry === undefined) attribs.ry = attribs.rx;
      else if (attribs.ry !== undefined && attribs.rx === undefined) attribs.rx = attribs.ry;
    }
    visit(element.children, own);
  }
}
