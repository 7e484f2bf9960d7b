/** An http(s) or mailto URL in its normalised, percent-encoded form; undefined for anything else. */
export function externalUrl(href: string): string | undefined {
  if (!/^(https?:\/\/|mailto:)/i.test(href.trim())) return undefined;
  try {
    return new URL(href.trim()).href;
  } catch {
    return undefined;
  }
}

/** A URL as a reader reads it: percent-escapes decoded (`%E6%B8%AC%E8%A9%A6` shows as 測試). */
export function displayUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}
