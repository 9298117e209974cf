/**
 * Realistic config.pbtxt texts for the model-repository tests, written the ways Triton users
 * write them (Triton's docs style, our own repository style, and hand-edited files).
 */
export const CONFIGS = {
  onnxDynamicBatching: `# PCB defect detector, exported from PyTorch
name: "pcb_defects"
platform: "onnxruntime_onnx"
max_batch_size: 16
input [
  {
    name: "image"
    data_type: TYPE_FP32
    format: FORMAT_NCHW
    dims: [ 3, 640, 640 ]
  },
  {
    name: "reference"
    data_type: TYPE_UINT8
    format: FORMAT_NHWC
    dims: [ 640, 640, 1 ]
    optional: true
  }
]
output [
  {
    name: "detections"
    data_type: TYPE_FP32
    dims: [ -1, 6 ]
    label_filename: "labels.txt"
  },
  {
    name: "names"
    data_type: TYPE_STRING
    dims: [ -1 ]
    reshape: { shape: [ 1, -1 ] }
  }
]
dynamic_batching {
  preferred_batch_size: [ 4, 8 ]
  max_queue_delay_microseconds: 2000
  preserve_ordering: true
}
instance_group [
  { count: 2, kind: KIND_CPU },
  { name: "gpu_pair", kind: KIND_GPU, gpus: [ 0, 1 ] }
]
version_policy: { latest: { num_versions: 2 } }
`,

  ensembleLike: `platform: "ensemble"
max_batch_size: 4
input [{ name: "RAW", data_type: TYPE_UINT8, dims: [-1], allow_ragged_batch: true, is_shape_tensor: false }]
output [{ name: "DETS", data_type: TYPE_FP32, dims: [-1, 6] }]
ensemble_scheduling {
  step [
    {
      model_name: "preprocess"
      model_version: -1
      input_map { key: "RAW" value: "IMAGE" }
      output_map { key: "OUT" value: "PRE" }
    },
    {
      model_name: "detector"
      model_version: 2
      input_map { key: "image" value: "PRE" }
      input_map { key: "ref" value: "REF" }
    }
  ]
}
dynamic_batching {
  priority_levels: 2
  default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 100000 }
}
instance_group { rate_limiter { resources [{ name: "R1" count: 2 }] } passive: false }
optimization { execution_accelerators { cpu_execution_accelerator: [ { name: "openvino" } ] } }
response_cache { enable: true }
cc_model_filenames { key: "7.5" value: "model_t4.plan" }
`,

  warmup: `name: "warm"
backend: "onnxruntime"
max_batch_size: 8
input { name: "image" data_type: TYPE_FP32 dims: [3, 64, 64] }
input { name: "reference" data_type: TYPE_UINT8 dims: [64, 64, 1] }
output { name: "scores" data_type: TYPE_FP32 dims: [2] }
model_warmup [
  {
    name: "zeros"
    batch_size: 4
    count: 3
    inputs {
      key: "image"
      value: { data_type: TYPE_FP32, dims: [3, 64, 64], zero_data: true }
    }
    inputs {
      key: "reference"
      value: { data_type: TYPE_UINT8, dims: [64, 64, 1], input_data_file: "ref.bin" }
    }
  }
]
model_warmup {
  name: "noise"
  inputs [{ key: "image", value { data_type: TYPE_FP32 dims: 3 dims: 64 dims: 64 random_data: true } }]
}
`,

  parameters: `name: "yolo"
platform: "onnxruntime_onnx"
default_model_filename: "detector.onnx"
parameters { key: "decoder" value: { string_value: "yolo" } }
parameters: { key: 'confidence.min', value { string_value: '0.5' } }
parameters [
  { key: "empty" value: {} },
  { key: "killer_classes" value: { string_value: "open," "short" } }
]
`,

  listSyntaxes: `name: "lists"; backend: "onnxruntime";
max_batch_size: 8, # separators after fields are optional
input { name: "a" data_type: TYPE_FP32 dims: 1 dims: [2, 3] }  # repeated and list mixed
input < name: "b" data_type: TYPE_FP32 dims: [ 4,
  5 ] >
input: [ { name: "c" data_type: TYPE_FP32 dims: [] } ]
output: { name: "x" data_type: TYPE_FP32 dims: [1] }
output [ < name: 'y' data_type: TYPE_FP32 dims: [1] > ]
dynamic_batching { preferred_batch_size: 2; preferred_batch_size: [4, 8] }
version_policy < specific < versions: [1, 3] > >
`,
} as const;
