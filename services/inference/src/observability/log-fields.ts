/**
 * Makes a log line's fields safe to write: errors become plain objects with their cause chain
 * (code, details, stack), byte buffers become their length (never image bytes), anything whose
 * key looks like a secret (authorization, cookie, password, token, secret, any `*key*`) is
 * redacted, BigInts become strings, cycles become "[Circular]", and depth is bounded. Written
 * here rather than with pino's `redact` because redaction must reach any depth and into error
 * details, which pino's path patterns cannot express.
 */
const secretKey = /authorization|cookie|passw(or)?d|secret|token|key/i;
/** Keys that contain "key" but name no secret (ids, names, counts). */
const notSecret = /^(key_?id|key_?name|keys?_?count|idempotency_?key)$/i;
const maxDepth = 8;

const redacted = '[Redacted]';

function isSecretKey(key: string): boolean {
  return secretKey.test(key) && !notSecret.test(key);
}

function safeLogValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[${value.constructor.name} ${value.byteLength} bytes]`;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= maxDepth) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorFields(value, seen, depth);
    if (Array.isArray(value)) return value.map((item) => safeLogValue(item, seen, depth + 1));
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Headers) return safeLogValue(Object.fromEntries(value.entries()), seen, depth);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? redacted : safeLogValue(item, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function errorFields(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  for (const [key, item] of Object.entries(error)) {
    if (key !== 'cause') out[key] = isSecretKey(key) ? redacted : safeLogValue(item, seen, depth + 1);
  }
  out.stack = error.stack;
  if (error.cause !== undefined) out.cause = safeLogValue(error.cause, seen, depth + 1);
  return out;
}

/** All of a line's fields, made safe. */
export function safeLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return safeLogValue(fields) as Record<string, unknown>;
}
