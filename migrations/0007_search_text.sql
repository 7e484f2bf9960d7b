-- An edition's title, subtitle, description and authors folded for search in
-- every script (src/catalog/search-text.ts): SQLite's lower() folds ASCII only.
-- Written when a build completes; editions built before this column existed
-- are searched through lower() of their metadata, as before.
ALTER TABLE builds ADD COLUMN search_text TEXT;
