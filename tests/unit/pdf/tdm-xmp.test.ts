import { beforeAll, describe, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { FORMAT_REGISTRY } from '../../../src/formats/registry.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { a11ySource } from '../epub/a11y-book.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

/** The PDF's XMP packet: written uncompressed, as archivists and checkers expect, so it can be read from the bytes. */
const xmpOf = (pdf: Uint8Array) => /<x:xmpmeta[\s\S]*?<\/x:xmpmeta>/.exec(Buffer.from(pdf).toString('utf8'))?.[0] ?? '';

describe('The publisher’s text and data mining reservation in the PDF’s XMP (TDMRep)', () => {
  let reserved: Uint8Array;
  let allowed: Uint8Array;
  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const build = async (yaml: string) => (await buildBook(a11ySource({ yaml }), { formats: ['pdf'], fonts: async () => fonts })).files[0].bytes;
    reserved = await build('tdm:\n  reservation: true\n  policy: https://press.example/tdm-policy.json\n');
    allowed = await build('tdm:\n  reservation: false\n');
  });

  it('states the reservation and the policy in the TDMRep namespace', () => {
    const xmp = xmpOf(reserved);
    expect(xmp).toContain('xmlns:tdm="http://www.w3.org/ns/tdmrep#"');
    expect(xmp).toContain('<tdm:reservation>1</tdm:reservation>');
    expect(xmp).toContain('<tdm:policy>https://press.example/tdm-policy.json</tdm:policy>');
  });

  it('states 0 and no policy for a book that allows mining', () => {
    const xmp = xmpOf(allowed);
    expect(xmp).toContain('<tdm:reservation>0</tdm:reservation>');
    expect(xmp).not.toContain('tdm:policy');
  });

  it('keeps them in a buyer’s stamped copy', async () => {
    const stamper = await FORMAT_REGISTRY.pdf.stamper();
    const licence = { email: 'reader@example.com', orderId: 'pur_0123456789abcdef0123456789abcdef', mark: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b' };
    const xmp = xmpOf(await stamper.stamp(reserved, licence, { markKey: MARK_KEY }));
    expect(xmp).toContain('<tdm:reservation>1</tdm:reservation>');
    expect(xmp).toContain('<tdm:policy>https://press.example/tdm-policy.json</tdm:policy>');
  });
});
