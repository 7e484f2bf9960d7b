import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream } from '@cantoo/pdf-lib';

/**
 * The content streams of every page, decoded, as text. Text drawn in a
 * standard font appears as WinAnsi hex strings, so `hexOf` gives the needle.
 */
export async function pageContents(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return doc.getPages().map((page) => {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    return refs
      .map((ref) => doc.context.lookup(ref))
      .map((stream) => (stream instanceof PDFRawStream ? new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode()) : ''))
      .join('\n');
  });
}

/** WinAnsi hex of `text` (ASCII plus the middle dot), upper-case as pdf-lib writes it. */
export function hexOf(text: string): string {
  return [...text].map((ch) => (ch === '·' ? 0xb7 : ch.charCodeAt(0)).toString(16).toUpperCase().padStart(2, '0')).join('');
}
