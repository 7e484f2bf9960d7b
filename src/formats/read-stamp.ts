import { BinderyError } from '../errors.ts';
import type { FoundPurchase, ReadOptions } from '../licence.ts';
import { FORMAT_REGISTRY, FORMATS, formatOfBytes, type Format } from './registry.ts';

/** What `readMarks` finds in an input: its kind, and every purchase marked in it. */
export interface Marks {
  /** The file's format, or `text` for a pasted excerpt. */
  kind: Format | 'text';
  purchases: FoundPurchase[];
}

/** The largest pasted excerpt read: a chapter or two, far more than the ~300 characters that carry a mark. */
const MAX_TEXT_BYTES = 1024 * 1024;

/**
 * Every purchase marked in a file (told by its first bytes, not its name,
 * loading only that format's stamper) or in pasted text (`isText`);
 * `markKey` reads the keyed code new copies carry, `editions` lets the PDF
 * reader read the layout layer.
 */
export async function readMarks(bytes: Uint8Array, { isText = false, ...options }: { isText?: boolean } & ReadOptions = {}): Promise<Marks> {
  if (isText) {
    if (bytes.length > MAX_TEXT_BYTES) throw new BinderyError('payload-too-large', `the text is larger than ${MAX_TEXT_BYTES / 1024 / 1024} MB: paste the passage that leaked`, { field: 'text' });
    // Loaded on first use, as the registry loads each format's stamper.
    const { MarkTally } = await import('../stamp/marks.ts');
    const tally = new MarkTally(options.markKey);
    tally.addText(new TextDecoder().decode(bytes));
    return { kind: 'text', purchases: tally.list() };
  }
  const format = formatOfBytes(bytes);
  if (!format) {
    const expected = FORMATS.map((f) => `${/^[AEIOU]/.test(FORMAT_REGISTRY[f].label) ? 'an' : 'a'} ${FORMAT_REGISTRY[f].label}`).join(' or ');
    throw new BinderyError('invalid-input', `expected ${expected} file, or text sent as text/plain`, { field: 'file' });
  }
  return { kind: format, purchases: await (await FORMAT_REGISTRY[format].stamper()).read(bytes, options) };
}
