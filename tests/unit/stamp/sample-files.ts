import { PDFDocument, PDFName, PDFString, PDFHexString, StandardFonts, type PDFRef } from '@cantoo/pdf-lib';
import { strToU8, zipSync } from 'fflate';

/**
 * Small but complete EPUB and PDF files to stamp in tests: a title page and
 * nav in the EPUB; an outline, an internal link and metadata in the PDF — the
 * things a stamp must keep intact.
 */

export const SAMPLE_TITLE = '生成式影片工具實戰手冊';

export function sampleEpub(options: { title?: string; lang?: string } = {}): Uint8Array {
  const title = options.title ?? SAMPLE_TITLE;
  const lang = options.lang ?? 'zh-Hant';
  const page = (name: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${lang}" lang="${lang}">
<head><meta charset="UTF-8"/><title>${name}</title><link rel="stylesheet" type="text/css" href="css/book.css"/></head>
<body>${body}</body>
</html>
`;
  return zipSync({
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`),
    'EPUB/package.opf': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="${lang}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">urn:uuid:0f6f2a5e-3d53-4a4e-9a55-8a1f0b0c0d0e</dc:identifier>
<dc:title>${title}</dc:title>
<dc:language>${lang}</dc:language>
<dc:creator>知識工坊編輯室</dc:creator>
<meta property="dcterms:modified">2025-10-15T00:00:00Z</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="css" href="css/book.css" media-type="text/css"/>
<item id="titlepage" href="titlepage.xhtml" media-type="application/xhtml+xml"/>
<item id="ch01" href="ch01.xhtml" media-type="application/xhtml+xml"/>
</manifest>
<spine>
<itemref idref="titlepage"/>
<itemref idref="nav"/>
<itemref idref="ch01"/>
</spine>
</package>
`),
    'EPUB/css/book.css': strToU8('body { font-family: serif; }\n'),
    'EPUB/nav.xhtml': strToU8(
      page('目錄', `<nav epub:type="toc" id="toc"><h1>目錄</h1><ol><li><a href="ch01.xhtml">第一章</a></li></ol></nav>`),
    ),
    'EPUB/titlepage.xhtml': strToU8(page(title, `<section epub:type="titlepage"><h1>${title}</h1></section>`)),
    'EPUB/ch01.xhtml': strToU8(page('第一章', `<section epub:type="chapter"><h1>第一章</h1><p>內容。</p></section>`)),
  });
}

/** A PDF of `pages` pages with an outline entry per page, a link from page 1 to the last page, and Info metadata. */
export async function samplePdf(pages = 3, title = SAMPLE_TITLE): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.setTitle(title);
  doc.setAuthor('Knowledge Workshop');
  doc.setCreationDate(new Date('2025-10-15T00:00:00Z'));
  doc.setModificationDate(new Date('2025-10-15T00:00:00Z'));
  const refs: PDFRef[] = [];
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([420, 595]);
    page.drawText(`Chapter ${i}`, { x: 60, y: 520, size: 18, font });
    page.drawText(`Body text of page ${i}.`, { x: 60, y: 480, size: 11, font });
    page.drawText(String(i), { x: 205, y: 30, size: 9, font });
    refs.push(page.ref);
  }
  const ctx = doc.context;
  const link = ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [60, 470, 300, 495], Border: [0, 0, 0], Dest: [refs[refs.length - 1], 'Fit'] });
  doc.getPage(0).node.addAnnot(ctx.register(link));
  const outlineRef = ctx.nextRef();
  const itemRefs = refs.map(() => ctx.nextRef());
  refs.forEach((pageRef, i) => {
    const item = ctx.obj({ Title: PDFHexString.fromText(`第 ${i + 1} 章`), Parent: outlineRef, Dest: [pageRef, 'Fit'] });
    if (i > 0) item.set(PDFName.of('Prev'), itemRefs[i - 1]);
    if (i < refs.length - 1) item.set(PDFName.of('Next'), itemRefs[i + 1]);
    ctx.assign(itemRefs[i], item);
  });
  ctx.assign(outlineRef, ctx.obj({ Type: 'Outlines', First: itemRefs[0], Last: itemRefs[itemRefs.length - 1], Count: refs.length }));
  doc.catalog.set(PDFName.of('Outlines'), outlineRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
  doc.catalog.set(PDFName.of('Lang'), PDFString.of('zh-Hant'));
  return doc.save();
}
