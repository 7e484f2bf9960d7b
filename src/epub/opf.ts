import type { Accessibility } from '../document/accessibility.ts';
import type { BookMeta } from '../document/model.ts';
import { TDM_NS, type TdmReservation } from '../tdm.ts';
import { attrs, text, XML_DECLARATION } from '../xml.ts';

/** A file listed in the package manifest; `spine` items are read in the order given. */
export interface ManifestItem {
  id: string;
  href: string;
  mediaType: string;
  properties?: string[];
  /** Id of the item a reading system shows when it cannot render this one. */
  fallback?: string;
  spine?: boolean;
}

export const PACKAGE_FILE = 'package.opf';
const BOOK_ID = 'book-id';

/**
 * `a11y:` is reserved in EPUB 3.2, but EPUB Accessibility 1.1 asks for it to
 * be declared (older reading systems know only what `prefix` names). `tdm:`
 * is TDMRep's EPUB binding.
 */
const PREFIXES = `a11y: http://www.idpf.org/epub/vocab/package/a11y/# tdm: ${TDM_NS}`;

/** `dcterms:modified` needs UTC to the second, without milliseconds. */
export function modifiedStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The package document: Dublin Core metadata, the manifest of every file and the reading order. */
export function packageDocument(meta: BookMeta, items: ManifestItem[], access: Accessibility): string {
  const dc = (name: string, value: string, extra: Record<string, string | undefined> = {}) => `<dc:${name}${attrs(extra)}>${text(value)}</dc:${name}>\n`;
  const cover = items.find((i) => i.properties?.includes('cover-image'));
  const metadata = [
    dc('identifier', meta.identifier, { id: BOOK_ID }),
    dc('title', meta.title, { id: 'title' }),
    '<meta refines="#title" property="title-type">main</meta>\n',
    meta.subtitle ? dc('title', meta.subtitle, { id: 'subtitle' }) + '<meta refines="#subtitle" property="title-type">subtitle</meta>\n' : '',
    dc('language', meta.language),
    ...meta.authors.map(
      (a, i) => dc('creator', a, { id: `creator${i + 1}` }) + `<meta refines="#creator${i + 1}" property="role" scheme="marc:relators">aut</meta>\n`,
    ),
    meta.publisher ? dc('publisher', meta.publisher) : '',
    dc('date', meta.date),
    meta.description ? dc('description', meta.description) : '',
    ...meta.tags.map((t) => dc('subject', t)),
    meta.rights ? dc('rights', meta.rights) : '',
    `<meta property="dcterms:modified">${modifiedStamp(meta.modified)}</meta>\n`,
    accessibilityMetadata(access),
    tdmMetadata(meta.tdm),
    // EPUB 2 readers (and some current ones) find the cover only through this.
    cover ? `<meta name="cover"${attrs({ content: cover.id })}/>\n` : '',
  ].join('');
  const manifest = items
    .map((i) => `<item${attrs({ id: i.id, href: i.href, 'media-type': i.mediaType, fallback: i.fallback, properties: i.properties?.length ? i.properties.join(' ') : undefined })}/>\n`)
    .join('');
  const spine = items
    .filter((i) => i.spine)
    .map((i) => `<itemref${attrs({ idref: i.id })}/>\n`)
    .join('');
  const ncx = items.find((i) => i.mediaType === 'application/x-dtbncx+xml');
  return (
    XML_DECLARATION +
    `<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="${BOOK_ID}"${attrs({ prefix: PREFIXES, 'xml:lang': meta.language })}>\n` +
    `<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n${metadata}</metadata>\n` +
    `<manifest>\n${manifest}</manifest>\n` +
    `<spine${attrs({ toc: ncx?.id })}>\n${spine}</spine>\n` +
    '</package>\n'
  );
}

/** EPUB Accessibility 1.1 discovery metadata (schema.org properties, the conformance claim and its certifier). */
function accessibilityMetadata(a: Accessibility): string {
  const meta = (property: string, value: string) => `<meta${attrs({ property })}>${text(value)}</meta>\n`;
  return [
    ...a.accessMode.map((v) => meta('schema:accessMode', v)),
    ...a.accessModeSufficient.map((v) => meta('schema:accessModeSufficient', v)),
    ...a.accessibilityFeature.map((v) => meta('schema:accessibilityFeature', v)),
    ...a.accessibilityHazard.map((v) => meta('schema:accessibilityHazard', v)),
    meta('schema:accessibilitySummary', a.accessibilitySummary),
    a.conformsTo ? meta('dcterms:conformsTo', a.conformsTo) : '',
    a.certifiedBy ? meta('a11y:certifiedBy', a.certifiedBy) : '',
  ].join('');
}

/** TDMRep: whether text and data mining is reserved, and where the licensing policy is. */
function tdmMetadata(tdm: TdmReservation): string {
  return (
    `<meta property="tdm:reservation">${tdm.reserved ? 1 : 0}</meta>\n` +
    (tdm.policy ? `<meta property="tdm:policy">${text(tdm.policy)}</meta>\n` : '')
  );
}

export function containerXml(packagePath: string): string {
  return (
    XML_DECLARATION +
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n' +
    `<rootfiles>\n<rootfile full-path="${packagePath}" media-type="application/oebps-package+xml"/>\n</rootfiles>\n` +
    '</container>\n'
  );
}
