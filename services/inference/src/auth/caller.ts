/** Who sent a request: a key (its public id and scopes) or nobody. */
import type { Scope } from './scopes.js';

export interface Caller {
  /** The key's public id (`env-admin` for CHIPQ_ADMIN_KEY); undefined without a key. */
  keyId: string | undefined;
  scopes: readonly Scope[];
}

export const anonymousCaller: Caller = { keyId: undefined, scopes: [] };

/** The id stored with results and written to logs: the key id, or null without a key. */
export const callerKeyId = (caller: Caller | undefined): string | null => caller?.keyId ?? null;
