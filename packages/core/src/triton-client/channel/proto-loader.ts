/**
 * Loads Triton's KServe v2 service definitions from the .proto files shipped in the package
 * (`packages/core/proto/`) at run time with @grpc/proto-loader. The TypeScript types for the same
 * files are generated into `gen/triton` (`pnpm generate`); the options here must match the
 * generator's flags in proto/generate.mjs:
 *
 * - `keepCase`: field names stay as Triton spells them (`raw_input_contents`), so the code reads
 *   like Triton's documentation.
 * - `longs: String`: 64-bit integers arrive as decimal strings, never rounded by the decoder; the
 *   codecs decide where a `number` is safe (shapes, counts, nanoseconds below 2^53 ≈ 104 days).
 * - `enums: String`, `defaults`, `oneofs`: readable enums, absent fields as proto3 defaults, and
 *   the name of the set member of each oneof (`policy_choice: 'latest'`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { HealthDefinition } from '../../../gen/triton/grpc/health/v1/Health.js';
import type { GRPCInferenceServiceDefinition } from '../../../gen/triton/inference/GRPCInferenceService.js';
import { ChipqError } from '../../errors.js';

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

const cache = new Map<string, TritonServiceDefinitions>();

/** Parses the protos once per folder. `protoDir` defaults to the package's own `proto/` folder. */
export function loadTritonServices(protoDir: string = defaultProtoDir()): TritonServiceDefinitions {
  const cached = cache.get(protoDir);
  if (cached) return cached;
  const definition = loadSync(['grpc_service.proto', 'health.proto'], {
    ...protoLoaderOptions,
    includeDirs: [protoDir],
  });
  const services: TritonServiceDefinitions = {
    inference: definition['inference.GRPCInferenceService'] as unknown as GRPCInferenceServiceDefinition,
    health: definition['grpc.health.v1.Health'] as unknown as HealthDefinition,
  };
  cache.set(protoDir, services);
  return services;
}

/** The raw descriptors of our protos (for tests that compare them with Triton's own). */
export function loadTritonProtoDescriptors(protoDir: string = defaultProtoDir()): Record<string, unknown> {
  return loadSync(['grpc_service.proto', 'health.proto'], { keepCase: true, includeDirs: [protoDir] });
}

/**
 * The package's `proto/` folder, found by walking up from this module: `dist/index.{js,cjs}` in
 * the published package, `src/triton-client/channel/` when run from source. Bundlers that inline @chipq/core
 * lose that layout; they pass `protoDir` instead.
 */
function defaultProtoDir(): string {
  let dir = moduleDir();
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, 'proto', 'grpc_service.proto'))) return join(dir, 'proto');
    dir = resolve(dir, '..');
  }
  throw new ChipqError('INTERNAL', `cannot find Triton's .proto files above ${moduleDir()}; pass protoDir`);
}

function moduleDir(): string {
  // The CJS build has __filename and an empty import.meta; the ESM build has only import.meta.
  if (typeof __filename === 'string') return dirname(__filename);
  return dirname(fileURLToPath(import.meta.url));
}
