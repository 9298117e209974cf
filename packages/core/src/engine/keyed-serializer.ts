/**
 * Runs the work given for one key one after another, in call order; different keys run
 * independently. Both engines use it so that loads and unloads of one model never overlap and
 * the last call decides the outcome. A key's entry is dropped once its queue is empty.
 */
export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** `work` once every earlier work for `key` has settled; its own outcome is returned. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#tails.set(key, settled);
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return next;
  }
}
