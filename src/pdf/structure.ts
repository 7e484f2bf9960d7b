import { PDFName, PDFNumber, PDFObject, type PDFContext, type PDFDocument, type PDFPage, type PDFRef } from '@cantoo/pdf-lib';
import type { FileRef, StreamedPdf } from './streamed-file.ts';

/** The standard structure types (ISO 32000-1 §14.8.4) the writer tags content with. */
export type StructType =
  | 'Document'
  | 'Part'
  | 'Sect'
  | 'H1'
  | 'H2'
  | 'H3'
  | 'H4'
  | 'H5'
  | 'H6'
  | 'P'
  | 'L'
  | 'LI'
  | 'Lbl'
  | 'LBody'
  | 'Table'
  | 'TR'
  | 'TH'
  | 'TD'
  | 'Figure'
  | 'Caption'
  | 'BlockQuote'
  | 'Code'
  | 'Link'
  | 'TOC'
  | 'TOCI';

/** Extra entries of a structure element. */
export interface StructProps {
  /** Alternate description (a figure's alt text). */
  alt?: string;
  /** BCP 47 tag, when the element's language differs from what contains it. */
  lang?: string;
  /** Layout or table attributes, written as `/A`: names only (`{ O: 'Table', Scope: 'Column' }`). */
  attributes?: Record<string, string>;
}

/**
 * A structure element. Elements are made while laying out, in reading order,
 * each appended to its parent as it is made; marked content joins them while
 * drawing. Each has its object number from the start and keeps its kids
 * already in PDF syntax, so once its chapter is drawn it is written out and
 * dropped: a long book never holds its whole tree as objects.
 */
export class StructNode {
  readonly ref: FileRef;
  /** The /K entries, in PDF syntax. */
  private kids: string[] = [];
  /** /Pg: the page of the first marked content, against which bare MCIDs are read. */
  private page: PDFRef | undefined;
  /** A link's text, gathered while drawing, for its annotation's /Contents. */
  text = '';

  constructor(
    private readonly tree: StructureTree,
    readonly type: StructType,
    private readonly parent: FileRef | PDFRef,
    readonly props: StructProps = {},
  ) {
    this.ref = tree.adopt(this);
  }

  add(type: StructType, props?: StructProps): StructNode {
    const kid = new StructNode(this.tree, type, this.ref, props);
    this.kids.push(kid.ref.toString());
    return kid;
  }

  /** Records marked content with `mcid` on `page` as this element's next kid. */
  markedContent(page: PDFRef, mcid: number): void {
    this.page ??= page;
    this.kids.push(page === this.page ? String(mcid) : `<</Type/MCR/Pg ${page}/MCID ${mcid}>>`);
  }

  /** Records an annotation on `page` as this element's next kid. */
  annotation(annotation: PDFRef, page: PDFRef): void {
    this.kids.push(`<</Type/OBJR/Obj ${annotation}/Pg ${page}>>`);
  }

  /** The element's dictionary. */
  serialize(): string {
    const { alt, lang, attributes } = this.props;
    let extra = '';
    if (this.page) extra += `/Pg ${this.page}`;
    if (alt !== undefined) extra += `/Alt${textString(alt)}`;
    if (lang) extra += `/Lang${textString(lang)}`;
    if (attributes) extra += `/A<<${Object.entries(attributes).map(([k, v]) => `/${k}/${v}`).join('')}>>`;
    return `<</S/${this.type}/P ${this.parent}${extra}/K[${this.kids.join(' ')}]>>`;
  }
}

/** The marked content of one page: which element each MCID belongs to (its ParentTree entry). */
export class PageTags {
  private owners: string[] = [];
  /** The entry, once the page is closed: one string instead of one per MCID. */
  private closed: string | undefined;

  constructor(
    readonly ref: PDFRef,
    readonly key: number,
  ) {}

  /** A new MCID on this page for `node`. */
  mark(node: StructNode): number {
    const mcid = this.owners.length;
    this.owners.push(node.ref.toString());
    node.markedContent(this.ref, mcid);
    return mcid;
  }

  /** The page is finished: no more marked content comes. */
  close(): void {
    this.closed = this.serialize();
    this.owners = [];
  }

  /** The ParentTree value: the owner of each MCID, in order. */
  serialize(): string {
    return this.closed ?? `[${this.owners.join(' ')}]`;
  }
}

/**
 * The book's logical structure (ISO 32000-1 §14.7): the element tree under
 * `Document`, the marked content of every page, and the link annotations, as
 * a StructTreeRoot with its ParentTree number tree.
 */
export class StructureTree {
  private readonly context: PDFContext;
  private readonly root: PDFRef;
  readonly document: StructNode;
  /** Elements made and not yet written, in the order they were made. */
  private pending: StructNode[] = [];
  /** Link elements, written last: their annotations are made once every page exists. */
  private readonly unannotated: StructNode[] = [];
  private readonly pages: PageTags[] = [];
  private readonly annotations: string[] = [];
  private nextKey = 0;
  /** Link elements by the object every character of their link shares. */
  private readonly links = new WeakMap<object, StructNode>();

  constructor(
    private readonly pdf: PDFDocument,
    private readonly file: StreamedPdf,
  ) {
    this.context = pdf.context;
    this.root = this.context.nextRef();
    this.document = new StructNode(this, 'Document', this.root);
  }

  /** Gives a new element its object number and keeps it until it is written. */
  adopt(node: StructNode): FileRef {
    this.pending.push(node);
    return this.file.newRef();
  }

  /** Starts recording a page's marked content; the page gets its ParentTree key and tab order by structure. */
  page(page: PDFPage): PageTags {
    const tags = new PageTags(page.ref, this.nextKey++);
    page.node.set(PDFName.of('StructParents'), PDFNumber.of(tags.key));
    page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
    this.pages.push(tags);
    return tags;
  }

  /**
   * The Link element of a link, made under `parent` the first time the link
   * is met (drawn, or listed in the contents). `link` is the object every
   * character of the link shares, so a link broken over lines stays one element.
   */
  linkElement(link: object, parent: StructNode): StructNode {
    let node = this.links.get(link);
    if (!node) {
      node = parent.add('Link');
      this.links.set(link, node);
    }
    return node;
  }

  /** The Link element made for a link, if it has been drawn as content. */
  drawnLink(link: object): StructNode | undefined {
    return this.links.get(link);
  }

  /** Ties a link annotation to its Link element (an OBJR kid) and returns the annotation's /StructParent key. */
  annotation(node: StructNode, annotation: PDFRef, page: PDFRef): number {
    node.annotation(annotation, page);
    this.annotations.push(`${this.nextKey} ${node.ref}`);
    return this.nextKey++;
  }

  /**
   * Writes `section` and every element made since (its content, all drawn
   * by now) out to the file and lets go of them; their Links wait for their annotations.
   */
  flush(section: StructNode): void {
    const from = this.pending.lastIndexOf(section);
    for (const node of this.pending.slice(from)) {
      if (node.type === 'Link') this.unannotated.push(node);
      else this.file.writeObject(node.ref, new SerializedObject(node.serialize()));
    }
    this.pending.length = from;
  }

  /** Writes the rest of the tree, the ParentTree, StructTreeRoot and MarkInfo. */
  write(): void {
    for (const node of [...this.pending, ...this.unannotated]) this.file.writeObject(node.ref, new SerializedObject(node.serialize()));
    this.pending = [];
    // Keys were handed out in order: pages as they were made, then annotations.
    const nums = [...this.pages.map((page) => `${page.key} ${page.serialize()}`), ...this.annotations].join(' ');
    const parentTree = this.context.nextRef();
    this.assign(parentTree, `<</Nums[${nums}]>>`);
    this.assign(this.root, `<</Type/StructTreeRoot/K ${this.document.ref}/ParentTree ${parentTree}/ParentTreeNextKey ${this.nextKey}>>`);
    this.pdf.catalog.set(PDFName.of('StructTreeRoot'), this.root);
    this.pdf.catalog.set(PDFName.of('MarkInfo'), this.context.obj({ Marked: true }));
  }

  private assign(ref: PDFRef, dictionary: string): void {
    this.context.assign(ref, new SerializedObject(dictionary));
  }
}

/**
 * An object already in PDF syntax (ASCII). Structure elements and the
 * ParentTree are written this way rather than as pdf-lib dictionaries:
 * tens of thousands of small PDFDicts cost a long book megabytes of heap
 * and most of the time spent saving them. They still go into object
 * streams like any dictionary.
 */
class SerializedObject extends PDFObject {
  constructor(private readonly syntax: string) {
    super();
  }

  override clone(): SerializedObject {
    return new SerializedObject(this.syntax);
  }

  override toString(): string {
    return this.syntax;
  }

  override sizeInBytes(): number {
    return this.syntax.length;
  }

  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    for (let i = 0; i < this.syntax.length; i++) buffer[offset + i] = this.syntax.charCodeAt(i);
    return this.syntax.length;
  }
}

/** A PDF text string: literal when plain ASCII letters, digits and hyphens (a language tag), else UTF-16BE hex with its byte-order mark. */
export function textString(text: string): string {
  if (/^[A-Za-z0-9-]*$/.test(text)) return `(${text})`;
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}
