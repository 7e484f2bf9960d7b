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

/** Every object of a PDF as text, streams decoded (hex strings decoded too), so a test can search the whole file. */
export async function everyObjectText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const latin1 = new TextDecoder('latin1');
  const parts: string[] = [latin1.decode(bytes)];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream) {
      try {
        parts.push(latin1.decode(decodePDFRawStream(object).decode()));
      } catch {
        parts.push(latin1.decode(object.getContents()));
      }
    }
    const text = object.toString();
    parts.push(text, ...[...text.matchAll(/<([0-9A-Fa-f]+)>/g)].map(([, hex]) => hexText(hex)));
  }
  return parts.join('\n');
}

/** A PDF hex string's text: UTF-16BE with a byte-order mark, or single bytes. */
function hexText(hex: string): string {
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  return bytes[0] === 0xfe && bytes[1] === 0xff ? new TextDecoder('utf-16be').decode(bytes.slice(2)) : new TextDecoder('latin1').decode(bytes);
}
