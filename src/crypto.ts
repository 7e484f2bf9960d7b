/**
 * Small Web Crypto helpers: content hashes, API token hashes, webhook signatures,
 * signed links and library tokens; and the one base64url codec, which those
 * tokens and the catalog's paging cursors share.
 */

const encoder = new TextEncoder();

export async function hmacSha256(key: string, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(message)));
}

/**
 * The 16-byte key of the text and layout layers' tags (src/stamp/text-mark.ts),
 * derived from the store's signing secret so that no other secret has to be
 * kept, and separated from its other uses by the label.
 */
export async function markKeyOf(signingKey: string): Promise<Uint8Array> {
  return (await hmacSha256(signingKey, 'bindery mark key v1')).slice(0, 16);
}

export const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64url; null when the text is not canonical base64url. Only the
 * one encoding `base64url` produces is taken: unused low bits in the last
 * character would otherwise let one signature be written several ways.
 */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return base64url(bytes) === text ? bytes : null;
}

/** Compares two byte strings in time that depends only on their lengths, so signatures cannot be guessed byte by byte. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data)));
}
