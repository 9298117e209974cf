/**
 * The image-quality gate: cheap measurements of a decoded image (and its reference) that say
 * whether a model's answer about it can be trusted at all. A blank, washed-out or low-contrast
 * capture, or a reference of another board or another place, makes any detector answer noise;
 * such an inspection is sent to a person (verdict REVIEW, rule `image-quality`) instead of
 * being passed. Measured on the decoded pixels before the model, in a few milliseconds.
 */
import { ChipqError } from '../errors.js';
import { type DecodedImage, decodedPixels } from './decode-image.js';

/**
 * Thresholds of the gate; each with its default (see README "Image quality"). The defaults flag
 * only degenerate inputs, so they hold for binarised optics such as DeepPCB's, where a bare
 * board region is legitimately almost all white; grey-level optics can tighten the exposure
 * limits per model (`chipq.image_quality` in config.pbtxt).
 */
export interface ImageQualityOptions {
  /** False turns the gate off (synthetic or non-camera images). Default true. */
  enabled?: boolean;
  /**
   * Lowest standard deviation of the image's grey levels (0-255). Below it the image is blank
   * (dark), saturated (bright) or without contrast (grey), whichever its mean says. Default 2:
   * a uniform frame; DeepPCB's sparsest test image measures 4.6, typical ones 60-120.
   */
  minContrast?: number;
  /** Highest share of the image's pixels at 250 or more (over-exposed). Default 1: off. */
  maxSaturatedFraction?: number;
  /** Highest share of the image's pixels at 5 or less (under-exposed). Default 1: off. */
  maxDarkFraction?: number;
  /**
   * Lowest correlation between the image and its reference, both reduced to 32x32 grey
   * thumbnails (block means). Below it the reference shows another board or another place (not
   * registered). A uniform reference (spread below `minContrast`) behind an image with ten times
   * that spread never matches. Default 0.6:
   * DeepPCB's 999 pairs measure 0.85 and up where both show structure, references from another
   * board group at most about 0.48. 0 turns the check off.
   */
  minReferenceCorrelation?: number;
}

export type ResolvedImageQualityOptions = Required<ImageQualityOptions>;

export const DEFAULT_IMAGE_QUALITY: ResolvedImageQualityOptions = {
  enabled: true,
  minContrast: 2,
  maxSaturatedFraction: 1,
  maxDarkFraction: 1,
  minReferenceCorrelation: 0.6,
};

/** What was measured, for the result and for tuning thresholds. */
export interface ImageQuality {
  /** Mean grey level, 0-255. */
  mean: number;
  /** Standard deviation of the grey levels, 0-255. */
  contrast: number;
  /** Share of pixels at 250 or more. */
  saturatedFraction: number;
  /** Share of pixels at 5 or less. */
  darkFraction: number;
  /**
   * Correlation of the image's and the reference's 32x32 thumbnails (-1 to 1); null without a
   * reference, or when either thumbnail is flat (nothing to register: a bare board region).
   */
  referenceCorrelation: number | null;
  /** Why the images cannot be trusted (empty when they can). */
  problems: string[];
}

const THUMBNAIL = 32;
/**
 * At most this many pixels are read per image: a sample is enough for these statistics, and
 * the loop runs on the main thread for every request (at 1 << 18 it read every pixel of a
 * 640x640 image and took 36 % of the service's main thread at 50 clients). 1 << 15 reads every
 * third pixel of every third row of a 640x640 image, about 44 per thumbnail cell.
 */
const MAX_SAMPLES = 1 << 15;

interface GreyStats {
  mean: number;
  contrast: number;
  saturatedFraction: number;
  darkFraction: number;
  thumbnail: Float64Array;
}

/** Grey statistics and a block-mean thumbnail, reading every `step`-th pixel of every `step`-th row. */
function greyStats(image: DecodedImage): GreyStats {
  const pixels = decodedPixels(image);
  const { width, height, channels } = image;
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / MAX_SAMPLES)));
  const sums = new Float64Array(THUMBNAIL * THUMBNAIL);
  const counts = new Float64Array(THUMBNAIL * THUMBNAIL);
  let n = 0;
  let sum = 0;
  let squares = 0;
  let saturated = 0;
  let dark = 0;
  for (let y = 0; y < height; y += step) {
    const row = y * width;
    const cellRow = Math.floor((y * THUMBNAIL) / height) * THUMBNAIL;
    for (let x = 0; x < width; x += step) {
      const at = (row + x) * channels;
      // Rec. 601 luma for colour, the value itself for grey.
      const grey =
        channels === 1
          ? (pixels[at] as number)
          : 0.299 * (pixels[at] as number) +
            0.587 * (pixels[at + 1] as number) +
            0.114 * (pixels[at + 2] as number);
      n++;
      sum += grey;
      squares += grey * grey;
      if (grey >= 250) saturated++;
      if (grey <= 5) dark++;
      const cell = cellRow + Math.floor((x * THUMBNAIL) / width);
      sums[cell] = (sums[cell] as number) + grey;
      counts[cell] = (counts[cell] as number) + 1;
    }
  }
  const mean = sum / n;
  for (let i = 0; i < sums.length; i++)
    sums[i] = (counts[i] as number) > 0 ? (sums[i] as number) / (counts[i] as number) : mean;
  return {
    mean,
    contrast: Math.sqrt(Math.max(0, squares / n - mean * mean)),
    saturatedFraction: saturated / n,
    darkFraction: dark / n,
    thumbnail: sums,
  };
}

/** Grey levels of thumbnail spread below which a thumbnail shows no structure to register. */
const FLAT_THUMBNAIL = 4;

/** Pearson correlation of two thumbnails; null when either is flat (no structure to register). */
function registration(a: Float64Array, b: Float64Array): number | null {
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < a.length; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= a.length;
  meanB /= b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - meanA;
    const db = (b[i] as number) - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  if (Math.sqrt(aa / a.length) < FLAT_THUMBNAIL || Math.sqrt(bb / b.length) < FLAT_THUMBNAIL) return null;
  return ab / Math.sqrt(aa * bb);
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Measures `image` (and how well `reference` matches it) and lists what fails `options`. */
export function measureImageQuality(
  image: DecodedImage,
  reference: DecodedImage | undefined,
  options: ResolvedImageQualityOptions,
): ImageQuality {
  const stats = greyStats(image);
  const problems: string[] = [];
  if (stats.contrast < options.minContrast) {
    const kind =
      stats.mean < 64 ? 'blank (dark)' : stats.mean > 192 ? 'saturated (bright)' : 'without contrast';
    problems.push(
      `the image is ${kind}: grey-level spread ${round(stats.contrast, 1)} is below ${options.minContrast}`,
    );
  }
  if (stats.saturatedFraction > options.maxSaturatedFraction)
    problems.push(
      `${round(stats.saturatedFraction * 100, 1)}% of pixels are saturated, above ${round(options.maxSaturatedFraction * 100, 1)}%`,
    );
  if (stats.darkFraction > options.maxDarkFraction)
    problems.push(
      `${round(stats.darkFraction * 100, 1)}% of pixels are black, above ${round(options.maxDarkFraction * 100, 1)}%`,
    );
  let referenceCorrelation: number | null = null;
  if (reference !== undefined) {
    const referenceStats = greyStats(reference);
    // A blank reference behind a structured image: a wrong or failed capture, not a bare region.
    if (referenceStats.contrast < options.minContrast && stats.contrast >= 10 * options.minContrast)
      problems.push(
        `the reference is uniform (grey-level spread ${round(referenceStats.contrast, 1)}) while the image is not: another board, or a failed capture`,
      );
    const measured = registration(stats.thumbnail, referenceStats.thumbnail);
    referenceCorrelation = measured === null ? null : round(measured, 3);
    if (
      options.minReferenceCorrelation > 0 &&
      referenceCorrelation !== null &&
      referenceCorrelation < options.minReferenceCorrelation
    )
      problems.push(
        `the reference does not match the image (correlation ${referenceCorrelation} below ${options.minReferenceCorrelation}): another board, or not registered`,
      );
  }
  return {
    mean: round(stats.mean, 1),
    contrast: round(stats.contrast, 1),
    saturatedFraction: round(stats.saturatedFraction, 4),
    darkFraction: round(stats.darkFraction, 4),
    referenceCorrelation,
    problems,
  };
}

function checkUnit(field: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && value <= 1))
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a number between 0 and 1 for imageQuality.${field}, got ${String(value)}`,
      {
        details: { field: `imageQuality.${field}` },
      },
    );
}

/** Fills defaults and checks every threshold once; throws ChipqError INVALID_INPUT naming the field. */
export function resolveImageQualityOptions(options: ImageQualityOptions = {}): ResolvedImageQualityOptions {
  const resolved = { ...DEFAULT_IMAGE_QUALITY, ...options };
  if (typeof resolved.enabled !== 'boolean')
    throw new ChipqError(
      'INVALID_INPUT',
      `expected true or false for imageQuality.enabled, got ${String(resolved.enabled)}`,
      {
        details: { field: 'imageQuality.enabled' },
      },
    );
  if (!(typeof resolved.minContrast === 'number' && resolved.minContrast >= 0 && resolved.minContrast <= 128))
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a number between 0 and 128 for imageQuality.minContrast, got ${String(resolved.minContrast)}`,
      { details: { field: 'imageQuality.minContrast' } },
    );
  checkUnit('maxSaturatedFraction', resolved.maxSaturatedFraction);
  checkUnit('maxDarkFraction', resolved.maxDarkFraction);
  checkUnit('minReferenceCorrelation', resolved.minReferenceCorrelation);
  return resolved;
}
