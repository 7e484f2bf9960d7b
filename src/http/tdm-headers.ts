import type { Context, MiddlewareHandler } from 'hono';
import { deploymentTdm, tdmHeaders, type TdmReservation } from '../tdm.ts';
import type { AppEnv } from './app.ts';

/** Marks the response as serving one book, so the TDM headers state that book's reservation rather than the deployment's. */
export function servesBook(c: Context<AppEnv>, tdm: TdmReservation): void {
  c.set('tdm', tdm);
}

/**
 * TDMRep headers on every response (files, samples, pages, feeds): the
 * reservation of the book it serves, else the deployment's. Set after the
 * handler, so error pages carry them too.
 */
export const tdmReservationHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(tdmHeaders(c.get('tdm') ?? deploymentTdm(c.env ?? {})))) c.header(name, value);
};
