/**
 * Reads a model's config once and decides how images become its inputs: which input takes the
 * tested image, which (if any) the defect-free reference, and for each the layout, channels,
 * size, element type and value scaling. Everything later in preprocessing follows this plan.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig, TensorConfig } from '../model-repository/model-config.js';

export type ImageLayout = 'NCHW' | 'NHWC';
export type ImageDataType = 'UINT8' | 'FP32' | 'FP16';

/** How one image input is filled. */
export interface ImageInputPlan {
  /** The model's input name. */
  name: string;
  layout: ImageLayout;
  /** 1: grey (Rec. 601 luma of RGB, as PIL and OpenCV), 3: RGB. */
  channels: 1 | 3;
  /** -1 when the model leaves the dimension open (the caller's `targetSize` fills it). */
  height: number;
  /** -1 when the model leaves the dimension open. */
  width: number;
  dataType: ImageDataType;
  /**
   * The tensor shape starts with a dimension of 1: the batch dimension when the model batches
   * (`max_batch_size > 0`), or a fixed N = 1 when a non-batching model declares 4-D dims.
   */
  batched: boolean;
  /**
   * Float inputs get `(pixel * scale - mean[c]) / std[c]`, pixel in 0-255. Defaults scale 1,
   * mean 0, std 1: raw 0-255 values. Set by `chipq.input_scale` (e.g. "0.00392156862745098"
   * for 0-1), `chipq.input_mean` and `chipq.input_std` ("0.485,0.456,0.406"). UINT8 ignores them.
   */
  normalize: { scale: number; mean: number[]; std: number[] };
}

export interface InputsPlan {
  image: ImageInputPlan;
  /** Present when the model declares a reference input. */
  reference?: ImageInputPlan;
  /** True when the model has a reference input that is not `optional`. */
  referenceRequired: boolean;
}

function configError(config: ModelConfig, message: string): ChipqError {
  return new ChipqError('MODEL_CONFIG_INVALID', `model ${config.name}: ${message}`, {
    details: { model: config.name },
  });
}

/** Parses "a" or "a,b,c" into `channels` numbers (one value is repeated). */
function parseNumbers(config: ModelConfig, key: string, fallback: number, channels: number): number[] {
  const text = config.parameters[key];
  if (text === undefined || text.trim() === '') return Array<number>(channels).fill(fallback);
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isFinite(v)))
    throw configError(config, `parameter ${key} is not a number list: "${text}"`);
  if (values.length === 1) return Array<number>(channels).fill(values[0] as number);
  if (values.length !== channels) {
    throw configError(
      config,
      `parameter ${key} has ${values.length} values, the input has ${channels} channels`,
    );
  }
  return values;
}

/** Layout from `format`, else from where a channel count (1 or 3) sits. */
function layoutOf(config: ModelConfig, input: TensorConfig, dims: number[]): ImageLayout {
  if (input.format === 'NCHW' || input.format === 'NHWC') return input.format;
  const first = dims[0] === 1 || dims[0] === 3;
  const last = dims[2] === 1 || dims[2] === 3;
  if (first && !last) return 'NCHW';
  if (last && !first) return 'NHWC';
  throw configError(
    config,
    `cannot tell the layout of input ${input.name} from dims [${input.dims.join(', ')}]; set format: FORMAT_NCHW or FORMAT_NHWC`,
  );
}

function planInput(config: ModelConfig, input: TensorConfig): ImageInputPlan {
  let dims = input.dims;
  let batched = config.maxBatchSize > 0;
  if (!batched && dims.length === 4) {
    if (dims[0] !== 1 && dims[0] !== -1)
      throw configError(config, `input ${input.name} has batch dimension ${dims[0]}; only 1 is supported`);
    dims = dims.slice(1);
    batched = true;
  }
  if (dims.length !== 3) {
    throw configError(
      config,
      `input ${input.name} has dims [${input.dims.join(', ')}]; an image input needs [C, H, W] or [H, W, C]`,
    );
  }
  const layout = layoutOf(config, input, dims);
  const [c, h, w] = layout === 'NCHW' ? dims : [dims[2], dims[0], dims[1]];
  if (c !== 1 && c !== 3)
    throw configError(
      config,
      `input ${input.name} has ${String(c)} channels; only 1 (grey) or 3 (RGB) are supported`,
    );
  if (h === undefined || w === undefined || h === 0 || w === 0 || h < -1 || w < -1) {
    throw configError(
      config,
      `input ${input.name} has an invalid image size in dims [${input.dims.join(', ')}]`,
    );
  }
  const dataType = input.dataType;
  if (dataType !== 'UINT8' && dataType !== 'FP32' && dataType !== 'FP16') {
    throw configError(
      config,
      `input ${input.name} has data_type ${dataType}; only UINT8, FP32 and FP16 are supported`,
    );
  }
  const scaleText = config.parameters['chipq.input_scale'];
  const scale = scaleText === undefined ? 1 : Number(scaleText);
  if (!Number.isFinite(scale) || scale <= 0)
    throw configError(config, `parameter chipq.input_scale must be a positive number, got "${scaleText}"`);
  const std = parseNumbers(config, 'chipq.input_std', 1, c);
  if (std.some((v) => v === 0)) throw configError(config, 'parameter chipq.input_std must not contain 0');
  return {
    name: input.name,
    layout,
    channels: c,
    height: h,
    width: w,
    dataType,
    batched,
    normalize: { scale, mean: parseNumbers(config, 'chipq.input_mean', 0, c), std },
  };
}

function findInput(config: ModelConfig, name: string, key: string): TensorConfig {
  const input = config.input.find((i) => i.name === name);
  if (!input)
    throw configError(config, `parameter ${key} names input "${name}", which the model does not have`);
  return input;
}

const plans = new WeakMap<ModelConfig, InputsPlan>();

/**
 * Plans the model's image inputs. The reference input is the one named by parameter
 * `chipq.reference_input`, else an input literally named `reference`; the image input is
 * `chipq.image_input`, else the first other input. Any further input must be `optional`.
 * Results are cached per config object. Throws ChipqError('MODEL_CONFIG_INVALID') for inputs it
 * cannot fill (layout, channels, data type, reference size differing from the image's).
 */
export function planInputs(config: ModelConfig): InputsPlan {
  const cached = plans.get(config);
  if (cached) return cached;
  const refName = config.parameters['chipq.reference_input'];
  const refInput =
    refName !== undefined
      ? findInput(config, refName, 'chipq.reference_input')
      : config.input.find((i) => i.name === 'reference');
  const imageName = config.parameters['chipq.image_input'];
  const imageInput =
    imageName !== undefined
      ? findInput(config, imageName, 'chipq.image_input')
      : config.input.find((i) => i !== refInput);
  if (!imageInput) throw configError(config, 'the model declares no image input');
  if (imageInput === refInput)
    throw configError(config, `input ${imageInput.name} cannot be both the image and the reference`);
  const extra = config.input.find((i) => i !== imageInput && i !== refInput && !i.optional);
  if (extra)
    throw configError(
      config,
      `input ${extra.name} is neither the image nor the reference; chipq cannot fill it`,
    );
  const image = planInput(config, imageInput);
  const plan: InputsPlan = { image, referenceRequired: refInput !== undefined && !refInput.optional };
  if (refInput) {
    const reference = planInput(config, refInput);
    if (reference.height !== image.height || reference.width !== image.width) {
      throw configError(
        config,
        `reference input ${refInput.name} must have the same height and width as image input ${imageInput.name}`,
      );
    }
    plan.reference = reference;
  }
  plans.set(config, plan);
  return plan;
}
