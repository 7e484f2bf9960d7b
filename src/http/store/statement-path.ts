/** The languages the shop's accessibility statement is written in. */
export const STATEMENT_LANGUAGES = ['en', 'zh-Hant'] as const;
export type StatementLanguage = (typeof STATEMENT_LANGUAGES)[number];

/** Where the statement lives in each language. */
export const statementPath = (lang: StatementLanguage) => (lang === 'en' ? '/accessibility' : `/accessibility/${lang}`);
