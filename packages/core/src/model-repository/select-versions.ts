/**
 * Triton's version_policy applied to the versions found on disk: which of them a server loads.
 * Both engines call this, so the embedded engine serves exactly the versions Triton would.
 */
import { ChipqError } from '../errors.js';
import type { VersionPolicy } from './model-config.js';

/**
 * The versions `policy` selects from `available`, ascending.
 * - latest N: the N highest versions (fewer when fewer exist);
 * - all: every available version;
 * - specific: the listed versions, each of which must exist.
 * @throws ChipqError MODEL_NOT_FOUND when a specific version is not available (Triton fails the load too).
 */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const sorted = [...new Set(available)].sort((a, b) => a - b);
  switch (policy.kind) {
    case 'all':
      return sorted;
    case 'latest':
      return sorted.slice(Math.max(0, sorted.length - policy.numVersions));
    case 'specific': {
      const missing = policy.versions.filter((version) => !sorted.includes(version));
      if (missing.length > 0) {
        const have = sorted.length > 0 ? sorted.join(', ') : 'none';
        throw new ChipqError(
          'MODEL_NOT_FOUND',
          `version_policy lists version ${missing.join(', ')}, which has no version folder (available: ${have})`,
          { details: { missing, available: sorted } },
        );
      }
      return [...new Set(policy.versions)].sort((a, b) => a - b);
    }
  }
}
