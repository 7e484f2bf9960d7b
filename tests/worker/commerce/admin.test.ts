import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, buy, builtFiles, downloadUrl, libraryOf, ORIGIN, publishBook, purchaseIdOf } from './fixtures.ts';

beforeAll(async () => {
  await publishBook('admin-book');
});

const jsonBody = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function stampedDownload(format: 'epub' | 'pdf') {
  const buyer = await buy('admin-book');
  const res = await SELF.fetch(downloadUrl(await libraryOf(buyer), 'admin-book', format));
  return { purchaseId: await purchaseIdOf(buyer, 'admin-book'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('verify', () => {
  it('maps a stamped PDF uploaded as multipart back to its order', async () => {
    const { purchaseId, bytes } = await stampedDownload('pdf');
    const form = new FormData();
    form.append('file', new File([bytes], 'leaked.pdf', { type: 'application/pdf' }));
    const res = await admin('/api/v1/verify', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'pdf', purchases: [{ purchaseId, bookSlug: 'admin-book', markMatches: true, confidence: 'high', layers: ['metadata', 'text', 'visible'] }] });
  });

  it('maps a stamped EPUB uploaded as the raw body back to its order', async () => {
    const { purchaseId, bytes } = await stampedDownload('epub');
    const res = await admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/epub+zip' }, body: bytes });
    expect(await res.json()).toMatchObject({ kind: 'epub', purchases: [{ purchaseId, markMatches: true }] });
  });

  it('answers 404 for an unstamped file and 401 without an admin token', async () => {
    const epub = (await builtFiles()).find((f) => f.format === 'epub')!.bytes;
    const res = await admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/epub+zip' }, body: epub });
    expect(res.status).toBe(404);
    const anonymous = await SELF.fetch(`${ORIGIN}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/epub+zip' }, body: epub });
    expect(anonymous.status).toBe(401);
  });
});

describe('grants, revocation and order lists', () => {
  it('grants a complimentary copy whose library link downloads the book', async () => {
    const res = await admin('/api/v1/grants', jsonBody({ email: 'critic@example.com', slug: 'admin-book' }));
    expect(res.status).toBe(201);
    const grant = (await res.json()) as { order: { id: string; source: string; amount: number }; libraryUrl: string };
    expect(grant.order).toMatchObject({ source: 'grant', amount: 0 });
    const library = (await (await SELF.fetch(grant.libraryUrl, { headers: { accept: 'application/json' } })).json()) as { items: { downloads: { url: string }[] }[] };
    expect((await SELF.fetch(library.items[0].downloads[0].url)).status).toBe(200);
    expect((await admin('/api/v1/grants', jsonBody({ email: 'critic@example.com', slug: 'no-such-book' }))).status).toBe(404);
  });

  it('revokes an entitlement so its download links stop working', async () => {
    const buyer = await buy('admin-book');
    const url = downloadUrl(await libraryOf(buyer), 'admin-book', 'epub');
    const purchaseId = await purchaseIdOf(buyer, 'admin-book');
    // The publisher finds the entitlement in the book's order list.
    const { orders } = (await (await admin('/api/v1/books/admin-book/orders')).json()) as { orders: { id: string; entitlement: { id: string } }[] };
    const ent = orders.find((o) => o.id === purchaseId)?.entitlement;
    expect(ent?.id).toMatch(/^ent_/);
    const res = await admin(`/api/v1/entitlements/${ent!.id}?reason=chargeback`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: ent!.id, revokeReason: 'chargeback' });
    const denied = await SELF.fetch(url);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('chargeback');
    expect((await admin('/api/v1/entitlements/ent_missing', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists the orders of a book, newest first, with their entitlement state', async () => {
    const buyer = await buy('admin-book', 'listed@example.com');
    const purchaseId = await purchaseIdOf(buyer, 'admin-book');
    const res = await admin('/api/v1/books/admin-book/orders');
    expect(res.status).toBe(200);
    const { orders } = (await res.json()) as { orders: { id: string; email: string; entitlement: { revokedAt: string | null } }[] };
    expect(orders.find((o) => o.id === purchaseId)).toMatchObject({ email: 'listed@example.com', entitlement: { revokedAt: null } });
    expect((await SELF.fetch(`${ORIGIN}/api/v1/books/admin-book/orders`)).status).toBe(401);
  });
});
