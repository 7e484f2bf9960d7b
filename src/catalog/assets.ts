import { sha256Hex } from '../crypto.ts';
import { sniffImage } from '../document/image-info.ts';
import { sanitizeSvg } from '../document/svg.ts';
import { BinderyError } from '../errors.ts';

/** An image stored in R2 under its content address. */
export interface StoredAsset {
  r2Key: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * Checks that the bytes are an image (by content, never by name) and stores
 * them at `assets/<sha256>`: the same image uploaded twice is stored once, and
 * an edition's images never change under it. An SVG is stored cleaned of
 * script: covers are served from here to browsers.
 */
export async function storeImage(bucket: R2Bucket, upload: Uint8Array, path: string): Promise<StoredAsset> {
  const info = sniffImage(upload);
  if (!info) throw new BinderyError('invalid-image', `"${path}" is not a PNG, JPEG, GIF, SVG or WebP image`, { file: path });
  const bytes = info.mediaType === 'image/svg+xml' ? sanitizeSvg(upload, path) : upload;
  const sha256 = await sha256Hex(bytes);
  const r2Key = `assets/${sha256}`;
  if (!(await bucket.head(r2Key))) {
    await bucket.put(r2Key, bytes, { httpMetadata: { contentType: info.mediaType }, sha256 });
  }
  return { r2Key, mediaType: info.mediaType, size: bytes.byteLength, sha256 };
}
