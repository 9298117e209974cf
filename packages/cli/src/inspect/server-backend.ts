/** `--server URL`: inspections on a chipq server through @chipq/sdk. */
import { CliError, exitCodes } from '../exit-codes.js';
import type { InspectBackend } from './inspect-backend.js';

export interface ServerBackendOptions {
  url: string;
  model?: string;
  version?: string;
  threshold?: number;
  timeoutMs: number;
}

export async function createServerBackend(options: ServerBackendOptions): Promise<InspectBackend> {
  throw new CliError(exitCodes.unavailable, `server mode is not available yet (${options.url})`);
}
