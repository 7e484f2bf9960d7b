-- The code a stamped copy's text and layout layers carry (src/stamp/text-mark.ts):
-- 'crc16' for copies stamped before the keyed code, whose marks anyone who saw a
-- purchase id could write; 'keyed' for a 32-bit SipHash tag under the store's
-- key. A copy of the older code is stamped again on its next download.
ALTER TABLE stamped_files ADD COLUMN mark_code TEXT NOT NULL DEFAULT 'crc16';
