import type { Licence } from '../formats/stamper.ts';

/** Namespace of Bindery's licence metadata (XMP in PDF, a declared prefix in EPUB OPF). */
export const LICENCE_NS = 'https://bindery.dev/ns/licence#';

/** The visible line every stamped copy carries: the whole purchase id, so a copy leads back to one purchase by eye. */
export function licenceLine(licence: Licence): string {
  return `Licensed to ${licence.email} · purchase ${licence.orderId}`;
}
