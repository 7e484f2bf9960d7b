import type { HiddenLicence, Licence } from '../licence.ts';

/** Per-buyer marks on a finished file of one format: a pure transform, and its inverse for verification. */
export interface Stamper {
  /** The buyer's copy: the licence printed visibly and hidden in the file's metadata. */
  stamp(bytes: Uint8Array, licence: Licence): Promise<Uint8Array>;
  /** The licence hidden in a file of this format, or null for an unstamped one. @throws BinderyError('invalid-input') for an unreadable file. */
  read(bytes: Uint8Array): Promise<HiddenLicence | null>;
}
