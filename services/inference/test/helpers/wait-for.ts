/** Polls `check` until it returns a value (not undefined), for background work; fails after `attempts`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  attempts = 2400,
  everyMs = 25,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
