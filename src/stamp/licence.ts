import { z } from 'zod';

/** Who a stamped copy belongs to: printed visibly and hidden in the file's metadata. */
export const licenceSchema = z.object({
  email: z.string().email(),
  orderId: z.string().min(1).max(255),
  /** Per-order identifier (a UUID), kept with the order so a stamp can be checked against it. */
  mark: z.uuid(),
});
export type Licence = z.infer<typeof licenceSchema>;

/** What `readStamp` finds in a file. */
export interface Stamp {
  format: 'epub' | 'pdf';
  orderId: string;
  mark: string;
}

/** Namespace of Bindery's licence metadata (XMP in PDF, a declared prefix in EPUB OPF). */
export const LICENCE_NS = 'https://bindery.dev/ns/licence#';

/** The last characters of an order id: enough to find an order by eye, short enough for a footer. */
export function shortOrderId(orderId: string): string {
  return orderId.length <= 10 ? orderId : orderId.slice(-10);
}

/** The visible line every stamped copy carries. */
export function licenceLine(licence: Licence): string {
  return `Licensed to ${licence.email} · order ${shortOrderId(licence.orderId)}`;
}
