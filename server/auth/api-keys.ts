// API keys (`x-api-key`): created with a lifetime in days, stored only as SHA-256 hashes, revocable.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ValidationError } from '../../common/errors.js';
import { checkApiKeyDays } from './account-rules.js';
import { ms, msOrNull, sha256, type AuthDatabase } from './auth-tables.js';

/** An API key's metadata; the key itself is shown once, at creation, and never stored. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly description: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Epoch ms, or null while the key is active. */
  readonly revokedAt: number | null;
}

/** The API-keys aggregate. */
export interface ApiKeys {
  /** Creates an API key valid for `days` (default 7, AppSync's default); returns the key once. */
  createApiKey(input?: { days?: number; description?: string }): Promise<{ key: string; info: ApiKeyInfo }>;
  /** Every API key's metadata, newest first. */
  listApiKeys(): Promise<ApiKeyInfo[]>;
  /** Revokes a key by id; false when there was no such key (revoking twice is not an error). */
  revokeApiKey(id: string): Promise<boolean>;
  /** The metadata of the key with this secret value (whatever its state), or undefined. */
  findApiKey(key: string): Promise<ApiKeyInfo | undefined>;
}

const DEFAULT_API_KEY_DAYS = 7;
const DAY_MS = 86_400_000;
const DESCRIPTION_MAX = 256;

function toApiKey(row: Selectable<AuthDatabase['outpost_auth_api_keys']>): ApiKeyInfo {
  return {
    id: row.id,
    description: row.description,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
  };
}

/** API keys over `db`; `now` is epoch ms. */
export function createApiKeys(db: Kysely<AuthDatabase>, now: () => number): ApiKeys {
  return {
    async createApiKey(input = {}) {
      const days = input.days ?? DEFAULT_API_KEY_DAYS;
      checkApiKeyDays(days);
      const description = input.description ?? '';
      if (typeof description !== 'string' || description.length > DESCRIPTION_MAX) {
        throw new ValidationError(`description must be a string of at most ${DESCRIPTION_MAX} characters`, 'description');
      }
      const key = `da2-${randomBytes(20).toString('hex')}`;
      const created = now();
      const row = {
        id: randomBytes(6).toString('hex'),
        key_hash: sha256(key),
        description,
        created_at: created,
        expires_at: created + days * DAY_MS,
        revoked_at: null,
      };
      await db.insertInto('outpost_auth_api_keys').values(row).execute();
      return { key, info: toApiKey(row) };
    },

    async listApiKeys() {
      const rows = await db.selectFrom('outpost_auth_api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(toApiKey);
    },

    async revokeApiKey(id) {
      if (typeof id !== 'string' || id.length === 0) throw new ValidationError('API key id must be a non-empty string', 'id');
      const row = await db.selectFrom('outpost_auth_api_keys').select(['id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
      if (!row) return false;
      if (row.revoked_at === null) {
        await db.updateTable('outpost_auth_api_keys').set({ revoked_at: now() }).where('id', '=', id).execute();
      }
      return true;
    },

    async findApiKey(key) {
      if (typeof key !== 'string' || key.length === 0 || key.length > 512) return undefined;
      const row = await db.selectFrom('outpost_auth_api_keys').selectAll().where('key_hash', '=', sha256(key)).executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
  };
}
