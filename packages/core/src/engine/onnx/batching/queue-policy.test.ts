import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../model-repository/model-config-parser.js';
import { queuePolicyOf, unlimitedQueuePolicy } from './queue-policy.js';

const config = (batching: string) =>
  parseModelConfig(`name: "m"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\n${batching}`);

describe('queuePolicyOf', () => {
  it('reads default_queue_policy from dynamic_batching', () => {
    const policy = queuePolicyOf(
      config(`dynamic_batching {
        default_queue_policy {
          timeout_action: DELAY
          default_timeout_microseconds: 250000
          allow_timeout_override: true
          max_queue_size: 16
        }
      }`),
    );
    expect(policy).toEqual({
      timeoutAction: 'DELAY',
      defaultTimeoutMs: 250,
      allowTimeoutOverride: true,
      maxQueueSize: 16,
    });
  });

  it("takes Triton's defaults for missing fields and a missing policy", () => {
    expect(queuePolicyOf(config('dynamic_batching { default_queue_policy { max_queue_size: 4 } }'))).toEqual({
      ...unlimitedQueuePolicy,
      maxQueueSize: 4,
    });
    expect(queuePolicyOf(config('dynamic_batching { }'))).toEqual(unlimitedQueuePolicy);
    expect(queuePolicyOf(config(''))).toEqual(unlimitedQueuePolicy);
  });

  it('refuses values Triton refuses, naming the field', () => {
    expect(() =>
      queuePolicyOf(config('dynamic_batching { default_queue_policy { max_queue_size: -1 } }')),
    ).toThrow(/max_queue_size/);
    expect(() =>
      queuePolicyOf(config('dynamic_batching { default_queue_policy { timeout_action: LATER } }')),
    ).toThrow(/timeout_action/);
  });
});
