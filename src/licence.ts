/** The licence a sold copy carries: who bought it, and how it is marked. Shared by the stampers, the format registry and commerce. */
import { z } from 'zod';
import { emailAddressSchema } from './email.ts';

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

/** Namespace of Bindery's licence metadata (XMP in PDF, a declared prefix in EPUB OPF). */
export const LICENCE_NS = 'https://bindery.dev/ns/licence#';
