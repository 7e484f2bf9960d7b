import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../../src/document/image-info.ts';

const sniff = (text: string) => sniffImage(new TextEncoder().encode(text));

/** Adobe Illustrator's SVG export, as it starts: its entities are declared in the DOCTYPE's internal subset. */
const ILLUSTRATOR = `<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 24.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
]>
<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="120px" height="80px" viewBox="0 0 120 80"><rect width="10" height="10"/></svg>
`;

describe('telling an SVG by its bytes', () => {
  it('takes an Illustrator export, whose DOCTYPE holds entity declarations (it was refused as not an image)', () => {
    expect(sniff(ILLUSTRATOR)).toEqual({ mediaType: 'image/svg+xml', width: 120, height: 80 });
  });

  it('takes an SVG after a licence comment longer than 2 KB, and a processing instruction', () => {
    expect(sniff(`<!-- ${'licence text '.repeat(400)} -->\n<?xml-stylesheet href="a.css"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"/>`)).toEqual({ mediaType: 'image/svg+xml', width: 30, height: 20 });
    expect(sniff('<svg xmlns="http://www.w3.org/2000/svg" width="5" height="6"/>')).toEqual({ mediaType: 'image/svg+xml', width: 5, height: 6 });
  });

  it('still refuses what is not an SVG document', () => {
    for (const text of ['<html><svg></svg></html>', '<!DOCTYPE html><svg/>', '<!-- unclosed <svg/>', '<svgfoo/>', 'plain text <svg/>', '<!DOCTYPE svg [ <!ENTITY a "b"> <svg/>']) {
      expect(sniff(text), text).toBeNull();
    }
  });
});
