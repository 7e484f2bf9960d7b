/** The licence a sold copy carries: who bought it, how it is marked and what reading the marks finds. Shared by the stampers, the format registry and commerce. */
import { z } from 'zod';
import { printableName } from './buyer-name.ts';
import { emailAddressSchema } from './email.ts';

/** Who a stamped copy belongs to: printed visibly and hidden in the file's metadata. */
export const licenceSchema = z.object({
  email: emailAddressSchema,
  /** The buyer's name, printed where the deployment's licence line shows it (see `printableName`). */
  name: z.string().max(400).nullish().transform(printableName),
  /** The order's opaque purchase id (`pur_…`); never a payment provider's id. */
  orderId: z.string().min(1).max(255),
  /** Per-order identifier (a UUID), kept with the order so a stamp can be checked against it. */
  mark: z.uuid(),
});
/** A licence as stampers take it; they parse it (`licenceSchema`) before use. */
export type Licence = z.input<typeof licenceSchema>;

/** The part of a licence hidden in a stamped file's metadata: enough to find the order and check its mark. */
export type HiddenLicence = Pick<Licence, 'orderId' | 'mark'>;

/** Namespace of Bindery's licence metadata (XMP in PDF, a declared prefix in EPUB OPF). */
export const LICENCE_NS = 'https://bindery.dev/ns/licence#';

/**
 * What the visible licence line shows, chosen per deployment (`LICENCE_LINE`):
 * the buyer's e-mail and the purchase id (the default, so a copy leads back
 * to one purchase by eye), the e-mail only, the buyer's name and the purchase
 * id (the name the payer gave at checkout; the purchase id alone where there
 * is none), or the purchase id only (for publishers who would print no
 * personal data). The hidden layers carry the purchase id whatever the choice.
 */
export type LicenceLineContent = 'email-and-purchase' | 'email' | 'name' | 'purchase';

/** How a stamper marks and prints a copy. */
export interface StampOptions {
  /**
   * The store's 16-byte mark key (`markKeyOf` in crypto.ts): the text and
   * layout layers carry a tag only it can compute, so that no one who has
   * seen a purchase id can write a copy that reads as that purchase's.
   */
  markKey: Uint8Array;
  /** What the line shows. */
  line?: LicenceLineContent;
  /**
   * The book's body font (TrueType/OpenType bytes), loaded on first use: the
   * PDF line is set in it, subset to the line's characters, so any address
   * prints. Without it (or when it resolves to null: a store whose fonts were
   * never uploaded) the line falls back to Helvetica, which prints `?` for
   * what WinAnsi lacks.
   */
  font?: () => Promise<Uint8Array | null>;
  /**
   * Where the stamper keeps what every buyer's stamp of this edition shares
   * (the PDF's stamp plan, src/stamp/pdf-stamp-plan.ts): read before
   * stamping, written when it had to be worked out. Without it, each stamp
   * works it out again.
   */
  plan?: PlanStore;
}

/** A place for one edition's stamp plan, beside the edition. */
export interface PlanStore {
  read(): Promise<Uint8Array | null>;
  write(plan: Uint8Array): Promise<void>;
}

/** Where a purchase was found: the file's metadata, the invisible text layer, the PDF's line positions (layout), or the printed licence line. */
export type Layer = 'metadata' | 'text' | 'layout' | 'visible';
export const LAYERS: readonly Layer[] = ['metadata', 'text', 'layout', 'visible'];

/** What reading a file's marks may use besides the file. */
export interface ReadOptions {
  /** The store's mark key: without it only the unkeyed code of copies sold before the key is read. */
  markKey?: Uint8Array;
  /**
   * The unstamped PDF editions the file may be a copy of, given the purchases
   * the other layers found (none, when they were all removed): the layout
   * layer is read against each in turn until one matches. Without it the
   * layout layer is not read.
   */
  editions?: (purchaseIds: string[]) => AsyncIterable<Uint8Array>;
}

/** One purchase a file carries. */
export interface FoundPurchase {
  purchaseId: string;
  layers: Layer[];
  /** Places in the text layer that carried the purchase id (0 when the layer did not). */
  textPlaces: number;
  /** Text lines whose positions carried the purchase id (0 when the layout layer did not). */
  layoutLines: number;
  /** The per-order licence mark the metadata carried, to check against the order; null without metadata. */
  licenceMark: string | null;
  /** The text and layout layers that carried the purchase only in the unkeyed code of older copies, which anyone could have written. */
  unkeyedLayers: Layer[];
}
