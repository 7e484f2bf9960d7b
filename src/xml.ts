/**
 * XML text for every XML file Bindery writes (EPUB, OPDS, the stamp's OPF and
 * XMP marks). Text stays real UTF-8: only the characters XML itself reserves
 * are escaped, never CJK or emoji (readers search and hyphenate the text as
 * written).
 */

/** Characters XML 1.0 forbids anywhere (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Any character `text` would drop or escape (surrogates included, paired or not): most text has none. */
const NEEDS_ESCAPING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF&<>]/;

/** Escapes text content: `&`, `<`, `>` (and drops characters XML cannot hold). */
export function text(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value written between double quotes. */
export function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}

/** `name="value"` pairs for the attributes that are set, in the given order. */
export function attrs(pairs: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(pairs)) if (value !== undefined) out += ` ${name}="${attr(String(value))}"`;
  return out;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Reads back text that `attr` escaped (the stamp's order id in an OPF or XMP packet). */
export function unescapeXml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}
