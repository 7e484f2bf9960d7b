import { BinderyError } from '../errors.ts';
import type { HiddenLicence } from '../licence.ts';
import { FORMAT_REGISTRY, FORMATS, formatOfBytes, type Format } from './registry.ts';

/** What `readStamp` finds in a file. */
export interface Stamp extends HiddenLicence {
  format: Format;
}

/**
 * The licence hidden in a stamped file, or null for an unstamped one.
 * Tells the format from the file's first bytes, not its name, and loads only that format's stamper.
 */
export async function readStamp(bytes: Uint8Array): Promise<Stamp | null> {
  const format = formatOfBytes(bytes);
  if (!format) {
    const expected = FORMATS.map((f) => `${/^[AEIOU]/.test(FORMAT_REGISTRY[f].label) ? 'an' : 'a'} ${FORMAT_REGISTRY[f].label}`).join(' or ');
    throw new BinderyError('invalid-input', `expected ${expected} file`, { field: 'file' });
  }
  const found = await (await FORMAT_REGISTRY[format].stamper()).read(bytes);
  return found && { format, ...found };
}
