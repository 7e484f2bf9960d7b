/**
 * The visible licence line's words. Kept apart from licence.ts (and its
 * e-mail schema, which must be made after @hono/zod-openapi extends zod) so
 * that commerce's config can validate LICENCE_LINE without loading it.
 */
import { z } from 'zod';
import { printableName } from '../buyer-name.ts';
import type { Licence, LicenceLineContent } from '../licence.ts';

/** LICENCE_LINE as commerce's config validates it. */
export const licenceLineSchema = z.enum(['email-and-purchase', 'email', 'name', 'purchase'] as const satisfies readonly LicenceLineContent[]);

/** The visible line a stamped copy carries. */
export function licenceLine(licence: Licence, content: LicenceLineContent = 'email-and-purchase'): string {
  if (content === 'email') return `Licensed to ${licence.email}`;
  const name = content === 'name' ? printableName(licence.name) : null;
  if (name) return `Licensed to ${name} · purchase ${licence.orderId}`;
  if (content === 'purchase' || content === 'name') return `Licensed copy · purchase ${licence.orderId}`;
  return `Licensed to ${licence.email} · purchase ${licence.orderId}`;
}
