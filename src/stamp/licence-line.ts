/**
 * The visible licence line's words. Kept apart from licence.ts (and its
 * e-mail schema, which must be made after @hono/zod-openapi extends zod) so
 * that commerce's config can validate LICENCE_LINE without loading it.
 */
import { z } from 'zod';
import type { Licence, LicenceLineContent } from '../licence.ts';

/** LICENCE_LINE as commerce's config validates it. */
export const licenceLineSchema = z.enum(['email-and-purchase', 'email', 'purchase'] as const satisfies readonly LicenceLineContent[]);

/** The visible line a stamped copy carries. */
export function licenceLine(licence: Licence, content: LicenceLineContent = 'email-and-purchase'): string {
  if (content === 'email') return `Licensed to ${licence.email}`;
  if (content === 'purchase') return `Licensed copy · purchase ${licence.orderId}`;
  return `Licensed to ${licence.email} · purchase ${licence.orderId}`;
}
