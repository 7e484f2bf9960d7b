import { z } from '@hono/zod-openapi';
import { manifestSchema, priceSchema, textSchema } from '../content/manifest.ts';

/**
 * Shapes of the catalog's inputs. The book manifest mirrors `book.yaml`
 * (same zod schema), except that chapters name pool articles instead of files.
 */

const segment = '[A-Za-z0-9][A-Za-z0-9._-]*';

/** An article of the pool, e.g. `remote-newsroom-playbook/01-foundations`. */
export const articleIdSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^${segment}(/${segment})*$`), 'article ids are path-like: letters, digits, ".", "_", "-" and "/"')
  .openapi({ example: 'remote-newsroom-playbook/01-foundations' });

export const bookSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'slug: lowercase letters, digits and dashes')
  .openapi({ example: 'remote-newsroom-playbook' });

/**
 * A file path as an article or manifest references it, relative to the
 * article (leading `../` allowed, as in `../images/map.jpg`), never absolute.
 */
export const assetPathSchema = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => isRelativeReference(p), 'a relative path without empty, "." or inner ".." segments')
  .openapi({ example: '../images/coverage-map.jpg' });

function isRelativeReference(path: string): boolean {
  const parts = path.split('/');
  let leading = true;
  for (const part of parts) {
    if (part === '..' && leading) continue;
    leading = false;
    if (part === '' || part === '.' || part === '..' || part.includes('\0')) return false;
  }
  return !leading;
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

const articleEntry = z.union([articleIdSchema, z.strictObject({ article: articleIdSchema, sample: z.boolean().optional() })]);

export const apiChapterRefSchema = z.union([
  articleEntry,
  z.strictObject({ part: textSchema, chapters: z.array(articleEntry).min(1) }),
]);

/** A book manifest sent to the API: `book.yaml` fields, chapters as article ids. */
export const apiManifestSchema = manifestSchema
  .omit({ chapters: true, slug: true })
  .extend({ chapters: z.array(apiChapterRefSchema).min(1) })
  .openapi('BookManifest');

export type ApiManifest = z.output<typeof apiManifestSchema>;
export type ApiChapterRef = z.output<typeof apiChapterRefSchema>;

export const bundleQuerySchema = z
  .strictObject({
    tagsAny: z.array(z.string().min(1)).min(1).optional(),
    tagsAll: z.array(z.string().min(1)).min(1).optional(),
    articleIds: z.array(articleIdSchema).min(1).optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
  })
  .refine((q) => Object.values(q).some((v) => v !== undefined), 'a bundle query needs at least one of tagsAny, tagsAll, articleIds, from, to')
  .openapi('BundleQuery');

export type BundleQuery = z.output<typeof bundleQuerySchema>;

/** A topic bundle: a book whose chapters are whatever pool articles match its query at build time. */
export const bundleSchema = z
  .strictObject({
    title: manifestSchema.shape.title,
    subtitle: manifestSchema.shape.subtitle,
    description: manifestSchema.shape.description,
    price: priceSchema.optional(),
    language: manifestSchema.shape.language,
    authors: manifestSchema.shape.authors,
    publisher: manifestSchema.shape.publisher,
    date: manifestSchema.shape.date.optional(),
    tags: z.array(textSchema).optional(),
    page: manifestSchema.shape.page.optional(),
    rights: manifestSchema.shape.rights,
    query: bundleQuerySchema,
    order: z.enum(['date', 'date-desc', 'given']).default('date'),
  })
  .refine((b) => b.order !== 'given' || b.query.articleIds, { message: 'order "given" needs query.articleIds', path: ['order'] })
  .openapi('Bundle');

export type Bundle = z.output<typeof bundleSchema>;

export const articleFiltersSchema = z.object({
  tag: z.string().min(1).optional(),
  author: z.string().min(1).optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
  q: z.string().min(1).max(200).optional().openapi({ description: 'text contained in the title' }),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type ArticleFilters = z.output<typeof articleFiltersSchema>;

export const TOKEN_SCOPES = ['admin', 'editor'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const mintTokenSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).default(['editor']),
  })
  .openapi('MintToken');
