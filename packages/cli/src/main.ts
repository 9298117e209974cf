/**
 * Dispatches `chipq <command>` and turns every failure into a message and an exit code: usage
 * errors print the command's help hint, nothing prints a stack unless CHIPQ_DEBUG is set.
 */
import type { CliIo } from './cli-io.js';
import { CliError, exitCodes } from './exit-codes.js';
import { mainHelp } from './help-text.js';
import { createEmbeddedBackend } from './inspect/embedded-backend.js';
import { inspectCommand, type OpenBackend } from './inspect/inspect-command.js';

declare const CHIPQ_CLI_VERSION: string | undefined;

/** The backend for `chipq inspect`; the SDK-based server backend is loaded only when asked for. */
const openBackend: OpenBackend = async (options) => {
  if (options.target.kind === 'embedded') {
    return createEmbeddedBackend({
      models: options.target.models,
      model: options.model,
      version: options.version,
      threshold: options.threshold,
      timeoutMs: options.timeoutMs,
    });
  }
  const { createServerBackend } = await import('./inspect/server-backend.js');
  return createServerBackend({
    url: options.target.url,
    apiKey: options.target.apiKey,
    model: options.model,
    version: options.version,
    threshold: options.threshold,
    timeoutMs: options.timeoutMs,
  });
};

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(mainHelp);
      return exitCodes.ok;
    case '--version':
    case '-v':
      io.stdout.write(`${typeof CHIPQ_CLI_VERSION === 'string' ? CHIPQ_CLI_VERSION : 'dev'}\n`);
      return exitCodes.ok;
    case 'inspect':
      return inspectCommand(rest, io, openBackend);
    case 'models': {
      const { modelsCommand } = await import('./server/models-command.js');
      return modelsCommand(rest, io);
    }
    case 'review': {
      const { reviewCommand } = await import('./server/review-command.js');
      return reviewCommand(rest, io);
    }
    case 'keys': {
      const { keysCommand } = await import('./server/keys-command.js');
      return keysCommand(rest, io);
    }
    case 'experiments': {
      const { experimentsCommand } = await import('./server/experiments-command.js');
      return experimentsCommand(rest, io);
    }
    case 'health': {
      const { healthCommand } = await import('./server/health-command.js');
      return healthCommand(rest, io);
    }
    default:
      throw new CliError(exitCodes.usage, `unknown command ${JSON.stringify(command)}`);
  }
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`chipq: ${error.message}\n`);
      if (error.exitCode === exitCodes.usage) io.stderr.write('Run `chipq --help` for usage.\n');
      if (io.env.CHIPQ_DEBUG && error.cause)
        io.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
      return error.exitCode;
    }
    // Anything else is a bug: show it whole.
    io.stderr.write(`chipq: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
