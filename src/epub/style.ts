/**
 * The book's stylesheet, tuned for Traditional Chinese mixed with English.
 * Colours are left to the reading system (night modes invert them), so code
 * and tables are marked by borders, not backgrounds. Properties a reader does
 * not know are ignored, so newer ones (text-spacing-trim) are safe to state.
 */
export const BOOK_CSS = `@charset "UTF-8";

body {
  margin: 0 4%;
  line-height: 1.8;
  text-align: justify;
  /* CJK line breaking: no closing punctuation or small kana at a line start. */
  line-break: strict;
  word-break: normal;
  overflow-wrap: break-word;
  hanging-punctuation: allow-end last;
  /* No line of a paragraph left alone at the top or bottom of a page. */
  orphans: 2;
  widows: 2;
}

/* Justified English, as the PDF sets it: hyphenated where the reading system has the language's patterns. */
:lang(en) {
  -webkit-hyphens: auto;
  hyphens: auto;
}
code, pre { -webkit-hyphens: manual; hyphens: manual; }

:root:lang(zh), :root:lang(ja) {
  /* Collapse the doubled space between adjacent full-width punctuation. */
  text-spacing-trim: space-first;
  text-autospace: normal;
}

p {
  margin: 0 0 0.8em;
}

h1, h2, h3, h4, h5, h6 {
  line-height: 1.4;
  text-align: left;
  page-break-after: avoid;
  break-after: avoid;
  page-break-inside: avoid;
  break-inside: avoid;
}

h1 { font-size: 1.6em; margin: 1.5em 0 0.8em; }
h2 { font-size: 1.3em; margin: 1.6em 0 0.6em; }
h3 { font-size: 1.15em; margin: 1.4em 0 0.5em; }
h4, h5, h6 { font-size: 1em; margin: 1.2em 0 0.4em; }

.chapter > header { margin-bottom: 2em; }
.chapter > header h1 { margin-bottom: 0.4em; }
.byline, .source { margin: 0; font-size: 0.85em; text-align: left; opacity: 0.75; }

a { overflow-wrap: anywhere; }

em { font-style: italic; }
/* CJK emphasis is 著重號, dots beside the characters: under them in horizontal Chinese (clreq), over them in Japanese (jlreq). */
:lang(zh) em, :lang(ja) em { font-style: normal; text-emphasis: filled dot; -webkit-text-emphasis: filled dot; }
:lang(zh) em { text-emphasis-position: under right; -webkit-text-emphasis-position: under right; }
/* English words and numbers inside emphasised CJK text take no dots. */
em :lang(en), em .numeral { text-emphasis: none; -webkit-text-emphasis: none; }
mark { padding: 0 0.1em; }

code, kbd, samp, pre {
  font-family: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "Noto Sans Mono CJK TC", monospace;
  font-size: 0.88em;
}

code { overflow-wrap: anywhere; }

pre {
  /* Long lines wrap, at a word boundary where there is one, instead of running off the page: readers cannot scroll sideways. */
  white-space: pre-wrap;
  word-break: normal;
  overflow-wrap: anywhere;
  text-align: left;
  line-height: 1.5;
  margin: 1em 0;
  padding: 0.6em 0.8em;
  border: 1px solid #999;
  border-radius: 0.2em;
}

pre code { font-size: 1em; }
/* A wrapped code line continues indented under its start: the hanging indent marks the wrap. */
pre .line { display: block; padding-left: 2em; text-indent: -2em; }

blockquote {
  margin: 1em 0 1em 0.5em;
  padding: 0 0 0 1em;
  border-left: 0.2em solid #999;
}

ul, ol { margin: 0.6em 0; padding-left: 1.8em; }
li > p { margin: 0.2em 0; }
ul.tasks { list-style: none; padding-left: 0.6em; }
.checkbox { font-family: sans-serif; }

/* Definition lists hang as the PDF sets them: the term bold on its own line, its definitions indented as list items are. */
dl { margin: 0.8em 0; }
dt { font-weight: bold; margin: 0; page-break-after: avoid; break-after: avoid; }
dd + dt { margin-top: 0.6em; }
dd { margin: 0.2em 0 0 1.8em; }
dd > p { margin: 0.2em 0; }

hr { border: none; border-top: 1px solid #999; margin: 1.5em 20%; }

figure { margin: 1.2em 0; text-align: center; page-break-inside: avoid; break-inside: avoid; }
img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; line-height: 1.5; margin-top: 0.4em; text-align: center; }

.table-wrap { margin: 1em 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; line-height: 1.5; }
th, td {
  border: 1px solid #999;
  padding: 0.3em 0.5em;
  vertical-align: top;
  text-align: left;
  /* Columns size from their content (NT$299 stays whole); a long URL breaks at its <wbr/> separators, and only a
     token with none breaks where it must. A table wider than the page scrolls where the reader can (.table-wrap). */
  overflow-wrap: break-word;
  word-break: normal;
}
th { font-weight: bold; }
.align-left { text-align: left; }
.align-center { text-align: center; }
.align-right { text-align: right; }

.cover { margin: 0; padding: 0; text-align: center; }
.cover img { max-width: 100%; max-height: 100%; }

.titlepage { margin-top: 25%; text-align: center; }
.titlepage .title { font-size: 1.8em; margin: 0 0 0.6em; text-align: center; }
.titlepage .subtitle { font-size: 1.1em; margin-bottom: 3em; }
.titlepage .authors { font-size: 1.1em; }
.titlepage .publisher { margin-top: 4em; font-size: 0.9em; }

.copyright { margin-top: 40%; font-size: 0.85em; text-align: left; }
.copyright p { margin: 0 0 0.4em; }
.copyright .book-title { font-weight: bold; margin-bottom: 1em; }
.copyright .label { font-weight: bold; }
.copyright .description, .copyright .colophon { margin-top: 1.5em; }

.part { margin-top: 35%; text-align: center; }
.part h1 { text-align: center; }

nav ol { list-style: none; padding-left: 1.2em; }
nav > ol { padding-left: 0; }
nav li { margin: 0.3em 0; }
`;
