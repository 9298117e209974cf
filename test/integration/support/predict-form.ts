/** Predict request bodies on the diff_detector fixture: a defective image, or an undamaged one, with its blank reference. */
import { blank, topLeftDefect } from '../../../services/inference/test/helpers/png.js';

export function predictForm(): FormData {
  const form = new FormData();
  form.set('image', new Blob([Buffer.from(topLeftDefect())]), 'image.png');
  form.set('reference', new Blob([Buffer.from(blank())]), 'reference.png');
  return form;
}

/** An image identical to its reference: no defect to find. */
export function undamagedForm(): FormData {
  const form = new FormData();
  form.set('image', new Blob([Buffer.from(blank())]), 'image.png');
  form.set('reference', new Blob([Buffer.from(blank())]), 'reference.png');
  return form;
}
