import type { ChildNode, Element, ParentNode } from 'domhandler';
import { BinderyError } from '../errors.ts';
import { MarkupTooDeep, parseMarkup } from './nesting.ts';

/**
 * SVG images are documents that can run script. Before an SVG goes into a
 * book, or is served as a cover, it is rebuilt from an allow-list: SVG
 * elements that draw, group, describe or paint; attributes without a
 * namespace (no `on*` handlers); `xlink:href`, `xlink:title`, `xml:lang` and
 * `xml:space`. Elements and attributes are judged by namespace URI and local
 * name, never by the prefix written, so `<s:script>` with `s` bound to SVG or
 * a child redeclaring the default namespace as XHTML is caught. Everything
 * else goes, with its content: script, foreignObject, animation (it can
 * rewrite links), HTML, other vocabularies, comments, processing
 * instructions and the DOCTYPE (its entities). References may only point
 * inside the image (`#id`); `<image>` may also embed a raster `data:` image.
 * Values are checked after entity decoding, as a reader would see them.
 *
 * The output is written afresh: the SVG namespace as default, `xlink` as the
 * only prefix, and no other namespace declaration.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'image', 'switch', 'title', 'desc', 'style', 'a',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker', 'filter',
  'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix', 'feDiffuseLighting',
  'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR',
  'feGaussianBlur', 'feImage', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight',
  'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
]);
/** Namespaced attributes kept, by namespace, under their canonical prefix. */
const PREFIXED: Record<string, { prefix: string; names: ReadonlySet<string> }> = {
  [XLINK_NS]: { prefix: 'xlink', names: new Set(['href', 'title']) },
  [XML_NS]: { prefix: 'xml', names: new Set(['lang', 'space']) },
};
const ATTRIBUTE_NAME = /^[A-Za-z_][\w.-]*$/;
/** Attributes holding a URL a reader may fetch or follow (`ping` on SVG 2 links; any case, for lenient readers). */
const REFERENCE = /^((xlink:)?href|src|ping)$/i;
const RASTER_DATA = /^data:image\/(png|jpeg|gif|webp);base64,/i;
/** Levels under the root no drawing reaches: a file that does is refused (the parse and the walk must stay short, and nothing is dropped unseen). */
const MAX_DEPTH = 200;
/** Characters XML 1.0 forbids; dropping them keeps the output well-formed. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Prefix ('' for the default namespace) → namespace URI ('' for none). */
type Scope = ReadonlyMap<string, string>;

/** The SVG rebuilt from the allow-list; `file` names it in the error for one nested deeper than any drawing. */
export function sanitizeSvg(bytes: Uint8Array, file?: string): Uint8Array {
  const doc = parseSvg(new TextDecoder().decode(bytes), file);
  // A file that forgot `xmlns` is still meant as SVG; the output declares it.
  const scope: Scope = new Map([['', SVG_NS], ['xml', XML_NS]]);
  const state = { xlink: false };
  let body = `<svg xmlns="${SVG_NS}"/>`;
  for (const node of doc.children) {
    if (!isElement(node)) continue;
    const inner = innerScope(node, scope);
    if (!isSvg(node.name, inner, 'svg')) continue;
    const attrs = attributes(node, inner, state);
    const content = children(node, inner, state);
    const xmlns = ` xmlns="${SVG_NS}"${state.xlink ? ` xmlns:xlink="${XLINK_NS}"` : ''}`;
    body = content ? `<svg${xmlns}${attrs}>${content}</svg>` : `<svg${xmlns}${attrs}/>`;
    break;
  }
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
}

function parseSvg(text: string, file: string | undefined): ParentNode {
  try {
    // The root and MAX_DEPTH levels under it: what the cleaner kept before it refused deeper files, so stored covers still read.
    return parseMarkup(text, { xmlMode: true, decodeEntities: true }, MAX_DEPTH + 1);
  } catch (err) {
    if (!(err instanceof MarkupTooDeep)) throw err;
    throw new BinderyError('invalid-image', `the SVG nests elements more than ${MAX_DEPTH} deep; no drawing needs more than ${MAX_DEPTH}`, { ...(file ? { file } : {}), line: err.line, field: 'image' });
  }
}

function element(el: Element, scope: Scope, state: { xlink: boolean }): string {
  const inner = innerScope(el, scope);
  const name = localName(el.name);
  if (!ELEMENTS.has(name) || !isSvg(el.name, inner, name)) return '';
  let content: string;
  if (name === 'style') {
    const css = characterData(el);
    if (!safeCss(css)) return '';
    content = escapeText(css);
  } else {
    content = children(el, inner, state);
  }
  const attrs = attributes(el, inner, state);
  return content ? `<${name}${attrs}>${content}</${name}>` : `<${name}${attrs}/>`;
}

function children(el: Element, scope: Scope, state: { xlink: boolean }): string {
  let out = '';
  for (const child of el.children) {
    if (child.type === 'text') out += escapeText(child.data);
    else if (child.type === 'cdata') out += escapeText(characterData(child));
    else if (isElement(child)) out += element(child, scope, state);
  }
  return out;
}

function attributes(el: Element, scope: Scope, state: { xlink: boolean }): string {
  const tag = localName(el.name);
  const seen = new Set<string>();
  let out = '';
  for (const [raw, value] of Object.entries(el.attribs)) {
    if (raw === 'xmlns' || raw.startsWith('xmlns:')) continue;
    const colon = raw.indexOf(':');
    let name: string;
    if (colon === -1) {
      if (!ATTRIBUTE_NAME.test(raw) || /^on/i.test(raw)) continue;
      name = raw;
    } else {
      const allowed = PREFIXED[scope.get(raw.slice(0, colon)) ?? ''];
      const local = raw.slice(colon + 1);
      if (!allowed?.names.has(local)) continue;
      name = `${allowed.prefix}:${local}`;
    }
    if (seen.has(name)) continue;
    if (REFERENCE.test(name) && !safeReference(tag, value)) continue;
    if (!safeCss(value)) continue;
    seen.add(name);
    if (name.startsWith('xlink:')) state.xlink = true;
    out += ` ${name}="${escapeAttribute(value)}"`;
  }
  return out;
}

/** The scope inside an element: its own `xmlns` and `xmlns:p` declarations over its parent's. */
function innerScope(el: Element, scope: Scope): Scope {
  let inner: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(el.attribs)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    inner ??= new Map(scope);
    inner.set(name === 'xmlns' ? '' : name.slice(6), value);
  }
  return inner ?? scope;
}

function isSvg(qualified: string, scope: Scope, local: string): boolean {
  const colon = qualified.indexOf(':');
  return localName(qualified) === local && scope.get(colon === -1 ? '' : qualified.slice(0, colon)) === SVG_NS;
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** Only a fragment of this image; `<image>` and `<feImage>` may also embed a raster picture. */
function safeReference(tag: string, value: string): boolean {
  // Readers ignore whitespace and control characters around and inside schemes.
  const ref = value.replace(/[\u0000-\u0020\u007f]/g, '');
  return ref.startsWith('#') || ((tag === 'image' || tag === 'feImage') && RASTER_DATA.test(ref));
}

/**
 * CSS (a style sheet, a `style` attribute, a presentation attribute) that
 * cannot load anything: escapes are refused outright since they can spell
 * `@import` or `url(` in ways a pattern cannot follow, and `url()` may only
 * name a fragment.
 */
function safeCss(css: string): boolean {
  if (css.includes('\\')) return false;
  for (const text of [css, css.replace(/\/\*[\s\S]*?\*\//g, '')]) {
    if (/@import|javascript:|expression\s*\(|-moz-binding|behavior\s*:|(image-set|image|src|cross-fade|element)\s*\(/i.test(text)) return false;
    for (const [, target] of text.matchAll(/url\s*\(\s*['"]?\s*(.?)/gi)) if (target !== '#') return false;
  }
  return true;
}

/** The text and CDATA sections directly inside a node; markup inside a style sheet is not CSS. */
function characterData(node: ParentNode): string {
  let out = '';
  for (const child of node.children) {
    if (child.type === 'text') out += child.data;
    else if (child.type === 'cdata') out += characterData(child);
  }
  return out;
}

function escapeText(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/]]>/g, ']]&gt;');
}

function escapeAttribute(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}
