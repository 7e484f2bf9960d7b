import { z } from '@hono/zod-openapi';
import { BUILD_FILE_FORMATS } from '../catalog/editions.ts';
import { articleIdSchema, assetPathSchema, bookSlugSchema, TOKEN_SCOPES } from '../catalog/schemas.ts';

/** Response and parameter shapes of the editor API, named for the OpenAPI document. */

export const ArticleIdParam = z.object({
  id: articleIdSchema.openapi({ param: { name: 'id', in: 'path', description: 'Article id; encode "/" as %2F' } }),
});

export const ArticleAssetParams = z.object({
  id: articleIdSchema.openapi({ param: { name: 'id', in: 'path', description: 'Article id; encode "/" as %2F' } }),
  path: assetPathSchema.openapi({ param: { name: 'path', in: 'path', description: 'Image path as the article references it; encode "/" as %2F' } }),
});

export const BookAssetParams = z.object({
  slug: bookSlugSchema.openapi({ param: { name: 'slug', in: 'path' } }),
  path: assetPathSchema.openapi({ param: { name: 'path', in: 'path', description: 'Path as the manifest names it (e.g. cover.png)' } }),
});

export const IdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }) });

export const BuildFileParams = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }),
  format: z.enum(BUILD_FILE_FORMATS).openapi({ param: { name: 'format', in: 'path' } }),
});

export const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(TOKEN_SCOPES)),
    token: z.string().openapi({ description: 'The secret; shown only in this response' }),
    createdAt: z.string(),
  })
  .openapi('Token');

export const ArticleSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    author: z.string().nullable(),
    date: z.string().nullable(),
    lang: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ArticleSummary');

export const AssetSchema = z
  .object({ path: z.string(), mediaType: z.string(), size: z.number().int(), sha256: z.string() })
  .openapi('Asset');

export const ArticleSchema = ArticleSummarySchema.extend({ markdown: z.string(), assets: z.array(AssetSchema) }).openapi('Article');

export const ArticleListSchema = z
  .object({ items: z.array(ArticleSummarySchema), nextCursor: z.string().nullable() })
  .openapi('ArticleList');

export const BookSummarySchema = z
  .object({
    slug: z.string(),
    kind: z.enum(['book', 'bundle']),
    title: z.string(),
    publishedBuildId: z.string().nullable(),
    publishedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('BookSummary');

export const BuildErrorSchema = z
  .object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().int().optional(), field: z.string().optional() })
  .openapi('BuildError');

export const BuildFileSchema = z
  .object({ format: z.string(), size: z.number().int(), sha256: z.string(), pages: z.number().int().nullable(), href: z.string() })
  .openapi('BuildFile');

export const BuildSchema = z
  .object({
    id: z.string(),
    book: z.string(),
    status: z.enum(['queued', 'building', 'ready', 'failed']),
    progress: z.number(),
    contentHash: z.string(),
    error: BuildErrorSchema.nullable(),
    files: z.array(BuildFileSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Build');

export const BookSchema = BookSummarySchema.extend({
  manifest: z.record(z.string(), z.unknown()),
  assets: z.array(AssetSchema),
  publications: z.array(z.object({ buildId: z.string(), publishedAt: z.string() })),
  builds: z.array(BuildSchema.omit({ files: true })),
}).openapi('Book');

export const PublishSchema = z.strictObject({ buildId: z.string().min(1).max(100) }).openapi('PublishRequest');

export const PublicationSchema = z
  .object({ book: z.string(), buildId: z.string(), publishedAt: z.string() })
  .openapi('Publication');
