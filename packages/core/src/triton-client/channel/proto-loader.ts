/**
 * Triton's KServe v2 service definitions for @grpc/proto-loader. `pnpm generate` parses
 * `packages/core/proto/*.proto` into `gen/triton/protos.ts` (protobufjs JSON) beside their
 * TypeScript types, so the definitions are part of the module: the same in src (vitest), in
 * dist (ESM and CJS) and in a bundle, with no .proto file to find at run time. The options here
 * must match the generator's flags in proto/generate.mjs:
 *
 * - `keepCase`: field names stay as Triton spells them (`raw_input_contents`), so the code reads
 *   like Triton's documentation.
 * - `longs: String`: 64-bit integers arrive as decimal strings, never rounded by the decoder; the
 *   codecs decide where a `number` is safe (shapes, counts, nanoseconds below 2^53 ≈ 104 days).
 * - `enums: String`, `defaults`, `oneofs`: readable enums, absent fields as proto3 defaults, and
 *   the name of the set member of each oneof (`policy_choice: 'latest'`).
 */
import { fromJSON, loadSync, type Options } from '@grpc/proto-loader';
import type { HealthDefinition } from '../../../gen/triton/grpc/health/v1/Health.js';
import type { GRPCInferenceServiceDefinition } from '../../../gen/triton/inference/GRPCInferenceService.js';
import { tritonProtos } from '../../../gen/triton/protos.js';

const protoLoaderOptions: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface TritonServiceDefinitions {
  inference: GRPCInferenceServiceDefinition;
  health: HealthDefinition;
}

type PackageDefinition = ReturnType<typeof fromJSON>;

/** The built-in protos; or, with `protoDir`, the .proto files in that folder. */
function packageDefinition(options: Options, protoDir?: string): PackageDefinition {
  return protoDir === undefined
    ? fromJSON(tritonProtos as Parameters<typeof fromJSON>[0], options)
    : loadSync(['grpc_service.proto', 'health.proto'], { ...options, includeDirs: [protoDir] });
}

const cache = new Map<string | undefined, TritonServiceDefinitions>();

/**
 * The service definitions, built once. `protoDir` loads grpc_service.proto, model_config.proto
 * and health.proto from a folder instead of the built-in copies.
 */
export function loadTritonServices(protoDir?: string): TritonServiceDefinitions {
  const cached = cache.get(protoDir);
  if (cached) return cached;
  const definition = packageDefinition(protoLoaderOptions, protoDir);
  const services: TritonServiceDefinitions = {
    inference: definition['inference.GRPCInferenceService'] as unknown as GRPCInferenceServiceDefinition,
    health: definition['grpc.health.v1.Health'] as unknown as HealthDefinition,
  };
  cache.set(protoDir, services);
  return services;
}

/** The raw descriptors of the built-in protos (for tests that compare them with Triton's own). */
export function loadTritonProtoDescriptors(): Record<string, unknown> {
  return packageDefinition({ keepCase: true });
}
