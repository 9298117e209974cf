/**
 * API keys behind the routes and the authentication middleware: create (the secret is returned
 * once), list, revoke, authenticate a presented key, and say whether inference and reads are
 * still open (no live key with the `infer` scope). Lookups are cached for a few seconds so a
 * request costs no extra database round trip on the single PGlite connection; a revoke on this
 * replica takes effect at once, on other replicas within `cacheMs`.
 */
import { ChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import { generateKey, hashKey, keyId, keyMatches } from '../auth/api-key-secret.js';
import type { Caller } from '../auth/caller.js';
import type { Scope } from '../auth/scopes.js';
import type { ApiKey, Database } from '../db/database.js';
import {
  findApiKey,
  insertApiKey,
  listApiKeys,
  liveKeyWithScopeExists,
  revokeApiKey,
} from '../repositories/api-key-repository.js';

/** The id logs and stored results show for CHIPQ_ADMIN_KEY. */
const bootstrapKeyId = 'env-admin';

export interface ApiKeyServiceOptions {
  db: Kysely<Database>;
  /** CHIPQ_ADMIN_KEY: an admin key that lives in the environment, not in the database. */
  bootstrapAdminKey?: string | undefined;
  /** How long a lookup (and the open/closed state) is reused. Default 5000 ms. */
  cacheMs?: number;
  now?: () => number;
}

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

const maxCachedKeys = 10_000;

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

export function createApiKeyService(options: ApiKeyServiceOptions) {
  const { db } = options;
  const cacheMs = options.cacheMs ?? 5000;
  const now = options.now ?? Date.now;
  const bootstrapSha256 =
    options.bootstrapAdminKey === undefined ? undefined : hashKey(options.bootstrapAdminKey);
  const cache = new Map<string, { caller: Caller | undefined; until: number }>();
  let openState: { open: boolean; until: number } | undefined;

  async function lookUp(key: string): Promise<Caller | undefined> {
    if (bootstrapSha256 !== undefined && keyMatches(key, bootstrapSha256))
      return { keyId: bootstrapKeyId, scopes: ['admin'] };
    const id = keyId(key);
    if (id === undefined) return undefined;
    const row = await findApiKey(db, id);
    if (row === undefined || row.revoked_at !== null || !keyMatches(key, row.secret_sha256)) return undefined;
    return { keyId: row.id, scopes: row.scopes };
  }

  return {
    /** The caller a presented key stands for; undefined for an unknown, malformed or revoked key. */
    async authenticate(key: string): Promise<Caller | undefined> {
      const hash = hashKey(key);
      const cached = cache.get(hash);
      if (cached !== undefined && cached.until > now()) return cached.caller;
      const caller = await lookUp(key);
      if (cache.size >= maxCachedKeys) cache.clear();
      cache.set(hash, { caller, until: now() + cacheMs });
      return caller;
    },

    /** True while no live key holds the `infer` scope: inference and reads need no key. */
    async isOpen(): Promise<boolean> {
      if (openState !== undefined && openState.until > now()) return openState.open;
      const open = !(await liveKeyWithScopeExists(db, 'infer'));
      openState = { open, until: now() + cacheMs };
      return open;
    },

    /** A new key; `key` is the only time the secret is seen. */
    async create(input: { name: string; scopes: Scope[]; createdBy: string | null }) {
      const { id, key } = generateKey();
      const row = await insertApiKey(db, {
        id,
        name: input.name,
        scopes: [...new Set(input.scopes)],
        secretSha256: hashKey(key),
        createdBy: input.createdBy,
      });
      openState = undefined;
      return { ...toView(row), key };
    },

    async list(): Promise<ApiKeyView[]> {
      return (await listApiKeys(db)).map(toView);
    },

    async revoke(id: string): Promise<ApiKeyView> {
      if (id === bootstrapKeyId)
        throw new ChipqError('CONFLICT', 'the bootstrap key lives in CHIPQ_ADMIN_KEY: change it there', {
          details: { id },
        });
      const row = await revokeApiKey(db, id);
      if (row === undefined) throw new ChipqError('NOT_FOUND', `no API key ${id}`, { details: { id } });
      cache.clear();
      openState = undefined;
      return toView(row);
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
