// The console's one SDK client, on this page's origin (the service serves the console).
// Every call carries the key saved for this tab (the SDK's `apiKey`, sent as a Bearer token):
// load and unload need an admin key, and reads need a key once the service has issued any.
import { ChipqApiError, type ChipqClient, createChipqClient } from '@chipq/sdk';
import { readApiKey } from './api-key.js';

export function apiClient(): ChipqClient {
  const key = readApiKey();
  return createChipqClient({
    baseUrl: window.location.origin,
    ...(key === undefined ? {} : { apiKey: key }),
  });
}

/** A sentence for the person at the screen: the problem's detail when the API sent one. */
export function describeError(error: unknown): string {
  if (error instanceof ChipqApiError) {
    const fields = error.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return `${error.title}${error.detail ? `: ${error.detail}` : ''}${fields ? ` (${fields})` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
