import type { Context } from 'hono';

/** The origin a request came to: absolute links in API answers, feeds and pages point back at it. */
export const originOf = (c: Context): string => new URL(c.req.url).origin;
