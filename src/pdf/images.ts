import type { PDFDocument, PDFRef } from '@cantoo/pdf-lib';
import type { Deflate } from '../deflate/compress.ts';
import type { Asset } from '../document/model.ts';
import { embedOpaquePng } from './png.ts';
import { embedSvgForm, type SvgFonts } from './svg.ts';

export type EmbeddedImage = { ref: PDFRef; width: number; height: number } | { problem: string };

/**
 * Embeds the book's PNG and JPEG images, and SVG drawings as vector forms,
 * once each; opaque PNGs keep their compressed data (png.ts). pdf-lib cannot
 * embed GIF or WebP, and a corrupt file must not stop the build: those become
 * a `problem` that layout turns into a framed placeholder and a warning.
 */
export class ImageStore {
  private readonly embedded = new Map<string, Promise<EmbeddedImage>>();

  constructor(
    private readonly pdf: PDFDocument,
    private readonly assets: ReadonlyMap<string, Asset>,
    private readonly svgFonts: SvgFonts,
    private readonly deflate: Deflate,
  ) {}

  get(path: string): Promise<EmbeddedImage> {
    let image = this.embedded.get(path);
    if (!image) {
      image = this.embed(path);
      this.embedded.set(path, image);
    }
    return image;
  }

  private async embed(path: string): Promise<EmbeddedImage> {
    const asset = this.assets.get(path);
    if (!asset) return { problem: `image "${path}" is not part of the book` };
    if (asset.mediaType === 'image/svg+xml') return this.embedSvg(asset);
    if (asset.mediaType !== 'image/png' && asset.mediaType !== 'image/jpeg') {
      return { problem: `${asset.mediaType} image "${path}" cannot be embedded in PDF; shown as a placeholder (use PNG, JPEG or SVG)` };
    }
    try {
      const image =
        asset.mediaType === 'image/png' ? (embedOpaquePng(this.pdf, asset.bytes) ?? (await this.pdf.embedPng(asset.bytes))) : await this.pdf.embedJpg(asset.bytes);
      if (!(image.width > 0 && image.height > 0)) return { problem: `image "${path}" has no size` };
      return { ref: image.ref, width: image.width, height: image.height };
    } catch (error) {
      return { problem: `image "${path}" could not be decoded (${error instanceof Error ? error.message : String(error)}); shown as a placeholder` };
    }
  }

  private async embedSvg(asset: Asset): Promise<EmbeddedImage> {
    const { width, height } = asset;
    if (!(width && height && width > 0 && height > 0)) return { problem: `SVG image "${asset.path}" has no width, height or viewBox; shown as a placeholder` };
    try {
      return { ref: await embedSvgForm(this.pdf, new TextDecoder().decode(asset.bytes), width, height, this.svgFonts, this.deflate), width, height };
    } catch (error) {
      return { problem: `SVG image "${asset.path}" could not be drawn (${error instanceof Error ? error.message : String(error)}); shown as a placeholder` };
    }
  }
}
