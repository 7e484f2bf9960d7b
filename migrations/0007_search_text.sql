-- Text folded for search in every script (src/catalog/search-text.ts):
-- SQLite's lower() folds ASCII only. An edition's title, subtitle, description
-- and authors, written when its build completes; an article's title, written
-- when it is put. Rows from before these columns are searched through lower(),
-- as before.
ALTER TABLE builds ADD COLUMN search_text TEXT;
ALTER TABLE articles ADD COLUMN search_title TEXT;
