import { PDFHexString, PDFString, type PDFDocument, type PDFPage, type PDFRef } from '@cantoo/pdf-lib';
import type { LinkArea } from './draw.ts';
import { destinationArray } from './outline.ts';
import type { Destination } from './paginate.ts';
import type { StreamedPdf } from './streamed-file.ts';
import type { StructureTree } from './structure.ts';

/**
 * Turns link areas into /Link annotations: URI actions for web links, GoTo
 * destinations for links inside the book. Runs after every page exists, so
 * links may point forward. Each annotation joins its Link element (an OBJR
 * there, /StructParent here) and carries the link's text as /Contents.
 * Each is written straight out to the file; a page that has links is
 * written once they are on it. Returns the internal targets that were not found.
 */
export function addLinkAnnotations(
  pdf: PDFDocument,
  file: StreamedPdf,
  links: readonly { page: PDFPage; area: LinkArea }[],
  destinations: ReadonlyMap<string, Destination>,
  left: number,
  tree: StructureTree,
): string[] {
  const unresolved: string[] = [];
  // A link drawn over many lines has an annotation per line: they share one action, written once.
  const actions = new Map<string, PDFRef>();
  for (const { page, area } of links) {
    let action: Record<string, unknown>;
    if ('uri' in area.target) {
      const uri = asciiUri(area.target.uri);
      let ref = actions.get(uri);
      if (!ref) {
        ref = pdf.context.nextRef();
        file.writeObject(ref, pdf.context.obj({ Type: 'Action', S: 'URI', URI: PDFString.of(uri) }));
        actions.set(uri, ref);
      }
      action = { A: ref };
    } else {
      const { chapterId, anchor } = area.target.internal;
      const destination = destinations.get(anchor ? `${chapterId}#${anchor}` : chapterId) ?? destinations.get(chapterId);
      if (!destination) {
        unresolved.push(chapterId);
        continue;
      }
      action = { Dest: destinationArray(pdf, destination, left) };
    }
    const ref = pdf.context.nextRef();
    const description = describe(area.tag?.text.trim() || ('uri' in area.target ? area.target.uri : ''));
    const annotation = {
      Type: 'Annot',
      Subtype: 'Link',
      Rect: area.rect.map((n) => Math.round(n * 100) / 100),
      Border: [0, 0, 0],
      ...action,
      ...(description ? { Contents: PDFHexString.fromText(description) } : {}),
      ...(area.tag ? { StructParent: tree.annotation(area.tag, ref, page.ref) } : {}),
    };
    file.writeObject(ref, pdf.context.obj(annotation as never));
    page.node.addAnnot(ref);
  }
  for (const page of new Set(links.map((link) => link.page))) file.write(page.ref);
  return unresolved;
}

/**
 * An annotation's /Contents: the link's text, up to DESCRIPTION_LIMIT
 * characters. Each line of a link is an annotation of its own carrying it,
 * so a link of 20,000 characters over 300 lines wrote 6 million (and took
 * seconds); its Link element still holds all of its text.
 */
function describe(text: string): string {
  if (text.length <= DESCRIPTION_LIMIT) return text;
  const cut = DESCRIPTION_LIMIT - (/[\uD800-\uDBFF]/.test(text[DESCRIPTION_LIMIT - 1]) ? 1 : 0);
  return `${text.slice(0, cut)}…`;
}

const DESCRIPTION_LIMIT = 1000;

/** URI actions hold 7-bit ASCII: percent-encode anything else (an IRI with Chinese in its path). */
function asciiUri(uri: string): string {
  return uri.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}
