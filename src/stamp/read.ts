import { BinderyError } from '../errors.ts';
import { readEpubStamp } from './epub.ts';
import type { Stamp } from './licence.ts';
import { readPdfStamp } from './pdf.ts';

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46]; // %PDF
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * The licence hidden in a stamped EPUB or PDF, or null for an unstamped file.
 * Tells the format from the file's first bytes, not its name.
 */
export async function readStamp(bytes: Uint8Array): Promise<Stamp | null> {
  if (startsWith(bytes, PDF_MAGIC)) {
    const found = await readPdfStamp(bytes);
    return found && { format: 'pdf', ...found };
  }
  if (startsWith(bytes, ZIP_MAGIC)) {
    const found = readEpubStamp(bytes);
    return found && { format: 'epub', ...found };
  }
  throw new BinderyError('invalid-input', 'expected an EPUB or a PDF file', { field: 'file' });
}
