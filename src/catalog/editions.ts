import { z } from 'zod';
import type { Format } from '../formats/writer.ts';
import { WRITERS } from '../formats/writers.ts';
import { PAGE_SIZES } from '../content/manifest.ts';
import type { BookMeta } from '../document/model.ts';

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

/** An edition's metadata as the build consumer stores it (`builds.meta`, a `BookMeta` as JSON). */
export const editionMetaSchema = z.object({
  slug: z.string(),
  title: z.string(),
  subtitle: z.string().optional(),
  language: z.string(),
  authors: z.array(z.string()),
  publisher: z.string().optional(),
  date: z.string(),
  modified: z.string().transform((s) => new Date(s)),
  description: z.string().optional(),
  identifier: z.string(),
  isbn: z.string().optional(),
  price: z.object({ amount: z.number(), currency: z.string() }).optional(),
  tags: z.array(z.string()).default([]),
  page: z.enum(PAGE_SIZES).default('a5'),
  rights: z.string().optional(),
  cover: z.string().optional(),
}) satisfies z.ZodType<BookMeta, unknown>;

export type EditionMeta = z.output<typeof editionMetaSchema>;

/** The one message the build queue carries. */
export const buildMessageSchema = z.strictObject({ buildId: z.string().min(1).max(100) });
export type BuildMessage = z.infer<typeof buildMessageSchema>;
