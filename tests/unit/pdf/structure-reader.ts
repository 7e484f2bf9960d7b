import { execFileSync } from 'node:child_process';

/**
 * Reads a tagged PDF back with real tools, for the tagged-PDF tests:
 * poppler's `pdfinfo -struct-text` for the element tree with its text, and
 * `qpdf --json` for what poppler does not print (Alt, Lang, ParentTree,
 * annotations) and for the content streams' marked content.
 */

export interface Element {
  type: string;
  /** Attribute lines poppler prints under the element (`/Scope /Column`). */
  attributes: string[];
  kids: (Element | string)[];
  /** OBJR kids (annotations) poppler lists as `Object N 0`. */
  objects: number;
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** The tree `pdfinfo -struct-text` prints: two spaces of indent per level, text in quotes. */
export function structText(file: string): Element {
  const root: Element = { type: '#root', attributes: [], kids: [], objects: 0 };
  const stack: Element[] = [root];
  let last: Element = root;
  for (const line of run('pdfinfo', ['-struct-text', file]).split('\n')) {
    if (!line.trim()) continue;
    const depth = (line.length - line.trimStart().length) / 2;
    const body = line.trim();
    if (body.startsWith('/')) {
      last.attributes.push(body);
      continue;
    }
    const parent = stack[Math.min(Math.floor(depth), stack.length - 1)];
    if (body.startsWith('"')) parent.kids.push(body.slice(1, -1));
    else if (/^Object \d+ \d+$/.test(body)) parent.objects++;
    else {
      last = { type: body.split(/[\s:]/)[0], attributes: [], kids: [], objects: 0 };
      parent.kids.push(last);
      stack.length = Math.floor(depth) + 1;
      stack.push(last);
    }
  }
  return root.kids[0] as Element;
}

/** Elements of the given types under `node`, in reading (pre-)order. */
export function elements(node: Element, ...types: string[]): Element[] {
  const out: Element[] = [];
  const visit = (n: Element) => {
    if (types.length === 0 || types.includes(n.type)) out.push(n);
    for (const kid of n.kids) if (typeof kid !== 'string') visit(kid);
  };
  visit(node);
  return out;
}

export function textOf(node: Element): string {
  return node.kids.map((kid) => (typeof kid === 'string' ? kid : textOf(kid))).join('');
}

/** qpdf's JSON value of an object: dictionaries keyed `/Name`, references `N 0 R`, text strings `u:…`. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export interface PdfObjects {
  get(ref: Value | undefined): Value | undefined;
  /** A stream's dictionary and its decoded data. */
  stream(ref: Value | undefined): { dict: Record<string, Value>; data: string } | undefined;
  catalog: Record<string, Value>;
  pages: string[];
}

/** Every object of the file through `qpdf --json`, streams decoded. */
export function readObjects(file: string): PdfObjects {
  const json = JSON.parse(run('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=inline', '--decode-level=generalized', file])) as {
    qpdf: [unknown, Record<string, { value?: Value; stream?: { dict: Record<string, Value>; data?: string } }>];
  };
  const objects = json.qpdf[1];
  const key = (ref: Value | undefined) => (typeof ref === 'string' && / R$/.test(ref) ? `obj:${ref}` : undefined);
  const get = (ref: Value | undefined): Value | undefined => {
    const k = key(ref);
    if (!k) return ref;
    const o = objects[k];
    return o?.value ?? o?.stream?.dict;
  };
  const stream = (ref: Value | undefined) => {
    const o = objects[key(ref) ?? ''];
    return o?.stream ? { dict: o.stream.dict, data: Buffer.from(o.stream.data ?? '', 'base64').toString('latin1') } : undefined;
  };
  const trailer = objects['trailer'].value as Record<string, Value>;
  const catalog = get(trailer['/Root']) as Record<string, Value>;
  const pages: string[] = [];
  const walk = (ref: Value) => {
    const node = get(ref) as Record<string, Value>;
    if (node['/Type'] === '/Pages') for (const kid of node['/Kids'] as Value[]) walk(kid);
    else pages.push(ref as string);
  };
  walk(catalog['/Pages']);
  return { get, stream, catalog, pages };
}

/** A page's content streams, decoded and joined. */
export function contentOf(objects: PdfObjects, page: Record<string, Value>): string {
  const contents = page['/Contents'];
  const refs = Array.isArray(contents) ? contents : [contents];
  return refs.map((ref) => objects.stream(ref)?.data ?? '').join('\n');
}

/** The kids of a structure element as an array. */
export function kidsOf(element: Record<string, Value>): Value[] {
  const k = element['/K'];
  return k === undefined ? [] : Array.isArray(k) ? k : [k];
}

/** One marked-content sequence met in a content stream. */
export interface Sequence {
  tag: string;
  mcid?: number;
  /** `/Lang` and `/ActualText` of its property list, decoded. */
  lang?: string;
  actualText?: string;
  /** The enclosing sequences' tags, outermost first. */
  within: string[];
  /** Painting operators inside it (text, images, paths). */
  paints: number;
}

export interface MarkedContent {
  sequences: Sequence[];
  /** Painting operators outside any marked content: neither tagged nor an artifact. */
  unmarked: number;
  /** BDC/BMC without their EMC, or the other way round. */
  unbalanced: boolean;
}

const PAINTING = new Set(['TJ', 'Tj', "'", '"', 'Do', 'f', 'F', 'f*', 'S', 's', 'B', 'B*', 'b', 'b*', 'sh', 'EI']);

/** Walks a content stream's operators, tracking BDC/BMC … EMC nesting. */
export function markedContent(content: string): MarkedContent {
  const open: Sequence[] = [];
  const sequences: Sequence[] = [];
  let unmarked = 0;
  let unbalanced = false;
  let operands: string[] = [];
  for (const token of tokens(content)) {
    if (!token.operator) {
      operands.push(token.text);
      continue;
    }
    const op = token.text;
    if (op === 'BDC' || op === 'BMC') {
      const entry = (key: string) => (operands.includes(key) ? operands[operands.indexOf(key) + 1] : undefined);
      const sequence: Sequence = { tag: operands[0], within: open.map((s) => s.tag), paints: 0 };
      const [mcid, lang, actualText] = [entry('/MCID'), entry('/Lang'), entry('/ActualText')];
      if (mcid !== undefined) sequence.mcid = Number(mcid);
      if (lang !== undefined) sequence.lang = textString(lang);
      if (actualText !== undefined) sequence.actualText = textString(actualText);
      sequences.push(sequence);
      open.push(sequence);
    } else if (op === 'EMC') {
      if (!open.pop()) unbalanced = true;
    } else if (PAINTING.has(op)) {
      if (open.length) for (const s of open) s.paints++;
      else unmarked++;
    }
    operands = [];
  }
  return { sequences, unmarked, unbalanced: unbalanced || open.length > 0 };
}

/** A literal `(…)` or UTF-16BE hex `<FEFF…>` text string. */
function textString(token: string): string {
  if (token.startsWith('(')) return token.slice(1, -1);
  const hex = token.slice(1, -1).replace(/\s+/g, '');
  const bytes = Buffer.from(hex.startsWith('FEFF') || hex.startsWith('feff') ? hex.slice(4) : hex, 'hex');
  return bytes.swap16().toString('utf16le');
}

/** PDF content tokens: operands (numbers, names, strings, arrays' pieces, dictionaries' pieces) and operators. */
function* tokens(s: string): Generator<{ text: string; operator: boolean }> {
  const delimiter = /[\s()<>[\]{}/%]/;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) i++;
    else if (c === '%') while (i < s.length && s[i] !== '\n') i++;
    else if (c === '(') {
      let depth = 0;
      const start = i;
      for (; i < s.length; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) break;
      }
      i++;
      yield { text: s.slice(start, i), operator: false };
    } else if (c === '<' && s[i + 1] === '<') {
      i += 2;
      yield { text: '<<', operator: false };
    } else if (c === '>' && s[i + 1] === '>') {
      i += 2;
      yield { text: '>>', operator: false };
    } else if (c === '<') {
      const end = s.indexOf('>', i);
      yield { text: s.slice(i, end + 1), operator: false };
      i = end + 1;
    } else if ('[]{}'.includes(c)) {
      i++;
      yield { text: c, operator: false };
    } else {
      const start = i;
      i++;
      while (i < s.length && !delimiter.test(s[i])) i++;
      const text = s.slice(start, i);
      yield { text, operator: c !== '/' && !/^[-+.\d]/.test(text) && text !== 'true' && text !== 'false' && text !== 'null' };
    }
  }
}
