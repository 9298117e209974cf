/**
 * Proves a staged model works with its config before it is deployed: loads it in a temporary
 * embedded engine (ONNX Runtime opens the file and core checks every input and output the
 * config names exists), then runs one inference on zero tensors shaped and typed by the
 * config, and compares the output shapes with the config's dims. Any mismatch is
 * MODEL_CONFIG_INVALID naming the tensor.
 */
import {
  ChipqError,
  createOnnxEngine,
  isChipqError,
  type ModelConfig,
  type Tensor,
  zeroTensorData,
} from '@chipq/core';

/** Size used for a variable (-1) dimension in the smoke inference. */
const variableDim = 32;

/** Zero inputs for a batch of one, as the config describes them. */
function smokeInputs(config: ModelConfig): Tensor[] {
  return config.input.map((input) => {
    const dims = input.dims.map((d) => (d < 0 ? variableDim : d));
    const shape = config.maxBatchSize > 0 ? [1, ...dims] : dims;
    const data = zeroTensorData(input.dataType, shape);
    if (data === undefined)
      throw new ChipqError(
        'MODEL_CONFIG_INVALID',
        'BYTES inputs cannot be smoke-tested; deploy such models to Triton directly',
      );
    return { name: input.name, datatype: input.dataType, shape, data };
  });
}

/** Config dims vs an actual output shape; -1 matches anything. */
function shapeMismatch(config: ModelConfig, name: string, shape: number[]): string | undefined {
  const declared = config.output.find((o) => o.name === name);
  if (declared === undefined) return undefined;
  const actual = config.maxBatchSize > 0 ? shape.slice(1) : shape;
  const expected = declared.reshape ?? declared.dims;
  const ok = actual.length === expected.length && expected.every((d, i) => d < 0 || d === actual[i]);
  return ok
    ? undefined
    : `output ${name}: config dims [${expected.join(', ')}], model produced [${actual.join(', ')}]`;
}

/**
 * Loads `name` from `repository` (a staging folder) and runs the smoke inference.
 * @throws ChipqError MODEL_CONFIG_INVALID when loading, running or the shapes fail.
 */
export async function smokeTestModel(
  repository: string,
  name: string,
  version: string,
  config: ModelConfig,
): Promise<void> {
  const engine = await createOnnxEngine({ repository, startupModels: [name], intraOpNumThreads: 1 }).catch(
    (error: unknown) => {
      throw asConfigError(error, 'the model does not load');
    },
  );
  try {
    const result = await engine
      .infer({ model: name, version, inputs: smokeInputs(config) }, { timeoutMs: 60_000 })
      .catch((error: unknown) => {
        throw asConfigError(
          error,
          'an inference on zero inputs shaped by config.pbtxt failed; the inputs do not match the model',
        );
      });
    const problems = result.outputs.flatMap((o) => shapeMismatch(config, o.name, o.shape) ?? []);
    if (problems.length > 0) {
      throw new ChipqError(
        'MODEL_CONFIG_INVALID',
        `config.pbtxt does not match the model: ${problems.join('; ')}`,
        {
          details: { problems },
        },
      );
    }
  } finally {
    await engine.close();
  }
}

function asConfigError(error: unknown, what: string): ChipqError {
  if (isChipqError(error) && error.code === 'MODEL_CONFIG_INVALID') return error;
  return new ChipqError('MODEL_CONFIG_INVALID', `${what}: ${(error as Error).message}`, {
    cause: error,
    details: isChipqError(error) ? { engine_code: error.code } : {},
  });
}
