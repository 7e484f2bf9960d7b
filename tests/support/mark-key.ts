import { keyedMarkCode } from '../../src/stamp/text-mark.ts';

/** The mark key the tests stamp and read with, as a store's `markKeyOf(SIGNING_KEY)` would give one. */
export const MARK_KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
/** The keyed code under MARK_KEY. */
export const MARK_CODE = keyedMarkCode(MARK_KEY);
/** Another store's key: its marks must not read as this one's. */
export const OTHER_MARK_KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 53 + 7) & 0xff);
