/**
 * The start-up lines that say who can reach the service: whether inference and reads are open
 * (no live `infer` key yet) and whether an admin key exists to manage models.
 */
import type { ServiceConfig } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';
import type { ApiKeyService } from '../services/api-key-service.js';

export async function logAccessState(
  keys: ApiKeyService,
  config: Pick<ServiceConfig, 'adminKey' | 'host' | 'rateLimitPerMinute'>,
  logger: Logger,
): Promise<void> {
  if (await keys.isOpen())
    logger.warn(
      'inference and reads are OPEN to anyone who can reach this address: no API key with the infer scope exists yet; ' +
        'create one (chipq keys create --scope infer) to require keys',
      { host: config.host },
    );
  else logger.info('inference and reads need an API key (a key with the infer scope exists)');
  if (config.adminKey === undefined)
    logger.info(
      'model management and keys need an admin API key; set CHIPQ_ADMIN_KEY to create the first one',
    );
  logger.info('rate limit per API key or client address', {
    requests_per_minute: config.rateLimitPerMinute === 0 ? 'off' : config.rateLimitPerMinute,
  });
}
