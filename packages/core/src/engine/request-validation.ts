/**
 * Checks an inference request against the model's config, as Triton does on arrival: input
 * names, data types, shapes (the batch dimension and -1 dims included), data lengths, and the
 * outputs asked for. Both engines run it before a request is queued or sent, so the same bad
 * request gets the same INVALID_INPUT, with details naming the tensor, whichever engine serves.
 */
import { ChipqError } from '../errors.js';
import type { InferRequest, Tensor } from '../kserve/kserve-types.js';
import { arrayTypeOf, elementCount } from '../kserve/tensor-data.js';
import type { DataType, ModelConfig, TensorConfig } from '../model-repository/model-config.js';

export interface ValidationOptions {
  /** Data types the engine can run beyond having a typed array. Default: every raw type. */
  supportsDataType?: (datatype: DataType) => boolean;
  /** Names the engine in messages about unsupported data types. Default `the engine`. */
  engine?: string;
}

export interface ValidatedRequest {
  /** The request's inputs in the config's order. */
  inputs: Tensor[];
  /** Batch elements (dim 0), 1 when the model does not batch. */
  batchSize: number;
  /** Equal for requests whose non-batch shapes are equal: only those batch together. */
  shapeKey: string;
  /** Output names to return, in the config's order. */
  outputs: string[];
}

function invalid(message: string, details: Record<string, unknown>): ChipqError {
  return new ChipqError('INVALID_INPUT', message, { details });
}

/** @throws ChipqError INVALID_INPUT describing the first problem found. */
export function validateRequest(
  config: ModelConfig,
  request: InferRequest,
  options: ValidationOptions = {},
): ValidatedRequest {
  const byName = new Map<string, Tensor>();
  for (const tensor of request.inputs) {
    if (byName.has(tensor.name)) throw invalid(`input ${tensor.name} is given twice`, { input: tensor.name });
    if (!config.input.some((input) => input.name === tensor.name)) {
      const expected = config.input.map((input) => input.name);
      throw invalid(`unexpected input ${tensor.name}; model ${config.name} takes ${expected.join(', ')}`, {
        input: tensor.name,
        expected,
      });
    }
    byName.set(tensor.name, tensor);
  }
  const batching = config.maxBatchSize > 0;
  const inputs: Tensor[] = [];
  let batchSize: number | undefined;
  for (const input of config.input) {
    const tensor = byName.get(input.name);
    if (tensor === undefined) {
      if (input.optional) continue;
      throw invalid(`missing input ${input.name} for model ${config.name}`, { input: input.name });
    }
    checkTensor(input, tensor, batching, options);
    if (batching) {
      const size = tensor.shape[0] as number;
      if (size > config.maxBatchSize) {
        throw invalid(
          `input ${input.name}: batch size ${size} exceeds max_batch_size ${config.maxBatchSize}`,
          {
            input: input.name,
            batchSize: size,
            maxBatchSize: config.maxBatchSize,
          },
        );
      }
      if (batchSize !== undefined && size !== batchSize) {
        throw invalid(`input ${input.name}: batch size ${size} differs from the other inputs' ${batchSize}`, {
          input: input.name,
        });
      }
      batchSize = size;
    }
    inputs.push(tensor);
  }
  const shapeKey = JSON.stringify(
    inputs.map((tensor) => [tensor.name, batching ? tensor.shape.slice(1) : tensor.shape]),
  );
  return { inputs, batchSize: batchSize ?? 1, shapeKey, outputs: selectOutputs(config, request.outputs) };
}

function checkTensor(
  input: TensorConfig,
  tensor: Tensor,
  batching: boolean,
  options: ValidationOptions,
): void {
  const name = input.name;
  if (tensor.datatype !== input.dataType) {
    throw invalid(`input ${name}: expected data type ${input.dataType}, got ${tensor.datatype}`, {
      input: name,
      expected: input.dataType,
      got: tensor.datatype,
    });
  }
  const ArrayType = arrayTypeOf(tensor.datatype);
  if (ArrayType === undefined || options.supportsDataType?.(tensor.datatype) === false) {
    throw invalid(
      `input ${name}: data type ${tensor.datatype} is not supported by ${options.engine ?? 'the engine'}`,
      {
        input: name,
      },
    );
  }
  if (!(tensor.data instanceof ArrayType)) {
    throw invalid(
      `input ${name}: ${tensor.datatype} data must be a ${ArrayType.name}, got ${tensor.data.constructor.name}`,
      { input: name },
    );
  }
  const expected = batching ? [-1, ...input.dims] : input.dims;
  const fits =
    tensor.shape.length === expected.length &&
    tensor.shape.every(
      (dim, i) => Number.isInteger(dim) && dim >= 0 && (expected[i] === -1 || expected[i] === dim),
    ) &&
    (!batching || (tensor.shape[0] ?? 0) >= 1);
  if (!fits) {
    throw invalid(
      `input ${name}: expected shape [${expected.join(', ')}], got [${tensor.shape.join(', ')}]`,
      {
        input: name,
        expected,
        got: tensor.shape,
      },
    );
  }
  if (tensor.data.length !== elementCount(tensor.shape)) {
    throw invalid(
      `input ${name}: shape [${tensor.shape.join(', ')}] needs ${elementCount(tensor.shape)} elements, got ${tensor.data.length}`,
      {
        input: name,
      },
    );
  }
}

function selectOutputs(config: ModelConfig, requested: readonly string[] | undefined): string[] {
  const names = config.output.map((output) => output.name);
  if (requested === undefined || requested.length === 0) return names;
  for (const name of requested) {
    if (!names.includes(name))
      throw invalid(`unknown output ${name}; model ${config.name} has ${names.join(', ')}`, {
        output: name,
        expected: names,
      });
  }
  return names.filter((name) => requested.includes(name));
}
