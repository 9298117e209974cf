/**
 * Authentication for /api/v1, in two steps. `authenticate` (once, before routing) turns an
 * `Authorization: Bearer <key>` header into the request's caller, answering 401 for a malformed
 * header or an unknown or revoked key, and logs every refused request and every admin action
 * with the key's id (never the secret). `requireScope(scope)` (per route, declared with the
 * route by `secured()`) then checks the caller: admin always needs a key; read and infer need
 * one only once a live `infer` key exists.
 */
import type { MiddlewareHandler } from 'hono';
import { anonymousCaller } from '../auth/caller.js';
import { grants, type Scope } from '../auth/scopes.js';
import type { Logger } from '../observability/logger.js';
import type { ApiKeyService } from '../services/api-key-service.js';
import { AccessError } from './access-error.js';
import type { AppEnv } from './app-env.js';

const bearer = /^Bearer +([\x21-\x7e]+) *$/i;
const maxKeyLength = 512;

export function authenticate(keys: ApiKeyService, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    c.set('isOpen', () => keys.isOpen());
    if (header === undefined) c.set('caller', anonymousCaller);
    else {
      const token = bearer.exec(header)?.[1];
      if (token === undefined || token.length > maxKeyLength)
        throw new AccessError('UNAUTHENTICATED', 'expected the header Authorization: Bearer <API key>');
      const caller = await keys.authenticate(token);
      if (caller === undefined) {
        logger.warn('refused an unknown or revoked API key', { path: c.req.path, method: c.req.method });
        throw new AccessError('UNAUTHENTICATED', 'unknown or revoked API key');
      }
      c.set('caller', caller);
    }
    await next();
    const status = c.res.status;
    if (c.get('requiredScope') === 'admin' || status === 401 || status === 403 || status === 429) {
      (status >= 400 ? logger.warn : logger.info)('access', {
        key_id: c.get('caller').keyId ?? null,
        method: c.req.method,
        path: c.req.path,
        scope: c.get('requiredScope'),
        status,
        request_id: c.get('requestId'),
      });
    }
  };
}

/** Lets the request through when its caller holds `scope` (or access is open for read/infer). */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('requiredScope', scope);
    const caller = c.get('caller') ?? anonymousCaller;
    if (caller.keyId === undefined) {
      if (scope === 'admin')
        throw new AccessError('UNAUTHENTICATED', 'this operation needs an API key with the admin scope', {
          scope,
        });
      if (!(await c.get('isOpen')()))
        throw new AccessError('UNAUTHENTICATED', `this operation needs an API key with the ${scope} scope`, {
          scope,
        });
    } else if (!grants(caller.scopes, scope)) {
      throw new AccessError('PERMISSION_DENIED', `API key ${caller.keyId} lacks the ${scope} scope`, {
        scope,
        key_id: caller.keyId,
        key_scopes: caller.scopes,
      });
    }
    await next();
  };
}
