/**
 * Our `Tensor` to the tensor an instance's worker hands to onnxruntime, and back. The only module
 * that knows onnxruntime's element type names; data is shared, never copied, in both directions
 * (crossing to the worker copies inputs, see onnx-model-instance.ts).
 */
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { ChipqError } from '../../errors.js';
import type { Tensor, TensorData } from '../../kserve/kserve-types.js';
import type { DataType } from '../../model-repository/model-config.js';
import type { WireTensor } from './onnx-worker.js';

/** KServe data type -> onnxruntime-node element type. BF16 and BYTES have no counterpart here. */
const toOrtType: Partial<Record<DataType, OrtTensor.Type>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  INT8: 'int8',
  UINT16: 'uint16',
  INT16: 'int16',
  UINT32: 'uint32',
  INT32: 'int32',
  UINT64: 'uint64',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
};

const fromOrtType = new Map<string, DataType>(
  Object.entries(toOrtType).map(([ours, theirs]) => [theirs, ours as DataType]),
);

/** True when the embedded engine can carry `datatype`. */
export function isOnnxDataType(datatype: DataType): boolean {
  return toOrtType[datatype] !== undefined;
}

/**
 * The onnxruntime view of `tensor`'s data with `shape` (default: the tensor's own shape; the
 * engine passes the config's `reshape` here).
 * @throws ChipqError INVALID_INPUT for a data type onnxruntime-node cannot carry.
 */
export function toWireTensor(tensor: Tensor, shape: readonly number[] = tensor.shape): WireTensor {
  const type = toOrtType[tensor.datatype];
  if (type === undefined) {
    throw new ChipqError(
      'INVALID_INPUT',
      `input ${tensor.name}: data type ${tensor.datatype} is not supported by the embedded engine`,
      {
        details: { input: tensor.name, datatype: tensor.datatype },
      },
    );
  }
  // onnxruntime-node accepts each of our typed arrays for its matching type (float16 as Uint16Array).
  return { name: tensor.name, type, dims: [...shape], data: tensor.data };
}

/**
 * Our tensor over an onnxruntime output.
 * @throws ChipqError INFERENCE_FAILED when the model produced a type chipq cannot carry.
 */
export function fromWireTensor(value: WireTensor): Tensor {
  const name = value.name;
  const datatype = fromOrtType.get(value.type);
  if (datatype === undefined) {
    throw new ChipqError(
      'INFERENCE_FAILED',
      `output ${name}: onnxruntime type ${value.type} is not supported`,
      {
        details: { output: name, type: value.type },
      },
    );
  }
  let data = value.data as TensorData;
  // Half floats may come back as a Float16Array where the runtime has one; we carry raw bits.
  if (datatype === 'FP16' && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView;
    data = new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2);
  }
  return { name, datatype, shape: value.dims.map(Number), data };
}
