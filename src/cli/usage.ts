/** `bindery --help`. Kept in a module of its own, with no imports, so printing it loads nothing else. */
export const USAGE = `Usage:
  bindery build <book-dir> [--out dir] [--format epub|pdf|epub,pdf] [--quiet]
  bindery check <book-dir> [--quiet]
  bindery push <book-dir> [options]     (see: bindery push --help)
  bindery verify <file> --api <url> --token <token> [--json]

build   writes <out>/<slug>.epub (and .pdf) plus <out>/<slug>.json describing the build
check   validates book.yaml, every article and image, and writes nothing
verify  asks the store which purchases a leaked EPUB, PDF or pasted text (.txt) was sold with
`;
