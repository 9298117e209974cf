import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../../test/support/model-config-fixtures.js';
import type { ModelConfig } from './model-config.js';
import { parseModelConfig } from './model-config-parser.js';

describe('parseModelConfig on realistic configs', () => {
  it('maps an ONNX detector with dynamic batching', () => {
    const want: ModelConfig = {
      name: 'pcb_defects',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      maxBatchSize: 16,
      input: [
        { name: 'image', dataType: 'FP32', dims: [3, 640, 640], format: 'NCHW', optional: false },
        { name: 'reference', dataType: 'UINT8', dims: [640, 640, 1], format: 'NHWC', optional: true },
      ],
      output: [
        {
          name: 'detections',
          dataType: 'FP32',
          dims: [-1, 6],
          format: 'NONE',
          optional: false,
          labelFilename: 'labels.txt',
        },
        { name: 'names', dataType: 'BYTES', dims: [-1], format: 'NONE', optional: false, reshape: [1, -1] },
      ],
      dynamicBatching: {
        preferredBatchSize: [4, 8],
        maxQueueDelayMicroseconds: 2000,
        preserveOrdering: true,
      },
      instanceGroup: [
        { count: 2, kind: 'KIND_CPU', gpus: [] },
        { name: 'gpu_pair', count: 1, kind: 'KIND_GPU', gpus: [0, 1] },
      ],
      versionPolicy: { kind: 'latest', numVersions: 2 },
      parameters: {},
      modelWarmup: [],
      extra: {},
    };
    expect(parseModelConfig(CONFIGS.onnxDynamicBatching)).toEqual(want);
  });

  it('keeps unknown fields, top-level and nested, in extra', () => {
    const config = parseModelConfig(CONFIGS.ensembleLike, { defaultName: 'pipeline' });
    expect(config.name).toBe('pipeline');
    expect(config.platform).toBe('ensemble');
    expect(config.backend).toBe('');
    expect(config.extra).toEqual({
      ensemble_scheduling: {
        step: [
          {
            model_name: 'preprocess',
            model_version: -1,
            input_map: { key: 'RAW', value: 'IMAGE' },
            output_map: { key: 'OUT', value: 'PRE' },
          },
          {
            model_name: 'detector',
            model_version: 2,
            input_map: [
              { key: 'image', value: 'PRE' },
              { key: 'ref', value: 'REF' },
            ],
          },
        ],
      },
      optimization: { execution_accelerators: { cpu_execution_accelerator: [{ name: 'openvino' }] } },
      response_cache: { enable: true },
      cc_model_filenames: { key: '7.5', value: 'model_t4.plan' },
    });
    expect(config.input[0]?.extra).toEqual({ allow_ragged_batch: true, is_shape_tensor: false });
    expect(config.dynamicBatching?.extra).toEqual({
      priority_levels: 2,
      default_queue_policy: { timeout_action: { $enum: 'DELAY' }, default_timeout_microseconds: 100000 },
    });
    expect(config.instanceGroup[0]?.extra).toEqual({
      rate_limiter: { resources: [{ name: 'R1', count: 2 }] },
      passive: false,
    });
    expect(config.dynamicBatching?.maxQueueDelayMicroseconds).toBe(0);
  });

  it('maps model_warmup with its inputs map', () => {
    const config = parseModelConfig(CONFIGS.warmup);
    expect(config.modelWarmup).toEqual([
      {
        name: 'zeros',
        batchSize: 4,
        count: 3,
        inputs: {
          image: { dataType: 'FP32', dims: [3, 64, 64], zeroData: true },
          reference: { dataType: 'UINT8', dims: [64, 64, 1], inputDataFile: 'ref.bin' },
        },
      },
      {
        name: 'noise',
        batchSize: 1,
        count: 0,
        inputs: { image: { dataType: 'FP32', dims: [3, 64, 64], randomData: true } },
      },
    ]);
  });

  it('flattens parameters to key -> string_value', () => {
    const config = parseModelConfig(CONFIGS.parameters);
    expect(config.parameters).toEqual({
      decoder: 'yolo',
      'confidence.min': '0.5',
      empty: '',
      killer_classes: 'open,short',
    });
    expect(config.defaultModelFilename).toBe('detector.onnx');
  });

  it('reads lists given in every syntax, with comments and separators', () => {
    const config = parseModelConfig(CONFIGS.listSyntaxes);
    expect(config.input.map((i) => [i.name, i.dims])).toEqual([
      ['a', [1, 2, 3]],
      ['b', [4, 5]],
      ['c', []],
    ]);
    expect(config.output.map((o) => o.name)).toEqual(['x', 'y']);
    expect(config.dynamicBatching?.preferredBatchSize).toEqual([2, 4, 8]);
    expect(config.versionPolicy).toEqual({ kind: 'specific', versions: [1, 3] });
  });
});

describe('parseModelConfig defaults', () => {
  it('fills Triton defaults for a minimal config', () => {
    expect(parseModelConfig('backend: "onnxruntime"', { defaultName: 'folder' })).toEqual({
      name: 'folder',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      maxBatchSize: 0,
      input: [],
      output: [],
      instanceGroup: [{ count: 1, kind: 'KIND_AUTO', gpus: [] }],
      versionPolicy: { kind: 'latest', numVersions: 1 },
      parameters: {},
      modelWarmup: [],
      extra: {},
    } satisfies ModelConfig);
  });

  const policies: Array<[string, { given: string; want: ModelConfig['versionPolicy'] }]> = [
    [
      'latest without count',
      { given: 'version_policy { latest {} }', want: { kind: 'latest', numVersions: 1 } },
    ],
    ['all', { given: 'version_policy: { all: {} }', want: { kind: 'all' } }],
    [
      'specific repeated',
      {
        given: 'version_policy { specific { versions: 2 versions: 5 } }',
        want: { kind: 'specific', versions: [2, 5] },
      },
    ],
  ];
  it.each(policies)('version_policy %s', (_name, { given, want }) => {
    expect(parseModelConfig(given).versionPolicy).toEqual(want);
  });

  it('accepts booleans as true/True/t/1 and enums as written', () => {
    const config = parseModelConfig(
      'input { name: "a" data_type: TYPE_BOOL optional: t }\ndynamic_batching { preserve_ordering: 1 }',
    );
    expect(config.input[0]?.optional).toBe(true);
    expect(config.dynamicBatching).toEqual({
      preferredBatchSize: [],
      maxQueueDelayMicroseconds: 0,
      preserveOrdering: true,
    });
  });
});
