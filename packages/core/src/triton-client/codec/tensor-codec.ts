/**
 * The tensor codec: chipq's Tensor <-> KServe v2 `ModelInferRequest` / `ModelInferResponse`.
 * Tensor data always travels in `raw_input_contents` / `raw_output_contents` (never the typed
 * `contents` fields, which cost a protobuf value per element): row-major, little-endian, no
 * padding. BOOL is one byte per element (0 or 1); FP16 and BF16 travel as their raw 16-bit
 * patterns held in a Uint16Array. BYTES (variable-length strings) is not supported.
 */
import { endianness } from 'node:os';
import type { _inference_ModelInferRequest_InferInputTensor as InferInputTensor } from '../../../gen/triton/inference/ModelInferRequest.js';
import type { ModelInferResponse__Output } from '../../../gen/triton/inference/ModelInferResponse.js';
import { ChipqError } from '../../errors.js';
import type { Tensor, TensorData } from '../../kserve/kserve-types.js';
import { arrayTypeOf, type TypedArrayConstructor } from '../../kserve/tensor-data.js';
import type { DataType } from '../../model-repository/model-config.js';

const littleEndianHost = endianness() === 'LE';

function arrayType(datatype: string, what: string): TypedArrayConstructor {
  const type = arrayTypeOf(datatype);
  if (!type)
    throw new ChipqError(
      'INVALID_INPUT',
      `${what}: data type ${datatype} is not supported (raw tensors only)`,
    );
  return type;
}

/** Number of elements of `shape`; throws on negative or non-integer dimensions. */
function elementCount(shape: readonly number[], what: string): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new ChipqError(
        'INVALID_INPUT',
        `${what}: expected non-negative integer dimensions, got [${shape.join(', ')}]`,
      );
    }
    count *= dim;
  }
  return count;
}

/** Checks that `tensor.data` is the array type of its data type and holds exactly its shape's elements. */
function checkTensor(tensor: Tensor): void {
  const what = `input '${tensor.name}'`;
  const type = arrayType(tensor.datatype, what);
  if (!(tensor.data instanceof type)) {
    throw new ChipqError(
      'INVALID_INPUT',
      `${what}: ${tensor.datatype} data must be a ${type.name}, got ${tensor.data.constructor.name}`,
    );
  }
  const count = elementCount(tensor.shape, what);
  if (tensor.data.length !== count) {
    throw new ChipqError(
      'INVALID_INPUT',
      `${what}: shape [${tensor.shape.join(', ')}] holds ${count} elements, data has ${tensor.data.length}`,
    );
  }
}

/** The little-endian bytes of a typed array: a view without copying on little-endian hosts. */
function toRawBytes(data: TensorData): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndianHost || data.BYTES_PER_ELEMENT === 1) return view;
  return swapBytes(Buffer.from(view), data.BYTES_PER_ELEMENT);
}

/** A typed array over little-endian `bytes`; a view when aligned on a little-endian host, else a copy. */
export function fromRawBytes(datatype: string, bytes: Uint8Array, what: string): TensorData {
  const type = arrayType(datatype, what);
  const size = type.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) {
    throw new ChipqError(
      'INFERENCE_FAILED',
      `${what}: ${bytes.byteLength} bytes is not a whole number of ${datatype} elements`,
    );
  }
  if (littleEndianHost && bytes.byteOffset % size === 0)
    return new type(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  const copy = Buffer.from(bytes); // fresh, aligned allocation
  if (!littleEndianHost) swapBytes(copy, size);
  return new type(copy.buffer, copy.byteOffset, copy.byteLength / size);
}

function swapBytes(buffer: Buffer, size: number): Buffer {
  if (size === 2) return buffer.swap16();
  if (size === 4) return buffer.swap32();
  return buffer.swap64();
}

/** Where an input's bytes already are in a registered system shared memory region. */
export interface SharedMemoryRef {
  region: string;
  offset: number;
  byteSize: number;
}

/**
 * The `inputs` and `raw_input_contents` of a ModelInferRequest, in the same order. Inputs named
 * in `sharedMemory` carry Triton's `shared_memory_*` parameters instead of raw contents.
 */
export function encodeInputs(
  tensors: readonly Tensor[],
  sharedMemory: Readonly<Record<string, SharedMemoryRef>> = {},
): { inputs: InferInputTensor[]; raw: Buffer[] } {
  const inputs: InferInputTensor[] = [];
  const raw: Buffer[] = [];
  for (const tensor of tensors) {
    checkTensor(tensor);
    const ref = sharedMemory[tensor.name];
    const input: InferInputTensor = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape };
    if (ref) {
      input.parameters = {
        shared_memory_region: { string_param: ref.region },
        shared_memory_offset: { int64_param: ref.offset },
        shared_memory_byte_size: { int64_param: ref.byteSize },
      };
    } else {
      raw.push(toRawBytes(tensor.data));
    }
    inputs.push(input);
  }
  return { inputs, raw };
}

/** The output tensors of a ModelInferResponse; rejects responses that use the typed `contents`. */
export function decodeOutputs(response: ModelInferResponse__Output): Tensor[] {
  if (response.raw_output_contents.length !== response.outputs.length) {
    throw new ChipqError(
      'INFERENCE_FAILED',
      `Triton returned ${response.outputs.length} outputs but ${response.raw_output_contents.length} raw contents; chipq reads raw_output_contents only`,
    );
  }
  return response.outputs.map((output, index) =>
    decodeOutput(
      { name: output.name, datatype: output.datatype, shape: output.shape.map(Number) },
      response.raw_output_contents[index] as Buffer,
      response.model_name,
    ),
  );
}

/** One output tensor from its raw little-endian bytes (either transport), checked against its shape. */
export function decodeOutput(
  output: { name: string; datatype: string; shape: number[] },
  bytes: Uint8Array,
  model: string,
): Tensor {
  const what = `output '${output.name}' of model '${model}'`;
  const data = fromRawBytes(output.datatype, bytes, what);
  const count = elementCount(output.shape, what);
  if (data.length !== count) {
    throw new ChipqError(
      'INFERENCE_FAILED',
      `${what}: shape [${output.shape.join(', ')}] holds ${count} elements, got ${data.length}`,
    );
  }
  return { name: output.name, datatype: output.datatype as DataType, shape: output.shape, data };
}
