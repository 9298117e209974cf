/**
 * Candidates serve nothing until promoted: a request that names a version other than the
 * model's default is refused (403) unless its caller holds the admin scope (engineers
 * evaluating a candidate) or access is open (no keys at all: development). Production stations
 * hold `infer` keys, so no wafer is judged by an unpromoted version by accident; experiments
 * reach candidates through requests that name no version.
 */
import type { Context } from 'hono';
import { grants } from '../auth/scopes.js';
import type { DefaultVersionService } from '../services/default-version-service.js';
import { AccessError } from './access-error.js';
import type { AppEnv } from './app-env.js';

export type CandidateGuard = (
  c: Context<AppEnv>,
  model: string | undefined,
  version: string | undefined,
) => Promise<void>;

export function candidateGuard(
  defaults: DefaultVersionService,
  defaultModel: string | undefined,
): CandidateGuard {
  return async (c, model, version) => {
    if (version === undefined) return;
    const caller = c.get('caller');
    if (grants(caller.scopes, 'admin')) return;
    if (caller.keyId === undefined && (await c.get('isOpen')())) return;
    const name = model ?? defaultModel;
    if (name === undefined) return;
    const current = await defaults.current(name);
    if (current === undefined || current === version) return;
    throw new AccessError(
      'PERMISSION_DENIED',
      `version ${version} of model "${name}" is a candidate (the default is ${current}): it serves once promoted or as an experiment arm; naming it needs an admin key`,
      { model: name, version, default_version: current, key_id: caller.keyId ?? null },
    );
  };
}
