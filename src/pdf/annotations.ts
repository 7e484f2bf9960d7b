import { PDFString, type PDFDocument, type PDFPage } from '@cantoo/pdf-lib';
import type { LinkArea } from './draw.ts';
import { destinationArray } from './outline.ts';
import type { Destination } from './paginate.ts';

/**
 * Turns link areas into /Link annotations: URI actions for web links, GoTo
 * destinations for links inside the book. Runs after every page exists, so
 * links may point forward. Returns the internal targets that were not found.
 */
export function addLinkAnnotations(pdf: PDFDocument, links: readonly { page: PDFPage; area: LinkArea }[], destinations: ReadonlyMap<string, Destination>, left: number): string[] {
  const unresolved: string[] = [];
  for (const { page, area } of links) {
    const base = { Type: 'Annot', Subtype: 'Link', Rect: area.rect.map((n) => Math.round(n * 100) / 100), Border: [0, 0, 0] };
    let annotation;
    if ('uri' in area.target) {
      annotation = pdf.context.obj({ ...base, A: { Type: 'Action', S: 'URI', URI: PDFString.of(asciiUri(area.target.uri)) } });
    } else {
      const { chapterId, anchor } = area.target.internal;
      const destination = destinations.get(anchor ? `${chapterId}#${anchor}` : chapterId) ?? destinations.get(chapterId);
      if (!destination) {
        unresolved.push(chapterId);
        continue;
      }
      annotation = pdf.context.obj({ ...base, Dest: destinationArray(pdf, destination, left) });
    }
    page.node.addAnnot(pdf.context.register(annotation));
  }
  return unresolved;
}

/** URI actions hold 7-bit ASCII: percent-encode anything else (an IRI with Chinese in its path). */
function asciiUri(uri: string): string {
  return uri.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}
