import type { Asset, BookDocument, ImageMediaType } from '../document/model.ts';

/** Where each piece of a book lives inside the EPUB container (paths relative to the package folder). */
export interface EpubLayout {
  /** Asset path in the book → its file inside the EPUB. */
  assets: Map<string, EpubAsset>;
  parts: EpubPart[];
}

export interface EpubAsset {
  id: string;
  href: string;
  asset: Asset;
  /** A core-media-type stand-in for formats EPUB 3.2 does not list (WebP), named in the manifest as `fallback`. */
  fallback?: { id: string; href: string };
}

export interface EpubPart {
  id: string;
  href: string;
  title: string;
  chapterIds: string[];
}

/** The folder inside the zip that holds the package document and everything it lists. */
export const PACKAGE_DIR = 'EPUB';

const EXTENSIONS: Record<ImageMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
  'image/webp': 'webp',
};

export function planLayout(doc: BookDocument): EpubLayout {
  const assets = new Map<string, EpubAsset>();
  [...doc.assets.values()].forEach((asset, i) => {
    const n = String(i + 1).padStart(3, '0');
    const name = `images/${n}-${safeName(asset.path)}`;
    const fallback = asset.mediaType === 'image/webp' ? { id: `img${n}-fallback`, href: `${name}-fallback.svg` } : undefined;
    assets.set(asset.path, { id: `img${n}`, href: `${name}.${EXTENSIONS[asset.mediaType]}`, asset, ...(fallback ? { fallback } : {}) });
  });
  const parts = doc.parts.map((p, i) => {
    const id = `part${String(i + 1).padStart(2, '0')}`;
    return { id, href: `${id}.xhtml`, title: p.title, chapterIds: p.chapterIds };
  });
  return { assets, parts };
}

export function chapterHref(chapterId: string): string {
  return `${chapterId}.xhtml`;
}

/**
 * An asset's base name reduced to lowercase ASCII letters, digits and dashes:
 * zip readers, URLs and older reading systems all agree on those. The numeric
 * prefix keeps names unique when two paths reduce to the same name.
 */
function safeName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const name = base
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name || 'image';
}
