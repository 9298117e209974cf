/**
 * Content-addressed files: bytes stored under `<root>/<sha256>`, written to a temporary name
 * and renamed so a reader never sees half a file. Queued batch images live here (under
 * DATA_DIR/blobs) so they survive a restart without putting image bytes in the database.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChipqError } from '@chipq/core';

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const hashPattern = /^[0-9a-f]{64}$/;

export class BlobStore {
  constructor(readonly root: string) {}

  #path(hash: string): string {
    if (!hashPattern.test(hash))
      throw new ChipqError('INVALID_INPUT', `not a sha256 hash: ${JSON.stringify(hash)}`);
    return path.join(this.root, hash);
  }

  /**
   * Stores `bytes` and returns its hash. When the same content is already there it is not
   * written again, only touched: the garbage collector's grace period counts from the last put.
   */
  async put(bytes: Uint8Array, hash = sha256(bytes)): Promise<string> {
    const target = this.#path(hash);
    const now = new Date();
    if (
      await utimes(target, now, now).then(
        () => true,
        () => false,
      )
    )
      return hash;
    await mkdir(this.root, { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
    return hash;
  }

  /** The bytes stored under `hash`. @throws ChipqError NOT_FOUND when absent. */
  async get(hash: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.#path(hash)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ChipqError('NOT_FOUND', `no stored image with sha256 ${hash} under ${this.root}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async has(hash: string): Promise<boolean> {
    return stat(this.#path(hash)).then(
      () => true,
      () => false,
    );
  }

  async delete(hash: string): Promise<void> {
    await rm(this.#path(hash), { force: true });
  }

  /** Removes a file of this store by name (a blob or a leftover temporary file). */
  async deleteFile(name: string): Promise<void> {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
      throw new ChipqError('INVALID_INPUT', `not a blob file name: ${name}`);
    await rm(path.join(this.root, name), { force: true });
  }
}
