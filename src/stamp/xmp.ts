import { attr, unescapeXml } from '../xml.ts';
import { LICENCE_NS, type Licence } from '../licence.ts';


function licenceDescription(licence: Licence): string {
  return (
    `<rdf:Description rdf:about="" xmlns:bindery="${LICENCE_NS}">` +
    `<bindery:order>${attr(licence.orderId)}</bindery:order>` +
    `<bindery:mark>urn:uuid:${licence.mark}</bindery:mark>` +
    `</rdf:Description>`
  );
}

/**
 * Adds the licence to an XMP packet, keeping everything already in it; with
 * no packet, writes a minimal one. A previous licence description is replaced.
 */
export function addLicenceToXmp(existing: string | null, licence: Licence): string {
  const description = licenceDescription(licence);
  if (existing && existing.includes('</rdf:RDF>')) {
    const withoutOld = existing.replace(/<rdf:Description rdf:about="" xmlns:bindery="[^"]*">[\s\S]*?<\/rdf:Description>/g, '');
    return withoutOld.replace('</rdf:RDF>', `${description}</rdf:RDF>`);
  }
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `${description}</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>`
  );
}

/** The order id and mark from an XMP packet, when it carries a licence. */
export function readLicenceFromXmp(xmp: string): { orderId: string; mark: string } | null {
  const order = /<bindery:order>([^<]+)<\/bindery:order>/.exec(xmp)?.[1];
  const mark = /<bindery:mark>urn:uuid:([^<]+)<\/bindery:mark>/.exec(xmp)?.[1];
  return order && mark ? { orderId: unescapeXml(order), mark } : null;
}
