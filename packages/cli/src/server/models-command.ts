import type { CliIo } from '../cli-io.js';
import { CliError, exitCodes } from '../exit-codes.js';

export async function modelsCommand(_args: readonly string[], _io: CliIo): Promise<number> {
  throw new CliError(exitCodes.unavailable, 'chipq models is not available yet');
}
