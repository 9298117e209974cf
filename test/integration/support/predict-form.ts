/** A predict request body: a small image with a defect in its top-left corner and its blank reference. */
import { blank, topLeftDefect } from '../../../services/inference/test/helpers/png.js';

export function predictForm(): FormData {
  const form = new FormData();
  form.set('image', new Blob([Buffer.from(topLeftDefect())]), 'image.png');
  form.set('reference', new Blob([Buffer.from(blank())]), 'reference.png');
  return form;
}
