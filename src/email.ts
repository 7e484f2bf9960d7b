import { z } from 'zod';

/**
 * An e-mail address as Stripe and mail servers take it: internationalised
 * (RFC 6531: `josé@exämple.com`) and with any printable local part
 * (`first&last@`, `user%tag@`). Only what cannot be an address is refused:
 * no `@`, an empty side, spaces or control characters, over 254 characters.
 */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, 'must be an e-mail address such as reader@example.com');

/** The one form an address is stored and compared in: trimmed, NFC, lower case. */
export const normaliseEmail = (email: string): string => email.trim().normalize('NFC').toLowerCase();
