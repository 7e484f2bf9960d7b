import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BinderyError } from '../errors.ts';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  file?: string;
  line?: number;
  field?: string;
  [extra: string]: unknown;
}

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), { status: problem.status, headers: { 'content-type': PROBLEM_JSON, ...headers } });
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** The problem document of a BinderyError, at its code's status unless a route knows better. */
export function errorProblem(err: BinderyError, status = err.status): Problem {
  return problem(status, err.describe(), { type: `https://bindery.dev/problems/${err.code}`, ...err.where });
}

/** The app's error handler: BinderyError and HTTPException become problem+json; anything else a logged 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof BinderyError) return problemResponse(errorProblem(err));
  if (err instanceof HTTPException) {
    return problemResponse(problem(err.status, err.message || TITLES[err.status] || 'Error'));
  }
  console.error(`${c.req.method} ${c.req.path}`, err);
  return problemResponse(problem(500, 'The server hit an unexpected error.'));
}
