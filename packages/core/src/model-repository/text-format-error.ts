/**
 * The one way the model repository reports a bad file: a MODEL_CONFIG_INVALID ChipqError whose
 * message starts with `file:line:column:` (the form editors and terminals turn into links) and
 * whose details carry the same facts for programs.
 */
import { ChipqError } from '../errors.js';

/**
 * Builds the error for a problem at `line`/`column` of `file`.
 * @param field Dotted path of the field involved (e.g. `input[0].dims`), when there is one.
 */
export function textFormatError(
  file: string,
  line: number,
  column: number,
  message: string,
  field?: string,
): ChipqError {
  const where = field === undefined ? '' : ` (field ${field})`;
  return new ChipqError('MODEL_CONFIG_INVALID', `${file}:${line}:${column}: ${message}${where}`, {
    details: { file, line, column, field },
  });
}
