import { BinderyError } from '../errors.ts';
import { base64url, sha256Hex, timingSafeEqual, utf8 } from '../crypto.ts';
import { newId, nowIso } from './clock.ts';
import type { TokenScope } from './schemas.ts';

/** Who is calling the editor API. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: TokenScope[];
}

export interface MintedToken extends Principal {
  /** The secret itself: returned once, never stored. */
  token: string;
  createdAt: string;
}

const ADMIN: Principal = { tokenId: 'admin', name: 'ADMIN_TOKEN', scopes: ['admin', 'editor'] };

/**
 * Editor API tokens. `ADMIN_TOKEN` (a Worker secret) bootstraps; admins mint
 * scoped tokens which are stored only as SHA-256 hashes and can be revoked.
 */
export class TokenService {
  constructor(
    private readonly db: D1Database,
    private readonly adminToken: string | undefined,
  ) {}

  /** The principal a bearer token stands for, or null when it is unknown or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    const digest = await sha256Hex(token);
    if (this.adminToken && timingSafeEqual(utf8(digest), utf8(await sha256Hex(this.adminToken)))) return ADMIN;
    const row = await this.db
      .prepare('SELECT id, name, token_hash, scopes FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .bind(digest)
      .first<{ id: string; name: string; token_hash: string; scopes: string }>();
    if (!row || !timingSafeEqual(utf8(row.token_hash), utf8(digest))) return null;
    return { tokenId: row.id, name: row.name, scopes: JSON.parse(row.scopes) as TokenScope[] };
  }

  async mint(name: string, scopes: TokenScope[]): Promise<MintedToken> {
    const secret = new Uint8Array(32);
    crypto.getRandomValues(secret);
    const token = `bnd_${base64url(secret)}`;
    const id = newId('tok');
    const createdAt = nowIso();
    const uniqueScopes = [...new Set(scopes)].sort();
    await this.db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)')
      .bind(id, name, await sha256Hex(token), JSON.stringify(uniqueScopes), createdAt)
      .run();
    return { tokenId: id, name, scopes: uniqueScopes, token, createdAt };
  }

  async revoke(id: string): Promise<void> {
    const result = await this.db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .bind(nowIso(), id)
      .run();
    if (!result.meta.changes) throw new BinderyError('not-found', `no active token "${id}"`, { field: 'id' });
  }
}
