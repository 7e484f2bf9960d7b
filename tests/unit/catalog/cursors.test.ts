import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/catalog/public-queries.ts';
import { BinderyError } from '../../../src/errors.ts';

describe('public catalog cursors', () => {
  it('round-trip through URL-safe text', () => {
    const cursor = encodeCursor('2025-10-15T00:00:00.000Z', 'ai-video-handbook');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(['2025-10-15T00:00:00.000Z', 'ai-video-handbook']);
  });

  it.each([['not base64url!'], ['e30'], ['WyJhIl0']])('rejects %s as a cursor this API never returned', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BinderyError);
  });
});
