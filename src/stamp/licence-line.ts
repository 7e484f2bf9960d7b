/**
 * The visible licence line's words, and how a stamper is told to print it.
 * Kept apart from licence.ts (and its e-mail schema) so that commerce's
 * config can validate LICENCE_LINE without loading more.
 */
import { z } from 'zod';
import type { Licence } from '../licence.ts';

/**
 * What the visible licence line shows, chosen per deployment (`LICENCE_LINE`):
 * the buyer's e-mail and the purchase id (the default, so a copy leads back
 * to one purchase by eye), the e-mail only, or the purchase id only (for
 * publishers who would not print an address). The hidden layers carry the
 * purchase id whatever the choice.
 */
export const licenceLineSchema = z.enum(['email-and-purchase', 'email', 'purchase']);
export type LicenceLineContent = z.infer<typeof licenceLineSchema>;

/** The visible line a stamped copy carries. */
export function licenceLine(licence: Licence, content: LicenceLineContent = 'email-and-purchase'): string {
  if (content === 'email') return `Licensed to ${licence.email}`;
  if (content === 'purchase') return `Licensed copy · purchase ${licence.orderId}`;
  return `Licensed to ${licence.email} · purchase ${licence.orderId}`;
}

/** How a stamper prints the visible line. */
export interface StampOptions {
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
}
