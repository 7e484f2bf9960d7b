import render from 'dom-serializer';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

/**
 * SVG images are documents that can run script. Before an SVG goes into a
 * book it loses scripts, foreign HTML, animation (which can rewrite links),
 * event handlers and any reference that is not internal (`#id`) or an
 * embedded raster image. Text is kept exactly as written (entities are not
 * decoded), so the allow-list of references sees what a reader would.
 */
const DROPPED = new Set(['script', 'foreignobject', 'iframe', 'embed', 'object', 'audio', 'video', 'animate', 'animatemotion', 'animatetransform', 'set', 'discard', 'handler', 'listener']);
const LINK_ATTRIBUTES = new Set(['href', 'xlink:href', 'src']);
const SAFE_REFERENCE = /^(#|data:image\/(png|jpeg|gif|webp);base64,)/i;

export function sanitizeSvg(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  const doc = parseDocument(text, { xmlMode: true, decodeEntities: false });
  clean(doc.children);
  const body = render(doc.children.filter((n) => n.type !== 'directive'), { xmlMode: true, encodeEntities: false, decodeEntities: false });
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n${body.trim()}\n`);
}

function clean(nodes: ChildNode[]): void {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.type === 'comment' || (isElement(node) && DROPPED.has(node.name.toLowerCase()))) {
      nodes.splice(i, 1);
      continue;
    }
    if (isElement(node)) {
      for (const name of Object.keys(node.attribs)) {
        const lower = name.toLowerCase();
        const value = node.attribs[name].replace(/[\u0000-\u0020]/g, '');
        if (lower.startsWith('on') || (LINK_ATTRIBUTES.has(lower) && !SAFE_REFERENCE.test(value)) || /url\(\s*['"]?\s*(?!#)/i.test(value)) {
          delete node.attribs[name];
        }
      }
      if (node.name.toLowerCase() === 'style') {
        for (const child of node.children) if (child.type === 'text') child.data = child.data.replace(/@import[^;]*;?/gi, '').replace(/url\(\s*['"]?\s*(?!#)[^)]*\)/gi, 'none');
      }
      clean(node.children);
    }
  }
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}
