/**
 * System shared memory with a real Triton: inputs written to /dev/shm regions that Triton maps,
 * the regions reused across requests, and every region unregistered and deleted on close.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import { SharedMemoryPool } from '../../packages/core/src/engine/triton/triton-shared-memory.js';
import type { InferRequest } from '../../packages/core/src/kserve/kserve-types.js';
import { createTritonClient } from '../../packages/core/src/triton-client/create-triton-client.js';
import type { TritonClient } from '../../packages/core/src/triton-client/triton-client.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();
const ours = () => readdirSync('/dev/shm').filter((name) => name.startsWith(`chipq-${process.pid}-`));

(availability.available ? describe : describe.skip)(
  availability.available ? 'system shared memory' : `system shared memory (skipped: ${availability.reason})`,
  () => {
    let server: TritonServer;
    let client: TritonClient;
    beforeAll(async () => {
      server = await startTritonServer({ name: 'triton-shm', loadModels: ['uint8_pair'] });
      client = createTritonClient({ url: server.grpcUrl });
    });
    afterAll(async () => {
      client?.close();
      await server?.stop();
    });

    it('sends inputs through registered regions and removes them on close', async () => {
      expect(existsSync('/dev/shm')).toBe(true);
      const engine = await createTritonEngine({ url: server.grpcUrl, sharedMemory: 'system' });
      const size = 64 * 64;
      const request: InferRequest = {
        model: 'uint8_pair',
        version: '1',
        inputs: [
          { name: 'image', datatype: 'UINT8', shape: [1, 1, 64, 64], data: new Uint8Array(size).fill(9) },
          { name: 'reference', datatype: 'UINT8', shape: [1, 1, 64, 64], data: new Uint8Array(size).fill(2) },
        ],
      };
      for (let i = 0; i < 3; i++) {
        const result = await engine.infer(request);
        expect(Array.from(result.outputs[0]?.data as Float32Array)).toEqual([7]);
      }
      // Sequential requests reuse one region; Triton knows it under our name.
      expect(ours()).toHaveLength(1);
      const regions = await client.systemSharedMemoryStatus();
      expect(regions.map((r) => r.name)).toEqual(ours());
      expect(regions[0]).toMatchObject({ offset: 0, key: `/${ours()[0]}` });

      await engine.close();
      expect(ours()).toEqual([]);
      expect(await client.systemSharedMemoryStatus()).toEqual([]);
    });

    it('gives a region back when writing into it fails', async () => {
      const pool = new SharedMemoryPool(client);
      const good = { name: 'image', datatype: 'UINT8' as const, shape: [1, 4], data: new Uint8Array(4) };
      // A tensor whose buffer was handed to another thread: writing it throws after the region was acquired.
      const gone = new ArrayBuffer(4);
      const detached = { ...good, name: 'reference', data: new Uint8Array(gone) };
      structuredClone(gone, { transfer: [gone] });
      await expect(pool.write([good, detached], { timeoutMs: 10_000 })).rejects.toThrow(TypeError);
      // The region is free again: the next write takes it instead of registering another.
      const { region } = await pool.write([good], { timeoutMs: 10_000 });
      expect(ours()).toEqual([region.name]);
      pool.release(region, true);
      await pool.close();
      expect(ours()).toEqual([]);
    });
  },
);
