export { stampEpub } from './epub.ts';
export { licenceLine, licenceSchema, type Licence, type Stamp } from './licence.ts';
export { stampPdf } from './pdf.ts';
export { readStamp } from './read.ts';
