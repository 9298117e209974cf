/**
 * System shared memory for a Triton on the same host: input tensors are written into POSIX shared
 * memory objects (`/dev/shm/chipq-<pid>-<n>`) that Triton maps once (SystemSharedMemoryRegister,
 * always at offset 0), so an image's bytes cross no socket and no protobuf. Outputs still come
 * back in the gRPC response (detections are small).
 *
 * Regions are pooled: a request takes a free region large enough (or registers a new one, sized
 * to the next power of two), and gives it back once Triton answered — only then has Triton
 * finished reading it. A region whose request failed or was cancelled may still be read by
 * Triton, so it is unregistered and deleted instead of reused.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../kserve/kserve-types.js';
import type { SharedMemoryRef } from '../../triton-client/codec/tensor-codec.js';
import type { TritonCallOptions, TritonClient } from '../../triton-client/triton-client.js';

interface Region {
  name: string;
  path: string;
  fd: number;
  byteSize: number;
}

/** Inputs start at multiples of 64 bytes, a cache line. */
const ALIGN = 64;
const MIN_REGION_BYTES = 64 * 1024;
/** Free regions kept for reuse; more are deleted. */
const MAX_FREE = 16;

export class SharedMemoryPool {
  readonly #client: TritonClient;
  readonly #prefix = `chipq-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #free: Region[] = [];
  readonly #all = new Set<Region>();
  #count = 0;

  constructor(client: TritonClient) {
    this.#client = client;
  }

  /** Writes `tensors` into a region and returns it with each input's place in it. */
  async write(
    tensors: readonly Tensor[],
    call: TritonCallOptions,
  ): Promise<{ region: Region; refs: Record<string, SharedMemoryRef> }> {
    let total = 0;
    for (const tensor of tensors) total = align(total) + tensor.data.byteLength;
    const region = await this.#acquire(total, call);
    try {
      const refs: Record<string, SharedMemoryRef> = {};
      let offset = 0;
      for (const tensor of tensors) {
        offset = align(offset);
        const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
        writeSync(region.fd, bytes, 0, bytes.byteLength, offset);
        refs[tensor.name] = { region: region.name, offset, byteSize: bytes.byteLength };
        offset += bytes.byteLength;
      }
      return { region, refs };
    } catch (error) {
      // No request names the region yet, so Triton never read it: it can be reused at once.
      this.release(region, true);
      throw error;
    }
  }

  /** Gives `region` back after its request ended; `reusable` only when Triton answered. */
  release(region: Region, reusable: boolean): void {
    if (reusable && this.#free.length < MAX_FREE && this.#all.has(region)) this.#free.push(region);
    else void this.#destroy(region);
  }

  /** Unregisters and deletes every region. */
  async close(): Promise<void> {
    this.#free.length = 0;
    await Promise.all([...this.#all].map((region) => this.#destroy(region)));
  }

  async #acquire(byteSize: number, call: TritonCallOptions): Promise<Region> {
    const index = this.#free.findIndex((region) => region.byteSize >= byteSize);
    if (index >= 0) return this.#free.splice(index, 1)[0] as Region;
    const name = `${this.#prefix}-${this.#count++}`;
    const path = join('/dev/shm', name);
    const size = Math.max(MIN_REGION_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, byteSize))));
    const fd = openSync(path, 'w+', 0o600);
    const region: Region = { name, path, fd, byteSize: size };
    this.#all.add(region);
    try {
      ftruncateSync(fd, size);
      await this.#client.systemSharedMemoryRegister(
        { name, key: `/${name}`, offset: 0, byteSize: size },
        call,
      );
    } catch (error) {
      await this.#destroy(region, false);
      throw error;
    }
    return region;
  }

  async #destroy(region: Region, registered = true): Promise<void> {
    if (!this.#all.delete(region)) return;
    if (registered)
      await this.#client
        .systemSharedMemoryUnregister(region.name, { timeoutMs: 5000 })
        .catch(() => undefined);
    closeSync(region.fd);
    try {
      unlinkSync(region.path);
    } catch {
      // already gone
    }
  }
}

function align(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}
