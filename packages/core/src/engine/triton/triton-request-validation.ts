/**
 * Checks an inference request against the model's config before it goes on the wire, as Triton
 * itself would on arrival: input names, data types (the caller sends the model's declared type,
 * so a uint8 image travels as a quarter of its float32 size; nothing is converted), shapes with
 * the batch dimension and -1 dims, data lengths, and the outputs asked for. A bad request costs
 * no round trip, and the error names the tensor like the embedded engine's does.
 */
import { ChipqError } from '../../errors.js';
import type { ModelConfig, TensorConfig } from '../../model-repository/model-config.js';
import { checkTensor } from '../../triton/tensor-codec.js';
import type { InferRequest, Tensor } from '../engine.js';

function invalid(message: string, details: Record<string, unknown>): ChipqError {
  return new ChipqError('INVALID_INPUT', message, { details });
}

/** @throws ChipqError INVALID_INPUT describing the first problem found. */
export function validateRequest(config: ModelConfig, request: InferRequest): void {
  const declared = new Map(config.input.map((input) => [input.name, input]));
  const given = new Set<string>();
  for (const tensor of request.inputs) {
    if (given.has(tensor.name)) throw invalid(`input ${tensor.name} is given twice`, { input: tensor.name });
    given.add(tensor.name);
    const input = declared.get(tensor.name);
    if (!input) {
      const expected = [...declared.keys()];
      throw invalid(`unexpected input ${tensor.name}; model ${config.name} takes ${expected.join(', ')}`, {
        input: tensor.name,
        expected,
      });
    }
    checkShape(input, tensor, config.maxBatchSize);
    checkTensor(tensor);
  }
  for (const input of config.input) {
    if (!given.has(input.name) && !input.optional)
      throw invalid(`missing input ${input.name} for model ${config.name}`, { input: input.name });
  }
  if (config.maxBatchSize > 0) {
    const sizes = new Set(request.inputs.map((tensor) => tensor.shape[0]));
    if (sizes.size > 1)
      throw invalid(`inputs of model ${config.name} differ in batch size: ${[...sizes].join(', ')}`, {
        batchSizes: [...sizes],
      });
  }
  const outputs = config.output.map((output) => output.name);
  for (const name of request.outputs ?? []) {
    if (!outputs.includes(name))
      throw invalid(`unknown output ${name}; model ${config.name} has ${outputs.join(', ')}`, {
        output: name,
        expected: outputs,
      });
  }
}

function checkShape(input: TensorConfig, tensor: Tensor, maxBatchSize: number): void {
  const name = input.name;
  if (tensor.datatype !== input.dataType) {
    throw invalid(`input ${name}: expected data type ${input.dataType}, got ${tensor.datatype}`, {
      input: name,
      expected: input.dataType,
      got: tensor.datatype,
    });
  }
  // Triton checks the shape the client sends against dims, or against reshape's source dims.
  const dims = input.dims;
  const batching = maxBatchSize > 0;
  const expected = batching ? [-1, ...dims] : dims;
  const fits =
    tensor.shape.length === expected.length &&
    tensor.shape.every(
      (dim, i) => Number.isInteger(dim) && dim >= 0 && (expected[i] === -1 || expected[i] === dim),
    );
  if (!fits) {
    throw invalid(
      `input ${name}: expected shape [${expected.join(', ')}], got [${tensor.shape.join(', ')}]`,
      { input: name, expected, got: tensor.shape },
    );
  }
  const batch = tensor.shape[0] ?? 0;
  if (batching && (batch < 1 || batch > maxBatchSize)) {
    throw invalid(`input ${name}: batch size ${batch} is outside 1..max_batch_size ${maxBatchSize}`, {
      input: name,
      batchSize: batch,
      maxBatchSize,
    });
  }
}
