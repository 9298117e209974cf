import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './model-config-parser.js';

interface Want {
  message: string;
  line: number;
  column: number;
  field: string;
}

/** Every case is a whole config.pbtxt; the error must point at the offending value. */
const cases: Array<[string, { given: string; want: Want }]> = [
  [
    'unknown data_type',
    {
      given: 'input {\n  name: "a"\n  data_type: TYPE_FLOAT\n}',
      want: {
        message:
          'models/m/config.pbtxt:3:14: unknown data_type TYPE_FLOAT; expected one of TYPE_BOOL, TYPE_UINT8, TYPE_UINT16, TYPE_UINT32, TYPE_UINT64, TYPE_INT8, TYPE_INT16, TYPE_INT32, TYPE_INT64, TYPE_FP16, TYPE_FP32, TYPE_FP64, TYPE_BF16, TYPE_STRING (field input[0].data_type)',
        line: 3,
        column: 14,
        field: 'input[0].data_type',
      },
    },
  ],
  [
    'negative dims other than -1',
    {
      given: 'output { name: "o" data_type: TYPE_FP32 dims: [ 4, -2 ] }',
      want: {
        message: 'models/m/config.pbtxt:1:52: expected -1 or a size >= 0, got -2 (field output[0].dims)',
        line: 1,
        column: 52,
        field: 'output[0].dims',
      },
    },
  ],
  [
    'negative max_batch_size',
    {
      given: 'name: "m"\nmax_batch_size: -4',
      want: {
        message:
          'models/m/config.pbtxt:2:17: expected an integer between 0 and 2147483647, got -4 (field max_batch_size)',
        line: 2,
        column: 17,
        field: 'max_batch_size',
      },
    },
  ],
  [
    'preferred_batch_size above max_batch_size',
    {
      given: 'max_batch_size: 8\ndynamic_batching { preferred_batch_size: [4, 16] }',
      want: {
        message:
          'models/m/config.pbtxt:2:46: preferred_batch_size 16 is larger than max_batch_size 8 (field dynamic_batching.preferred_batch_size)',
        line: 2,
        column: 46,
        field: 'dynamic_batching.preferred_batch_size',
      },
    },
  ],
  [
    'duplicate input names',
    {
      given: 'input [\n  { name: "img" data_type: TYPE_FP32 },\n  { name: "img" data_type: TYPE_FP32 }\n]',
      want: {
        message:
          'models/m/config.pbtxt:3:3: input "img" is declared twice (first at line 2) (field input[1].name)',
        line: 3,
        column: 3,
        field: 'input[1].name',
      },
    },
  ],
  [
    'input without a name',
    {
      given: 'input [\n  { data_type: TYPE_FP32 dims: [1] }\n]',
      want: {
        message: 'models/m/config.pbtxt:2:3: input has no name (field input[0].name)',
        line: 2,
        column: 3,
        field: 'input[0].name',
      },
    },
  ],
  [
    'output without a name',
    {
      given: 'output { dims: [1] }',
      want: {
        message: 'models/m/config.pbtxt:1:8: output has no name (field output[0].name)',
        line: 1,
        column: 8,
        field: 'output[0].name',
      },
    },
  ],
  [
    'a number where a string belongs',
    {
      given: 'name: 42',
      want: {
        message: 'models/m/config.pbtxt:1:7: expected a quoted string, got 42 (field name)',
        line: 1,
        column: 7,
        field: 'name',
      },
    },
  ],
  [
    'a string where an integer belongs',
    {
      given: 'max_batch_size: "8"',
      want: {
        message: 'models/m/config.pbtxt:1:17: expected an integer, got the string "8" (field max_batch_size)',
        line: 1,
        column: 17,
        field: 'max_batch_size',
      },
    },
  ],
  [
    'a float where an integer belongs',
    {
      given: 'input { name: "a" data_type: TYPE_FP32 dims: [3, 2.5] }',
      want: {
        message: 'models/m/config.pbtxt:1:50: expected an integer, got 2.5 (field input[0].dims)',
        line: 1,
        column: 50,
        field: 'input[0].dims',
      },
    },
  ],
  [
    'a quoted enum',
    {
      given: 'instance_group { kind: "KIND_CPU" }',
      want: {
        message:
          'models/m/config.pbtxt:1:24: expected one of KIND_AUTO, KIND_GPU, KIND_CPU, KIND_MODEL, got the string "KIND_CPU" (field instance_group[0].kind)',
        line: 1,
        column: 24,
        field: 'instance_group[0].kind',
      },
    },
  ],
  [
    'a scalar where a message belongs',
    {
      given: 'dynamic_batching: 1',
      want: {
        message: 'models/m/config.pbtxt:1:19: expected a message { ... }, got 1 (field dynamic_batching)',
        line: 1,
        column: 19,
        field: 'dynamic_batching',
      },
    },
  ],
  [
    'a bad boolean',
    {
      given: 'input { name: "a" data_type: TYPE_FP32 optional: yes }',
      want: {
        message: 'models/m/config.pbtxt:1:50: expected true or false, got yes (field input[0].optional)',
        line: 1,
        column: 50,
        field: 'input[0].optional',
      },
    },
  ],
  [
    'a singular field given twice',
    {
      given: 'max_batch_size: 1\nname: "m"\nmax_batch_size: 2',
      want: {
        message:
          'models/m/config.pbtxt:3:1: max_batch_size is given more than once (first at line 1) (field max_batch_size)',
        line: 3,
        column: 1,
        field: 'max_batch_size',
      },
    },
  ],
  [
    'version_policy with two choices',
    {
      given: 'version_policy { all {} latest {} }',
      want: {
        message:
          'models/m/config.pbtxt:1:25: expected exactly one of latest, all or specific (field version_policy)',
        line: 1,
        column: 25,
        field: 'version_policy',
      },
    },
  ],
  [
    'version_policy latest 0',
    {
      given: 'version_policy { latest { num_versions: 0 } }',
      want: {
        message:
          'models/m/config.pbtxt:1:41: expected an integer between 1 and 4294967295, got 0 (field version_policy.latest.num_versions)',
        line: 1,
        column: 41,
        field: 'version_policy.latest.num_versions',
      },
    },
  ],
  [
    'a warmup input with a bad data_type',
    {
      given: 'model_warmup { name: "w" inputs { key: "a" value { data_type: FP32 } } }',
      want: {
        message:
          'models/m/config.pbtxt:1:63: unknown data_type FP32; expected one of TYPE_BOOL, TYPE_UINT8, TYPE_UINT16, TYPE_UINT32, TYPE_UINT64, TYPE_INT8, TYPE_INT16, TYPE_INT32, TYPE_INT64, TYPE_FP16, TYPE_FP32, TYPE_FP64, TYPE_BF16, TYPE_STRING (field model_warmup[0].inputs.a.data_type)',
        line: 1,
        column: 63,
        field: 'model_warmup[0].inputs.a.data_type',
      },
    },
  ],
];

describe('parseModelConfig validation', () => {
  it.each(cases)('%s', (_name, { given, want }) => {
    let caught: unknown;
    try {
      parseModelConfig(given, { file: 'models/m/config.pbtxt', defaultName: 'm' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      message: want.message,
      details: { file: 'models/m/config.pbtxt', line: want.line, column: want.column, field: want.field },
    });
  });

  it('accepts preferred sizes above max_batch_size 0 (no batching to bound them)', () => {
    expect(
      parseModelConfig('dynamic_batching { preferred_batch_size: 64 }').dynamicBatching?.preferredBatchSize,
    ).toEqual([64]);
  });
});
