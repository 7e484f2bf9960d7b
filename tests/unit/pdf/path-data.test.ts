import { describe, expect, it } from 'vitest';
import { pathDataUpToError } from '../../../src/pdf/svg-attributes.ts';

describe('SVG path data up to its first error (SVG 1.1 §F.2)', () => {
  it('keeps valid data as written, compact forms and arc flags included', () => {
    for (const d of ['M10,10L90,90Z', 'm1 1h5v5z m2 2', 'M0 0 a10 10 0 1 0 20 20', 'M0 0a10 10 0 1020 20', 'M.5.5l-1e1-2E-1']) expect(pathDataUpToError(d), d).toBe(d);
  });

  it('drops a command left without its numbers, an unfinished segment, and all after an unknown command', () => {
    expect(pathDataUpToError('M10 10 L 90 90 M')).toBe('M10 10 L 90 90');
    expect(pathDataUpToError('M 10 10 20 20 30')).toBe('M 10 10 20 20');
    expect(pathDataUpToError('M0 0 C1 2 3 4 5')).toBe('M0 0');
    expect(pathDataUpToError('M0 0 X 1 2 L3 3')).toBe('M0 0');
  });

  it('draws nothing of data that does not start with a moveto', () => {
    expect(pathDataUpToError('L10 10')).toBe('');
    expect(pathDataUpToError('')).toBe('');
  });
});
