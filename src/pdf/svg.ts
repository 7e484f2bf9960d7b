import { PDFArray, PDFContentStream, PDFName, PDFPage, PDFRef, type PDFDocument, type PDFFont } from '@cantoo/pdf-lib';
import { spellOutSvgAttributes } from './svg-attributes.ts';
import { joinBytes } from '../bytes.ts';
import type { Deflate } from '../deflate/compress.ts';
import { flateStream } from '../deflate/pdf-stream.ts';

/** The faces SVG `<text>` is set in: every font family maps to Noto Sans TC, so CJK labels are never tofu. */
export interface SvgFonts {
  regular: PDFFont;
  bold: PDFFont;
}

/**
 * Draws an SVG as vector graphics into a Form XObject whose matrix maps its
 * `width` × `height` box onto the unit square, exactly like an image XObject,
 * so the page canvas places it with the same `cm … Do` as a PNG and keeps
 * drawing order in its own content stream.
 *
 * cantoo's `drawSvg` (pure JS: node-html-better-parser, no DOM) only draws
 * onto a page, so it draws onto a scratch page that never joins the page
 * tree, and the form is made here from that page's operators and resources.
 * Not through `embedPage`: it registers the page for embedding again at
 * save, so one drawing it refuses (a page that drew nothing has no content
 * stream) failed the whole PDF instead of becoming a placeholder. The scratch
 * objects are dropped either way, so the file carries no orphan page.
 */
export async function embedSvgForm(pdf: PDFDocument, svg: string, width: number, height: number, fonts: SvgFonts, deflate: Deflate): Promise<PDFRef> {
  const prepared = await pdf.embedSvg(spellOutSvgAttributes(svg));
  const scratch = PDFPage.create(pdf);
  try {
    scratch.setSize(width, height);
    // Text without a font-family is set in the page's current font.
    scratch.setFont(fonts.regular);
    scratch.drawSvg(prepared, { x: 0, y: height, width, height, fonts: anyFamily(fonts) });
    const { Contents, Resources } = scratch.node.normalizedEntries();
    const operators = (Contents?.asArray() ?? []).map((ref) => {
      const stream = pdf.context.lookup(ref);
      // drawSvg only ever writes PDFContentStreams; anything else becomes this image's placeholder.
      if (!(stream instanceof PDFContentStream)) throw new Error('the drawing left an unexpected content stream');
      return stream.getUnencodedContents();
    });
    const form = flateStream(pdf.context, joinBytes([...operators, new Uint8Array()], 0x0a), {
      Type: 'XObject',
      Subtype: 'Form',
      FormType: 1,
      BBox: [0, 0, width, height],
      Matrix: [1 / width, 0, 0, 1 / height, 0, 0],
      Resources,
    }, deflate);
    return pdf.context.register(form);
  } finally {
    const contents = scratch.node.get(PDFName.of('Contents'));
    if (contents instanceof PDFArray) for (const ref of contents.asArray()) if (ref instanceof PDFRef) pdf.context.delete(ref);
    pdf.context.delete(scratch.ref);
  }
}


/**
 * drawSvg looks fonts up by the family name written in the SVG (`'Noto Sans TC'`,
 * `Helvetica, Arial, sans-serif`, …) plus `_bold`/`_italic`. Sample books name
 * families our build does not have, and a miss falls back to Helvetica, which
 * cannot encode Chinese and throws. Answering every name with our faces keeps
 * the SVG's weight and never leaves a label unset.
 */
function anyFamily(fonts: SvgFonts): Record<string, PDFFont> {
  return new Proxy({} as Record<string, PDFFont>, {
    get: (_, key) => (typeof key === 'string' && key.includes('_bold') ? fonts.bold : fonts.regular),
  });
}
