import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZipReader, type ZipLimits } from '../../../src/stamp/zip-read.ts';
import { epubOf, MB, withDeclaredSize, zipOf } from './hostile-files.ts';
import { sampleEpub } from './sample-files.ts';

const LIMITS: ZipLimits = { maxEntries: 100, maxEntryBytes: 16 * MB, maxTotalBytes: 16 * MB, maxRatio: 100 };
const BOMB = 300 * MB;
// 300 MB of spaces deflates to about 300 KB: built once, shared by the tests.
const bombed = epubOf({ extra: { 'EPUB/bomb.xhtml': { head: '<p>', padding: BOMB, tail: '</p>' } } });

describe('ZipReader', () => {
  it('inflates only the entries asked for, leaving a 300 MB bomb beside them compressed', () => {
    expect(bombed.length).toBeLessThan(MB);
    const zip = new ZipReader(bombed, LIMITS);
    expect(zip.entries.get('EPUB/bomb.xhtml')?.size).toBe(BOMB + 7);
    expect(new TextDecoder().decode(zip.read('META-INF/container.xml'))).toContain('full-path="EPUB/package.opf"');
    expect(zip.read('EPUB/package.opf')).toBeDefined();
    expect(zip.inflatedBytes).toBeLessThan(4096);
  });

  it('refuses an entry declared over the per-entry cap without inflating it', () => {
    const zip = new ZipReader(bombed, LIMITS);
    expect(() => zip.read('EPUB/bomb.xhtml')).toThrow(/the zip entry "EPUB\/bomb.xhtml" inflates to 300 MB, over the 16 MB limit for one entry/);
    expect(zip.inflatedBytes).toBe(0);
  });

  it('stops inflating an entry as soon as it outgrows the size its lying header declares', () => {
    const started = performance.now();
    const zip = new ZipReader(withDeclaredSize(bombed, 'EPUB/bomb.xhtml', 2048), LIMITS);
    expect(() => zip.read('EPUB/bomb.xhtml')).toThrow(/inflates past the size its zip header declares/);
    expect(zip.inflatedBytes).toBeLessThanOrEqual(2048);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a large entry compressed more than 100:1', () => {
    const zip = new ZipReader(zipOf({ 'a.xhtml': { head: '<p>', padding: 2 * MB, tail: '</p>' } }), LIMITS);
    expect(() => zip.read('a.xhtml')).toThrow(/more than 100:1/);
    expect(zip.inflatedBytes).toBe(0);
  });

  it('refuses to read all entries when their declared sizes together pass the total cap, inflating nothing', () => {
    const zip = new ZipReader(bombed, { ...LIMITS, maxEntryBytes: 512 * MB, maxRatio: 10_000 });
    expect(() => zip.readAll()).toThrow(/the archive inflates to 300 MB, over the 16 MB limit/);
    expect(zip.inflatedBytes).toBe(0);
  });

  it('counts every entry read against the total cap', () => {
    const zip = new ZipReader(sampleEpub(), { ...LIMITS, maxTotalBytes: 1024 });
    zip.read('META-INF/container.xml');
    expect(() => zip.read('EPUB/package.opf')).toThrow(/the archive inflates to more than 1 KB/);
  });

  it('reads every entry of an ordinary EPUB exactly as unzipSync does', () => {
    const epub = sampleEpub();
    expect(Object.fromEntries(new ZipReader(epub, LIMITS).readAll())).toEqual(unzipSync(epub));
  });

  it('refuses an archive listing more entries than allowed', () => {
    expect(() => new ZipReader(sampleEpub(), { ...LIMITS, maxEntries: 2 })).toThrow(/over the limit of 2/);
  });

  it('refuses damaged deflate data and bytes that are not a zip', () => {
    const epub = epubOf();
    const zip = new ZipReader(epub, LIMITS);
    const { headerOffset, compressedSize } = zip.entries.get('EPUB/package.opf')!;
    const damaged = epub.slice();
    damaged.fill(0xff, headerOffset + 30 + 'EPUB/package.opf'.length, headerOffset + 30 + 'EPUB/package.opf'.length + compressedSize);
    expect(() => new ZipReader(damaged, LIMITS).read('EPUB/package.opf')).toThrow(/damaged/);
    expect(() => new ZipReader(new TextEncoder().encode('PK\x03\x04 not really'), LIMITS)).toThrow(/not a zip archive/);
  });
});
