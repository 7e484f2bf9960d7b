import type { FoundPurchase, Licence, ReadOptions, StampOptions } from '../licence.ts';

/** Per-buyer marks on a finished file of one format: a pure transform, and its inverse for verification. */
export interface Stamper {
  /** The buyer's copy: the licence printed visibly, hidden in the file's metadata and woven into its text. */
  stamp(bytes: Uint8Array, licence: Licence, options: StampOptions): Promise<Uint8Array>;
  /** Every purchase marked in a file of this format, with the layers that carried it; empty for an unmarked file. @throws BinderyError('invalid-input') for an unreadable file. */
  read(bytes: Uint8Array, options?: ReadOptions): Promise<FoundPurchase[]>;
}
