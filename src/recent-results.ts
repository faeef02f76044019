/**
 * Results worked out from a key, remembered for the keys asked lately: a message is read by many rules, and
 * words and texts recur across messages. The memory is emptied when it holds `limit` keys, which keeps it
 * bounded without tracking which key is oldest.
 */
export class RecentResults<Key, Value> {
  private readonly values = new Map<Key, Value>();

  constructor(private readonly limit: number) {}

  get(key: Key, workOut: (key: Key) => Value): Value {
    const remembered = this.values.get(key);
    if (remembered !== undefined) return remembered;
    const value = workOut(key);
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(key, value);
    return value;
  }

  /** Forgets everything, for when what the results depend on changed. */
  clear(): void {
    this.values.clear();
  }
}
