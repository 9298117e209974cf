/**
 * What postprocessing produces: detections in the original image's pixels, and the candidates
 * decoders hand over before thresholds, NMS and the mapping back are applied.
 */
import type { Box } from '../preprocess/image-transform.js';

/** One defect found in an image, its box in original image pixels. */
export interface Detection {
  /** 0-based index into the model's labels. */
  classId: number;
  /** The label, or `class_<id>` when the model has no label for it. */
  className: string;
  /** 0-1. */
  confidence: number;
  box: Box;
}

/** A decoder's raw finding, in tensor pixels. */
export interface Candidate {
  classId: number;
  confidence: number;
  /** Tensor pixels; absent for image-level findings (classification), which cover the whole image. */
  box?: Box;
}
