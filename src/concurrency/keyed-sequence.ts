// Work for one key (a citizen, a chat) runs one piece at a time, in arrival order; different keys run
// side by side. A failed piece does not stop the next one. Keys with nothing pending are forgotten.

export class KeyedSequence<Key> {
  private readonly tails = new Map<Key, Promise<unknown>>();

  async run<T>(key: Key, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }
}
