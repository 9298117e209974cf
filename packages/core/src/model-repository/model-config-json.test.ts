import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../../test/support/model-config-fixtures.js';
import { modelConfigToJson } from './model-config-json.js';
import { parseModelConfig } from './model-config-parser.js';

describe('modelConfigToJson', () => {
  it('writes the proto JSON mapping of a full config', () => {
    const config = parseModelConfig(CONFIGS.onnxDynamicBatching);
    config.parameters = { decoder: 'chipq' };
    config.modelWarmup = [
      {
        name: 'w',
        batchSize: 2,
        count: 1,
        inputs: { image: { dataType: 'FP32', dims: [3, 640, 640], randomData: true } },
      },
    ];
    expect(modelConfigToJson(config)).toEqual({
      name: 'pcb_defects',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      max_batch_size: 16,
      input: [
        { name: 'image', data_type: 'TYPE_FP32', format: 'FORMAT_NCHW', dims: [3, 640, 640] },
        {
          name: 'reference',
          data_type: 'TYPE_UINT8',
          format: 'FORMAT_NHWC',
          dims: [640, 640, 1],
          optional: true,
        },
      ],
      output: [
        { name: 'detections', data_type: 'TYPE_FP32', dims: [-1, 6], label_filename: 'labels.txt' },
        { name: 'names', data_type: 'TYPE_STRING', dims: [-1], reshape: { shape: [1, -1] } },
      ],
      dynamic_batching: {
        preferred_batch_size: [4, 8],
        max_queue_delay_microseconds: '2000',
        preserve_ordering: true,
      },
      instance_group: [
        { kind: 'KIND_CPU', count: 2 },
        { name: 'gpu_pair', kind: 'KIND_GPU', count: 1, gpus: [0, 1] },
      ],
      version_policy: { latest: { num_versions: 2 } },
      parameters: { decoder: { string_value: 'chipq' } },
      model_warmup: [
        {
          name: 'w',
          batch_size: 2,
          count: 1,
          inputs: { image: { data_type: 'TYPE_FP32', dims: [3, 640, 640], random_data: true } },
        },
      ],
    });
  });

  const policies: Array<[string, { given: string; want: unknown }]> = [
    ['all', { given: 'version_policy { all {} }', want: { all: {} } }],
    [
      'specific',
      { given: 'version_policy { specific { versions: [2, 4] } }', want: { specific: { versions: [2, 4] } } },
    ],
    ['default latest', { given: '', want: { latest: { num_versions: 1 } } }],
  ];
  it.each(policies)('writes version_policy %s', (_name, { given, want }) => {
    expect(modelConfigToJson(parseModelConfig(given)).version_policy).toEqual(want);
  });

  it('writes extra fields with maps as objects and known repeated fields as arrays', () => {
    const json = modelConfigToJson(parseModelConfig(CONFIGS.ensembleLike, { defaultName: 'pipeline' }));
    expect(json.ensemble_scheduling).toEqual({
      step: [
        {
          model_name: 'preprocess',
          model_version: -1,
          input_map: { RAW: 'IMAGE' },
          output_map: { OUT: 'PRE' },
        },
        { model_name: 'detector', model_version: 2, input_map: { image: 'PRE', ref: 'REF' } },
      ],
    });
    expect(json.cc_model_filenames).toEqual({ '7.5': 'model_t4.plan' });
    expect(json.dynamic_batching).toEqual({
      priority_levels: 2,
      default_queue_policy: { timeout_action: 'DELAY', default_timeout_microseconds: 100000 },
    });
    expect(json.instance_group).toEqual([
      {
        kind: 'KIND_AUTO',
        count: 1,
        rate_limiter: { resources: [{ name: 'R1', count: 2 }] },
        passive: false,
      },
    ]);
    expect(json.input).toEqual([
      { name: 'RAW', data_type: 'TYPE_UINT8', dims: [-1], allow_ragged_batch: true, is_shape_tensor: false },
    ]);
  });

  it('wraps a repeated field given once and spells non-finite numbers as proto JSON does', () => {
    const text =
      'optimization { execution_accelerators { gpu_execution_accelerator { name: "tensorrt" } } }\nlimits { hi: inf lo: -inf bad: nan }';
    const json = modelConfigToJson(parseModelConfig(text));
    expect(json.optimization).toEqual({
      execution_accelerators: { gpu_execution_accelerator: [{ name: 'tensorrt' }] },
    });
    expect(json.limits).toEqual({ hi: 'Infinity', lo: '-Infinity', bad: 'NaN' });
  });

  it('is plain JSON: stringify and parse give the same value', () => {
    const json = modelConfigToJson(parseModelConfig(CONFIGS.warmup));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.model_warmup).toEqual([
      {
        name: 'zeros',
        batch_size: 4,
        count: 3,
        inputs: {
          image: { data_type: 'TYPE_FP32', dims: [3, 64, 64], zero_data: true },
          reference: { data_type: 'TYPE_UINT8', dims: [64, 64, 1], input_data_file: 'ref.bin' },
        },
      },
      {
        name: 'noise',
        batch_size: 1,
        inputs: { image: { data_type: 'TYPE_FP32', dims: [3, 64, 64], random_data: true } },
      },
    ]);
  });
});
