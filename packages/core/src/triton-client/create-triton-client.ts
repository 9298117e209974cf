/**
 * The front door of the Triton client: wires the layers (channel, codecs, typed methods) into a
 * TritonClient. Kept apart from the interface so the implementation and the contract do not
 * import each other.
 */
import { TritonChannel } from './channel/channel.js';
import { resolveChannelOptions } from './channel/channel-options.js';
import { GrpcTritonClient } from './grpc-triton-client.js';
import type { TritonClient, TritonClientOptions } from './triton-client.js';

/**
 * Creates a Triton client; the channel connects lazily on the first call.
 * @param options endpoint (default `127.0.0.1:8001`), deadlines, retries, breaker: see TritonChannelOptions.
 * @throws ChipqError INVALID_INPUT for invalid options.
 */
export function createTritonClient(options: TritonClientOptions = {}): TritonClient {
  return new GrpcTritonClient(new TritonChannel(resolveChannelOptions(options)));
}
