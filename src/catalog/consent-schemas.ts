import { z } from '@hono/zod-openapi';
import { contributorSchema } from '../content/contributors.ts';
import { articleIdSchema, assetPathSchema, bookSlugSchema } from './schemas.ts';

/** What an editor records when a contributor agrees: who, for which articles and images, and how far it reaches. */
export const consentInputSchema = z
  .strictObject({
    contributor: contributorSchema.shape.name,
    /** Such as interviewee, photographer, illustrator, co-author, translator. */
    role: contributorSchema.shape.role,
    email: z.email().max(320).optional(),
    /** The language of the contributor's consent page. */
    language: z.enum(['en', 'zh-Hant']).default('en'),
    /** `all`: every book and bundle; `book`: only the book or bundle named in `book`. */
    scope: z.enum(['all', 'book']).default('all'),
    book: bookSlugSchema.optional(),
    /** Articles whose text the contributor's words or work are part of. */
    articles: z.array(articleIdSchema).max(200).default([]),
    /** Single images the contributor made, by the path the article references them with. */
    images: z.array(z.strictObject({ article: articleIdSchema, path: assetPathSchema })).max(200).default([]),
  })
  .refine((c) => (c.scope === 'book') === (c.book !== undefined), { message: 'scope "book" names the book in "book"; scope "all" takes none', path: ['book'] })
  .refine((c) => c.articles.length + c.images.length > 0, { message: 'a consent covers at least one article or image', path: ['articles'] })
  .openapi('ConsentInput');

export type ConsentInput = z.output<typeof consentInputSchema>;

export const consentFiltersSchema = z.object({ article: articleIdSchema.optional() });
