import { PDFHexString, PDFName, type PDFDocument } from '@cantoo/pdf-lib';
import type { BookMeta } from '../document/model.ts';
import { tdmXmpDescription } from '../tdm.ts';
import { text } from '../xml.ts';

const PRODUCER = 'Bindery PDF writer (@cantoo/pdf-lib)';

/**
 * Document information and the XMP packet from the book's metadata. Dates
 * come from the book (never the clock) and the file identifier from its
 * identifier, so two builds of the same book are byte-identical.
 */
export async function setMetadata(pdf: PDFDocument, meta: BookMeta): Promise<void> {
  const title = meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title;
  // showInWindowTitleBar writes ViewerPreferences /DisplayDocTitle true: viewers show the title, not the file name (PDF/UA).
  pdf.setTitle(title, { showInWindowTitleBar: true });
  pdf.setAuthor(meta.authors.join(', '));
  if (meta.description) pdf.setSubject(meta.description);
  if (meta.tags.length) pdf.setKeywords(meta.tags);
  pdf.setCreator('Bindery');
  pdf.setProducer(PRODUCER);
  pdf.setCreationDate(meta.modified);
  pdf.setModificationDate(meta.modified);
  pdf.setLanguage(meta.language);
  const xmp = pdf.context.stream(new TextEncoder().encode(xmpPacket(meta, title)), { Type: 'Metadata', Subtype: 'XML' });
  pdf.catalog.set(PDFName.of('Metadata'), pdf.context.register(xmp));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${meta.identifier}\0${meta.date}`)));
  const id = PDFHexString.of([...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(''));
  pdf.context.trailerInfo.ID = pdf.context.obj([id, id]);
}

/** Viewer page labels match the printed folios: front matter in roman numerals, the body from 1. */
export function pageLabels(pdf: PDFDocument, frontPages: number): void {
  const nums = [0, pdf.context.obj({ S: 'r' }), frontPages, pdf.context.obj({ S: 'D' })];
  pdf.catalog.set(PDFName.of('PageLabels'), pdf.context.obj({ Nums: nums }));
}

/**
 * The XMP packet (uncompressed, as archivists and checkers expect): the same
 * title, authors, subject and dates as the Info dictionary, and the PDF/UA-1
 * identification the tagged structure backs (docs/decisions.md, "Tagged PDF",
 * lists the checkpoints tests cover).
 */
function xmpPacket(meta: BookMeta, title: string): string {
  const date = meta.modified.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const descriptions = [
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
      `<dc:format>application/pdf</dc:format>` +
      `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${text(title)}</rdf:li></rdf:Alt></dc:title>` +
      `<dc:creator><rdf:Seq>${meta.authors.map((a) => `<rdf:li>${text(a)}</rdf:li>`).join('')}</rdf:Seq></dc:creator>` +
      (meta.description ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${text(meta.description)}</rdf:li></rdf:Alt></dc:description>` : '') +
      `<dc:language><rdf:Bag><rdf:li>${text(meta.language)}</rdf:li></rdf:Bag></dc:language>` +
      `<dc:identifier>${text(meta.identifier)}</dc:identifier>` +
      `</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">` +
      `<xmp:CreateDate>${date}</xmp:CreateDate><xmp:ModifyDate>${date}</xmp:ModifyDate><xmp:MetadataDate>${date}</xmp:MetadataDate>` +
      `<xmp:CreatorTool>Bindery</xmp:CreatorTool>` +
      `</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` +
      `<pdf:Producer>${text(PRODUCER)}</pdf:Producer>` +
      (meta.tags.length ? `<pdf:Keywords>${text(meta.tags.join(', '))}</pdf:Keywords>` : '') +
      `</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>`,
    tdmXmpDescription(meta.tdm),
  ];
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    descriptions.join('') +
    `</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>`
  );
}
