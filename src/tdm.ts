/**
 * The publisher's reservation of text and data mining rights (W3C TDMRep,
 * https://www.w3.org/community/reports/tdmrep/CG-FINAL-tdmrep-20240510/):
 * one value per book, stated in the EPUB package, the PDF's XMP, HTTP
 * headers, `/.well-known/tdmrep.json`, OPDS and the public API.
 */
import { z } from 'zod';
import { text } from './xml.ts';

/** TDMRep's namespace, for XMP and the EPUB `tdm:` prefix. */
export const TDM_NS = 'http://www.w3.org/ns/tdmrep#';

/** `reserved`: mining for AI training and other TDM needs the publisher's licence; `policy` says how to ask for one. */
export interface TdmReservation {
  reserved: boolean;
  /** Where the licensing terms are published; TDMRep defines it only for reserved content. */
  policy?: string;
}

/** What a deployment states when neither it nor the book says otherwise. */
export const DEFAULT_TDM: TdmReservation = { reserved: true };

const httpsUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/** book.yaml `tdm:` — `reservation: true` reserves the rights; `policy` is the URL of the licensing terms. */
export const tdmSchema = z.strictObject({ reservation: z.boolean(), policy: httpsUrl.optional() });

/** The book's reservation: what book.yaml says, else the deployment's default. */
export function resolveTdm(stated: z.output<typeof tdmSchema> | undefined, fallback: TdmReservation): TdmReservation {
  if (!stated) return fallback;
  return { reserved: stated.reservation, ...(stated.reservation && stated.policy ? { policy: stated.policy } : {}) };
}

/** A resolved reservation written back as book.yaml's `tdm:` (a snapshot records the deployment's so a rebuild states the same). */
export function tdmSetting(tdm: TdmReservation): z.output<typeof tdmSchema> {
  return { reservation: tdm.reserved, ...(tdm.policy ? { policy: tdm.policy } : {}) };
}

/** The stored form (edition metadata, snapshots): already resolved. */
export const tdmReservationSchema = z.object({ reserved: z.boolean(), policy: httpsUrl.optional() });

const deploymentSchema = z.object({
  TDM_RESERVATION: z.enum(['reserved', 'allowed']).default('reserved'),
  TDM_POLICY: httpsUrl.optional(),
});

/**
 * The deployment's default from its vars (`TDM_RESERVATION` = reserved | allowed,
 * `TDM_POLICY`); a misspelt value reserves rather than silently allowing mining.
 */
export function deploymentTdm(vars: { TDM_RESERVATION?: string; TDM_POLICY?: string }): TdmReservation {
  const blank = (v: string | undefined) => (v === '' ? undefined : v);
  const parsed = deploymentSchema.safeParse({ TDM_RESERVATION: blank(vars.TDM_RESERVATION), TDM_POLICY: blank(vars.TDM_POLICY) });
  if (!parsed.success) return DEFAULT_TDM;
  const reserved = parsed.data.TDM_RESERVATION === 'reserved';
  return { reserved, ...(reserved && parsed.data.TDM_POLICY ? { policy: parsed.data.TDM_POLICY } : {}) };
}

/** TDMRep's HTTP headers for a response that serves content under `tdm`. */
export function tdmHeaders(tdm: TdmReservation): Record<string, string> {
  return { 'tdm-reservation': tdm.reserved ? '1' : '0', ...(tdm.policy ? { 'tdm-policy': tdm.policy } : {}) };
}

/** One rule of `/.well-known/tdmrep.json`; the first rule whose location matches a path applies. */
export interface TdmRule {
  location: string;
  'tdm-reservation': 0 | 1;
  'tdm-policy'?: string;
}

export function tdmRule(location: string, tdm: TdmReservation): TdmRule {
  return { location, 'tdm-reservation': tdm.reserved ? 1 : 0, ...(tdm.policy ? { 'tdm-policy': tdm.policy } : {}) };
}

/** The properties XMP carries (TDMRep's PDF binding), as an rdf:Description. */
export function tdmXmpDescription(tdm: TdmReservation): string {
  return (
    `<rdf:Description rdf:about="" xmlns:tdm="${TDM_NS}">` +
    `<tdm:reservation>${tdm.reserved ? 1 : 0}</tdm:reservation>` +
    (tdm.policy ? `<tdm:policy>${text(tdm.policy)}</tdm:policy>` : '') +
    '</rdf:Description>'
  );
}

