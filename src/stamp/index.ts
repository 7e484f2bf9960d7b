export { epubStamper, stampEpub } from './epub.ts';
export { licenceLine, licenceSchema, type HiddenLicence, type Licence } from './licence.ts';
export { pdfStamper, stampPdf } from './pdf.ts';
