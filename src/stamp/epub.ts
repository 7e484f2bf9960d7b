import { strFromU8, strToU8, unzipSync } from 'fflate';
import { LICENCE_NS, licenceSchema, type FoundPurchase, type Licence, type ReadOptions, type StampOptions } from '../licence.ts';
import { licenceLine } from './licence-line.ts';
import { zipEpub, type ZipEntry } from '../epub/zip.ts';
import { BinderyError } from '../errors.ts';
import { languageOf } from '../language/index.ts';
import { attr, unescapeXml } from '../xml.ts';
import { ZipReader, type ZipLimits } from './zip-read.ts';
import { markXhtml } from './epub-text.ts';
import { isMarkable, keyedMarkCode } from './text-mark.ts';
import { MarkTally } from './marks.ts';

const LICENCE_ID = 'bindery-licence';
const PREFIX = `bindery: ${LICENCE_NS}`;
/** Fixed zip timestamps keep a stamp deterministic: the same order and edition give the same bytes. */
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');
const STORED = /\.(png|jpe?g|gif|webp|woff2?|mp3|mp4)$/i;

interface ManifestItem {
  id: string;
  href: string;
  mediaType: string;
  properties: string;
}

/**
 * Stamps a finished EPUB for one buyer: a licence page right after the title
 * page (in manifest and spine; nav untouched, so it stays valid) and the order
 * id plus per-order mark as `bindery:` properties in the OPF metadata; the
 * purchase id again as invisible characters through the body text of every
 * chapter (epub-text.ts), which survives losing the OPF.
 *
 * @example const stamped = stampEpub(epubBytes, { email: 'ana@example.com', orderId: 'pur_3f2a9c0d41b84e6f8a7d5c1e2b3a4f60', mark: crypto.randomUUID() }, { markKey: await markKeyOf(env.SIGNING_KEY) })
 */
export function stampEpub(bytes: Uint8Array, licenceInput: Licence, options: Pick<StampOptions, 'line' | 'markKey'>): Uint8Array {
  const licence = licenceSchema.parse(licenceInput);
  const files = unzipEpub(bytes);
  const opfPath = rootfilePath(files);
  const opf = strFromU8(files[opfPath]);
  const opfDir = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : '';
  const items = manifestItems(opf);
  const spine = spineIdrefs(opf);
  const anchor = titlePageIndex(spine, items, (href) => files[opfDir + href]);
  const anchorItem = anchor >= 0 ? items.get(spine[anchor]) : undefined;
  const dir = anchorItem?.href.includes('/') ? anchorItem.href.slice(0, anchorItem.href.lastIndexOf('/') + 1) : '';
  const href = `${dir}${LICENCE_ID}.xhtml`;
  const stylesheets = anchorItem ? stylesheetLinks(strFromU8(files[opfDir + anchorItem.href])) : '';
  const page = licencePage(licenceLine(licence, options.line), language(opf), stylesheets);

  let stamped = withPrefix(opf);
  stamped = stamped.replace(
    '</metadata>',
    `<meta property="bindery:order">${attr(licence.orderId)}</meta>\n` +
      `<meta property="bindery:mark">urn:uuid:${licence.mark}</meta>\n</metadata>`,
  );
  stamped = stamped.replace('</manifest>', `<item id="${LICENCE_ID}" href="${attr(encodeURI(href))}" media-type="application/xhtml+xml"/>\n</manifest>`);
  stamped = insertItemref(stamped, anchor >= 0 ? spine[anchor] : null);

  if (isMarkable(licence.orderId)) markChapters(files, opfDir, spine, items, keyedMarkCode(options.markKey).textMark(licence.orderId));

  const pageEntry: ZipEntry = { path: opfDir + href, data: strToU8(page) };
  const out: ZipEntry[] = [];
  for (const [path, data] of Object.entries(files)) {
    if (path === 'mimetype' || path === pageEntry.path) continue;
    out.push({ path, data: path === opfPath ? strToU8(stamped) : data, stored: STORED.test(path) });
    if (path === opfDir + (anchorItem?.href ?? '')) out.push(pageEntry);
  }
  if (!out.includes(pageEntry)) out.push(pageEntry);
  return zipEpub(out, ZIP_MTIME);
}

/** Writes the text layer into every content document of the spine but the nav. */
function markChapters(files: Record<string, Uint8Array>, opfDir: string, spine: string[], items: Map<string, ManifestItem>, mark: string): void {
  for (const idref of spine) {
    const item = items.get(idref);
    if (!item || item.mediaType !== 'application/xhtml+xml' || /\bnav\b/.test(item.properties)) continue;
    const path = opfDir + item.href;
    if (files[path]) files[path] = strToU8(markXhtml(strFromU8(files[path]), mark).xhtml);
  }
}

/** EPUB's Stamper, loaded by the format registry (the registry's types check its shape, so stamp/ need not import formats/). */
export const epubStamper = {
  stamp: async (bytes: Uint8Array, licence: Licence, options: StampOptions) => stampEpub(bytes, licence, options),
  read: async (bytes: Uint8Array, options?: ReadOptions) => readEpubMarks(bytes, options),
};

/**
 * What reading a licence may inflate: container.xml and the OPF, never the
 * book's content, so a zip bomb anywhere in the file stays compressed.
 */
const READ_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 16 * 1024 * 1024, maxTotalBytes: 16 * 1024 * 1024, maxRatio: 100 };
const CONTAINER = 'META-INF/container.xml';

/**
 * What reading the text layer may inflate: content documents one at a time,
 * each at most 8 MB, 64 MB in all; a document over the limits is skipped (its
 * marks are repeated elsewhere), never inflated.
 */
const TEXT_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 8 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024, maxRatio: 100 };
const CONTENT_DOCUMENT = /\.(x?html?)$/i;

/**
 * Every purchase an EPUB carries: the licence in its OPF, the text layer in
 * its content documents (found under any file name, so a converted copy
 * still reads), and purchase ids printed in them (the licence page).
 */
export function readEpubMarks(bytes: Uint8Array, { markKey }: ReadOptions = {}): FoundPurchase[] {
  const zip = new ZipReader(bytes, READ_LIMITS);
  const container = zip.read(CONTAINER);
  if (!container) throw new BinderyError('invalid-input', `the zip is not an EPUB: it has no ${CONTAINER}`, { field: 'file' });
  const tally = new MarkTally(markKey);
  const opfBytes = zip.read(packagePath(container) ?? '');
  if (!opfBytes) throw noPackageDocument();
  const opf = strFromU8(opfBytes);
  const order = /<meta property="bindery:order">([^<]+)<\/meta>/.exec(opf)?.[1];
  const mark = /<meta property="bindery:mark">urn:uuid:([^<]+)<\/meta>/.exec(opf)?.[1];
  if (order && mark) tally.add(unescapeXml(order), 'metadata', { licenceMark: mark });
  const content = new ZipReader(bytes, TEXT_LIMITS);
  for (const name of content.entries.keys()) {
    if (!CONTENT_DOCUMENT.test(name)) continue;
    let data: Uint8Array | undefined;
    try {
      data = content.read(name);
    } catch (err) {
      if (err instanceof BinderyError && content.inflatedBytes < TEXT_LIMITS.maxTotalBytes) continue;
      break;
    }
    if (data) tally.addText(characterReferencesDecoded(strFromU8(data)));
  }
  return tally.list();
}

/** Numeric character references as the characters they stand for: a converter may write the marks as `&#8204;`. */
function characterReferencesDecoded(xhtml: string): string {
  return xhtml.replace(/&#(?:x([0-9a-f]{1,6})|(\d{1,7}));/gi, (ref, hex: string | undefined, dec: string | undefined) => {
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : ref;
  });
}

function unzipEpub(bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (err) {
    throw new BinderyError('invalid-input', 'the file is not a readable EPUB (zip)', { field: 'file' }, { cause: err });
  }
}

function rootfilePath(files: Record<string, Uint8Array>): string {
  const path = packagePath(files[CONTAINER]);
  if (!path || !files[path]) throw noPackageDocument();
  return path;
}

/** The OPF path that container.xml names. */
function packagePath(container: Uint8Array | undefined): string | undefined {
  return container && /<rootfile\b[^>]*\bfull-path="([^"]+)"/.exec(strFromU8(container))?.[1];
}

const noPackageDocument = () => new BinderyError('invalid-input', 'the EPUB has no package document', { field: 'file' });

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function manifestItems(opf: string): Map<string, ManifestItem> {
  const items = new Map<string, ManifestItem>();
  for (const [tag] of opf.matchAll(/<item\b[^>]*>/g)) {
    const id = attribute(tag, 'id');
    const href = attribute(tag, 'href');
    if (id && href) items.set(id, { id, href: decodeURI(href), mediaType: attribute(tag, 'media-type') ?? '', properties: attribute(tag, 'properties') ?? '' });
  }
  if (items.has(LICENCE_ID)) throw new BinderyError('conflict', 'the EPUB is already stamped', { field: 'file' });
  return items;
}

function spineIdrefs(opf: string): string[] {
  return [...opf.matchAll(/<itemref\b[^>]*>/g)].map(([tag]) => attribute(tag, 'idref') ?? '');
}

/**
 * Where the licence page goes: after the page marked `epub:type="titlepage"`,
 * else after one named like a title page, else after the cover, else first.
 */
function titlePageIndex(spine: string[], items: Map<string, ManifestItem>, read: (href: string) => Uint8Array | undefined): number {
  const marked = spine.findIndex((idref) => {
    const item = items.get(idref);
    const bytes = item && read(item.href);
    return bytes ? /epub:type="[^"]*\btitlepage\b/.test(strFromU8(bytes)) : false;
  });
  if (marked >= 0) return marked;
  const named = spine.findIndex((idref) => /title/i.test(`${idref} ${items.get(idref)?.href ?? ''}`));
  if (named >= 0) return named;
  return spine.findIndex((idref) => /cover/i.test(`${idref} ${items.get(idref)?.href ?? ''}`));
}

function insertItemref(opf: string, afterIdref: string | null): string {
  const itemref = `<itemref idref="${LICENCE_ID}"/>`;
  if (afterIdref === null) return opf.replace(/<spine\b[^>]*>/, (open) => `${open}\n${itemref}`);
  return opf.replace(new RegExp(`<itemref\\b[^>]*\\sidref="${afterIdref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`), (tag) => `${tag}\n${itemref}`);
}

/** Declares the `bindery:` prefix on `<package>`, keeping any prefixes already there. */
function withPrefix(opf: string): string {
  return opf.replace(/<package\b[^>]*>/, (tag) => {
    const existing = attribute(tag, 'prefix');
    if (existing === undefined) return tag.replace(/^<package\b/, `<package prefix="${PREFIX}"`);
    return tag.replace(`prefix="${existing}"`, `prefix="${existing.trim()} ${PREFIX}"`);
  });
}

function language(opf: string): string {
  return /<dc:language[^>]*>([^<]+)<\/dc:language>/.exec(opf)?.[1]?.trim() || 'en';
}

function stylesheetLinks(xhtml: string): string {
  return [...xhtml.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*\/?>/g)].map(([tag]) => (tag.endsWith('/>') ? tag : tag.replace(/>$/, '/>'))).join('');
}

/**
 * The licence page: the visible line and a note. The licence mark stays in
 * the package metadata only: printed, it was a value anyone who saw the page
 * could copy into another file's metadata, where verify takes it as proof.
 */
function licencePage(line: string, lang: string, stylesheets: string): string {
  const words = languageOf(lang).words.licence;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${attr(lang)}" lang="${attr(lang)}">
<head>
<meta charset="UTF-8"/>
<title>${words.title}</title>
${stylesheets}
</head>
<body>
<section id="${LICENCE_ID}" class="${LICENCE_ID}">
<h1>${words.title}</h1>
<p xml:lang="en" lang="en">${attr(line)}</p>
<p>${words.note}</p>
</section>
</body>
</html>
`;
}
