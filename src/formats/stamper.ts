import { z } from 'zod';
import { emailAddressSchema } from '../email.ts';

/** Who a stamped copy belongs to: printed visibly and hidden in the file's metadata. */
export const licenceSchema = z.object({
  email: emailAddressSchema,
  /** The order's opaque purchase id (`pur_…`); never a payment provider's id. */
  orderId: z.string().min(1).max(255),
  /** Per-order identifier (a UUID), kept with the order so a stamp can be checked against it. */
  mark: z.uuid(),
});
export type Licence = z.infer<typeof licenceSchema>;

/** The part of a licence hidden in a stamped file's metadata: enough to find the order and check its mark. */
export type HiddenLicence = Pick<Licence, 'orderId' | 'mark'>;

/** Per-buyer marks on a finished file of one format: a pure transform, and its inverse for verification. */
export interface Stamper {
  /** The buyer's copy: the licence printed visibly and hidden in the file's metadata. */
  stamp(bytes: Uint8Array, licence: Licence): Promise<Uint8Array>;
  /** The licence hidden in a file of this format, or null for an unstamped one. @throws BinderyError('invalid-input') for an unreadable file. */
  read(bytes: Uint8Array): Promise<HiddenLicence | null>;
}
