/**
 * The SDK client for `--server` / `CHIPQ_SERVER_URL`, and the one place SDK and network
 * failures become CLI errors: a refused request keeps the service's code, an unreachable server
 * is NETWORK_ERROR (exit code 4).
 */
import { ChipqApiError, type ChipqClient, createChipqClient } from '@chipq/sdk';
import { CliError, exitCodes, unavailableCodes, usageError } from './exit-codes.js';

/** The server URL from `--server`, else `CHIPQ_SERVER_URL`; a usage error when neither is set. */
export function serverUrl(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const url = option ?? (env.CHIPQ_SERVER_URL || undefined);
  if (url === undefined) throw usageError('name the server with --server URL or CHIPQ_SERVER_URL');
  if (!/^https?:\/\/[^/]/.test(url))
    throw usageError(`expected an http(s) URL for the server, got ${JSON.stringify(url)}`);
  return url;
}

/** The API key from `--api-key`, else `CHIPQ_API_KEY`; undefined when neither is set. */
export function apiKeyOption(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const key = option ?? (env.CHIPQ_API_KEY || undefined);
  if (key !== undefined && !/^[\x21-\x7e]+$/.test(key))
    throw usageError('expected an API key without spaces for --api-key or CHIPQ_API_KEY');
  return key;
}

/** A client with the CLI's deadline and API key; retries stay the SDK's (idempotent calls only). */
export function serverClient(url: string, timeoutMs = 60_000, apiKey?: string): ChipqClient {
  return createChipqClient({ baseUrl: url, timeoutMs, ...(apiKey === undefined ? {} : { apiKey }) });
}

/** An error with a string `code`, as the inspect records expect. */
export function codedError(error: unknown, url: string): Error & { code: string } {
  if (error instanceof ChipqApiError)
    return Object.assign(new Error(error.message, { cause: error }), { code: error.code });
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError')
    return Object.assign(new Error(`no answer from ${url} in time`, { cause: error }), {
      code: 'DEADLINE_EXCEEDED',
    });
  if (name === 'AbortError')
    return Object.assign(new Error('cancelled', { cause: error }), { code: 'CANCELLED' });
  const detail =
    (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message ?? String(error);
  return Object.assign(new Error(`cannot reach ${url}: ${detail}`, { cause: error }), {
    code: 'NETWORK_ERROR',
  });
}

/** Runs a management call; failures end the command (exit 4 when the server or model is unavailable, else 3). */
export async function callServer<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const coded = codedError(error, url);
    const exitCode =
      unavailableCodes.has(coded.code) ||
      coded.code === 'DEADLINE_EXCEEDED' ||
      (error instanceof ChipqApiError && error.status >= 500)
        ? exitCodes.unavailable
        : error instanceof ChipqApiError && error.status < 500 && error.status !== 404
          ? exitCodes.usage
          : exitCodes.unavailable;
    const fields =
      error instanceof ChipqApiError && error.errors.length > 0
        ? `\n${error.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`
        : '';
    throw new CliError(exitCode, `${coded.message}${fields}`, { cause: error });
  }
}
