import { z } from 'zod';
import type { Format } from '../build/writer.ts';
import { WRITERS } from '../build/writers.ts';

/**
 * The R2 layout of editions. Every key under an edition's folder is named by
 * the content hash, so a finished edition is never overwritten by other bytes.
 */
export const editionPrefix = (slug: string, contentHash: string) => `editions/${slug}/${contentHash}/`;

/** The build input, kept with the edition so it can be rebuilt and audited. */
export const snapshotKey = (slug: string, contentHash: string) => `${editionPrefix(slug, contentHash)}source.json`;

export const editionFileKey = (slug: string, contentHash: string, format: Format, sample: boolean) =>
  `${editionPrefix(slug, contentHash)}${slug}${sample ? '-sample' : ''}.${format}`;

/** How a build file is recorded in build_files.format: `epub`, `pdf`, `sample-epub`, `sample-pdf`. */
export const fileFormat = (format: Format, sample: boolean) => (sample ? `sample-${format}` : format);

/** Every format a Worker build writes: whatever writers are registered. */
export function buildFormats(): Format[] {
  return (Object.keys(WRITERS) as Format[]).sort();
}

/** The one message the build queue carries. */
export const buildMessageSchema = z.strictObject({ buildId: z.string().min(1).max(100) });
export type BuildMessage = z.infer<typeof buildMessageSchema>;
