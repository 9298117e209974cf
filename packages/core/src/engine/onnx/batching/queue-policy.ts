/**
 * Triton's queue policy (`dynamic_batching.default_queue_policy`, model_config.proto's
 * ModelQueuePolicy), read for the embedded engine so one config.pbtxt bounds both engines:
 *
 * - `max_queue_size`: requests waiting beyond it are refused at once (0: no limit);
 * - `default_timeout_microseconds`: how long a request may wait for a batch (0: forever);
 * - `timeout_action`: REJECT fails a request that waited too long, DELAY moves it behind the
 *   requests that have not timed out (it still runs);
 * - `allow_timeout_override`: a request may ask for a shorter timeout, never a longer one.
 *
 * The config parser keeps the policy among `dynamic_batching`'s unmodelled fields (`extra`), so
 * it round-trips to Triton untouched; it is read from there.
 */
import { ChipqError } from '../../../errors.js';
import type { ModelConfig, TextValue } from '../../../model-repository/model-config.js';
import { UINT32_MAX } from '../../../model-repository/text-node-reader.js';

export interface QueuePolicy {
  /** Requests allowed to wait at once; 0 means no limit. */
  maxQueueSize: number;
  /** What happens to a request that waited `timeout`: fail it, or let every fresher request go first. */
  timeoutAction: 'REJECT' | 'DELAY';
  /** Longest wait for a batch, in milliseconds; 0 means no timeout. */
  defaultTimeoutMs: number;
  /** Whether a request's own (shorter) timeout applies. */
  allowTimeoutOverride: boolean;
}

/** Triton's defaults: no limit, no timeout. */
export const unlimitedQueuePolicy: QueuePolicy = Object.freeze({
  maxQueueSize: 0,
  timeoutAction: 'REJECT',
  defaultTimeoutMs: 0,
  allowTimeoutOverride: false,
});

function invalid(config: ModelConfig, field: string, expected: string, value: TextValue): ChipqError {
  return new ChipqError(
    'MODEL_CONFIG_INVALID',
    `model ${config.name}: dynamic_batching.default_queue_policy.${field} must be ${expected}, got ${JSON.stringify(value)}`,
    { details: { model: config.name, field: `dynamic_batching.default_queue_policy.${field}` } },
  );
}

function integer(config: ModelConfig, field: string, value: TextValue | undefined, max: number): number {
  if (value === undefined) return 0;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max)
    throw invalid(config, field, `an integer between 0 and ${max}`, value);
  return number;
}

/**
 * The queue policy `config` asks for; Triton's defaults where it says nothing.
 * @throws ChipqError MODEL_CONFIG_INVALID naming the field when a value is out of range.
 */
export function queuePolicyOf(config: ModelConfig): QueuePolicy {
  const raw = config.dynamicBatching?.extra?.default_queue_policy;
  if (raw === undefined) return unlimitedQueuePolicy;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || '$enum' in raw)
    throw invalid(config, '', 'a message', raw);
  const action = raw.timeout_action;
  const actionName =
    typeof action === 'object' && action !== null && '$enum' in action ? action.$enum : action;
  if (action !== undefined && actionName !== 'REJECT' && actionName !== 'DELAY')
    throw invalid(config, 'timeout_action', 'REJECT or DELAY', action);
  const override = raw.allow_timeout_override;
  if (override !== undefined && typeof override !== 'boolean')
    throw invalid(config, 'allow_timeout_override', 'true or false', override);
  return {
    maxQueueSize: integer(config, 'max_queue_size', raw.max_queue_size, UINT32_MAX),
    timeoutAction: actionName === 'DELAY' ? 'DELAY' : 'REJECT',
    defaultTimeoutMs:
      integer(
        config,
        'default_timeout_microseconds',
        raw.default_timeout_microseconds,
        Number.MAX_SAFE_INTEGER,
      ) / 1000,
    allowTimeoutOverride: override === true,
  };
}

/** The timeout a request waits under, in ms (0: none), as Triton resolves a request's override. */
export function queueTimeoutMs(policy: QueuePolicy, requestedMs: number | undefined): number {
  const asked = requestedMs ?? 0;
  if (!policy.allowTimeoutOverride || asked <= 0) return policy.defaultTimeoutMs;
  return policy.defaultTimeoutMs === 0 ? asked : Math.min(asked, policy.defaultTimeoutMs);
}
