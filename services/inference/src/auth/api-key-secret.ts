/**
 * The shape of an API key and how it is checked. A key is `chipq_<id>_<secret>`: the id (8
 * base32 characters) is public, shown in lists and logs; the secret is 32 random bytes
 * (256 bits, base64url). Only the SHA-256 of the whole key is stored.
 *
 * Why SHA-256 and not scrypt/argon2: those slow hashes protect low-entropy passwords against
 * guessing. A 256-bit random secret cannot be guessed whatever the hash, so a fast hash loses no
 * safety and keeps every authenticated request at microseconds instead of tens of milliseconds
 * of CPU (scrypt at its recommended cost would halve predict throughput on two cores). The
 * bootstrap key from CHIPQ_ADMIN_KEY is chosen by a person, so it must be at least 32
 * characters long (see load-config.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyPattern = /^chipq_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Hex SHA-256 of a key, as stored in `api_keys.secret_sha256`. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when `key` hashes to `expectedSha256` (constant time). */
export function keyMatches(key: string, expectedSha256: string): boolean {
  const actual = Buffer.from(hashKey(key), 'hex');
  const expected = Buffer.from(expectedSha256, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A new key with its public id. */
export function generateKey(): { id: string; key: string } {
  const idBytes = randomBytes(8);
  const id = Array.from(idBytes, (b) => base32[b % 32]).join('');
  return { id, key: `chipq_${id}_${randomBytes(32).toString('base64url')}` };
}

/** The public id of a key in chipq's format, or undefined for any other string. */
export function keyId(key: string): string | undefined {
  return keyPattern.exec(key)?.[1];
}
