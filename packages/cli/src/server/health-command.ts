import type { CliIo } from '../cli-io.js';
import { CliError, exitCodes } from '../exit-codes.js';

export async function healthCommand(_args: readonly string[], _io: CliIo): Promise<number> {
  throw new CliError(exitCodes.unavailable, 'chipq health is not available yet');
}
