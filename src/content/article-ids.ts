import { BinderyError, type SourceLocation } from '../errors.ts';

/**
 * The one mapping between an article's path in a build (what build errors and
 * warnings name) and its id in the pool (what the editor API names). The
 * Worker turns its build's locations into ids for the editor; `bindery push`
 * turns the server's ids back into files of the book folder.
 */
export class ArticleIds {
  private readonly idByPath = new Map<string, string>();
  private readonly pathById = new Map<string, string>();

  /**
   * The ids `bindery push` gives a book folder's articles: `<slug>/<file stem>`.
   * Two files with one stem would share an id, so that is refused.
   */
  static forBookFolder(slug: string, paths: readonly string[]): ArticleIds {
    const ids = new ArticleIds();
    for (const path of paths) {
      const file = path.slice(path.lastIndexOf('/') + 1);
      const id = `${slug}/${file.replace(/\.md$/, '')}`;
      const other = ids.pathById.get(id);
      if (other) throw new BinderyError('invalid-manifest', `"${path}" and "${other}" would both become article "${id}"; rename one`, { file: 'book.yaml', field: 'chapters' });
      ids.add(path, id);
    }
    return ids;
  }

  add(path: string, id: string): void {
    this.idByPath.set(path, id);
    this.pathById.set(id, path);
  }

  id(path: string): string | undefined {
    return this.idByPath.get(path);
  }

  /** A build location with an article's path replaced by its id; other locations (book.yaml) as they are. */
  toId<T extends SourceLocation>(where: T): T {
    const id = where.file ? this.idByPath.get(where.file) : undefined;
    return id ? { ...where, file: id } : where;
  }

  /** A location naming an article id with the id replaced by the article's path; other locations as they are. */
  toPath<T extends SourceLocation>(where: T): T {
    const path = where.file ? this.pathById.get(where.file) : undefined;
    return path ? { ...where, file: path } : where;
  }
}
