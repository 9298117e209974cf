import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../../test/support/model-config-fixtures.js';
import type { ModelConfig } from './model-config.js';
import { formatModelConfig } from './model-config-formatter.js';
import { parseModelConfig } from './model-config-parser.js';

describe('formatModelConfig round trip', () => {
  it.each(Object.entries(CONFIGS))('parse(format(parse(%s))) equals parse(text)', (name, text) => {
    const parsed = parseModelConfig(text, { defaultName: name });
    const formatted = formatModelConfig(parsed);
    expect(parseModelConfig(formatted, { file: 'formatted.pbtxt' })).toEqual(parsed);
    // Formatting is stable: a second pass writes the same text.
    expect(formatModelConfig(parseModelConfig(formatted))).toBe(formatted);
  });

  it('round-trips awkward strings and numbers in extra', () => {
    const text = String.raw`name: "m" note: "tab\there \"q\" back\\slash\001 é ✓" ratio: 0.125 big: -9007199254740991 bound: -inf`;
    const parsed = parseModelConfig(text);
    expect(parsed.extra).toEqual({
      note: 'tab\there "q" back\\slash\u0001 é ✓',
      ratio: 0.125,
      big: -9007199254740991,
      bound: -Infinity,
    });
    expect(parseModelConfig(formatModelConfig(parsed))).toEqual(parsed);
  });
});

describe('formatModelConfig output', () => {
  it('writes Triton-style text with defaults spelled out', () => {
    const config: ModelConfig = {
      name: 'det',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      maxBatchSize: 8,
      input: [{ name: 'image', dataType: 'UINT8', dims: [3, 64, 64], format: 'NCHW', optional: false }],
      output: [
        {
          name: 'out',
          dataType: 'BYTES',
          dims: [-1],
          format: 'NONE',
          optional: false,
          labelFilename: 'labels.txt',
        },
      ],
      dynamicBatching: {
        preferredBatchSize: [4, 8],
        maxQueueDelayMicroseconds: 500,
        preserveOrdering: false,
      },
      instanceGroup: [{ count: 2, kind: 'KIND_CPU', gpus: [] }],
      versionPolicy: { kind: 'specific', versions: [1, 3] },
      parameters: { decoder: 'chipq' },
      modelWarmup: [
        {
          name: 'w',
          batchSize: 1,
          count: 0,
          inputs: { image: { dataType: 'UINT8', dims: [3, 64, 64], zeroData: true } },
        },
      ],
      extra: { response_cache: { enable: true }, optimization: { priority: { $enum: 'PRIORITY_MAX' } } },
    };
    expect(formatModelConfig(config)).toBe(`name: "det"
platform: "onnxruntime_onnx"
backend: "onnxruntime"
max_batch_size: 8
input [
  {
    name: "image"
    data_type: TYPE_UINT8
    format: FORMAT_NCHW
    dims: [ 3, 64, 64 ]
  }
]
output [
  {
    name: "out"
    data_type: TYPE_STRING
    dims: [ -1 ]
    label_filename: "labels.txt"
  }
]
dynamic_batching {
  preferred_batch_size: [ 4, 8 ]
  max_queue_delay_microseconds: 500
}
instance_group [
  {
    kind: KIND_CPU
    count: 2
  }
]
version_policy {
  specific {
    versions: [ 1, 3 ]
  }
}
parameters [
  {
    key: "decoder"
    value {
      string_value: "chipq"
    }
  }
]
model_warmup [
  {
    name: "w"
    batch_size: 1
    inputs [
      {
        key: "image"
        value {
          data_type: TYPE_UINT8
          dims: [ 3, 64, 64 ]
          zero_data: true
        }
      }
    ]
  }
]
response_cache {
  enable: true
}
optimization {
  priority: PRIORITY_MAX
}
`);
  });

  const rejections: Array<[string, { given: Partial<ModelConfig>; want: string }]> = [
    [
      'an extra field that repeats a modelled one',
      {
        given: { extra: { max_batch_size: 4 } },
        want: 'extra field max_batch_size of config repeats a modelled field',
      },
    ],
    [
      'a list of lists',
      {
        given: { extra: { grid: [[1], [2]] } },
        want: 'cannot write grid: text format has no lists of lists',
      },
    ],
    [
      'an enum that is not an identifier',
      {
        given: { extra: { mode: { $enum: 'not an identifier' } } },
        want: 'cannot write {"$enum":"not an identifier"} as a text-format value of mode',
      },
    ],
  ];
  it.each(rejections)('rejects %s', (_name, { given, want }) => {
    const config = { ...parseModelConfig('name: "m"'), ...given };
    expect(() => formatModelConfig(config)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: want }),
    );
  });
});
