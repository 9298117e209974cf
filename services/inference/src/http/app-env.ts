/** Hono's environment for the service: the variables middleware sets on each request. */
import type { Caller } from '../auth/caller.js';
import type { Scope } from '../auth/scopes.js';

export interface AppEnv {
  Variables: {
    /** From `X-Request-Id` when the caller sent a usable one, else a new UUID. */
    requestId: string;
    /** Who is asking, set by `authenticate` on every /api/v1 request. */
    caller: Caller;
    /** True while inference and reads need no key (no live `infer` key exists). */
    isOpen: () => Promise<boolean>;
    /** The scope the matched route required, set by `requireScope` (for the audit log). */
    requiredScope: Scope;
  };
}
