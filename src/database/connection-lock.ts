import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../errors.ts';

// SQLite gives the whole process one connection. While a transaction awaits between its statements,
// other requests run, and their statements would land inside the open transaction (and be rolled back
// with it). The lock is held for the whole transaction; statements from the code running inside it
// (recognised through AsyncLocalStorage, which follows its awaits) pass, all others wait for the commit.

export class ConnectionLock {
  private readonly owner = new AsyncLocalStorage<symbol>();
  private holder: symbol | undefined;
  private released: Promise<void> = Promise.resolve();

  /** Resolves at once unless another context holds the lock; then when it lets go. */
  async waitUnlessHeld(): Promise<void> {
    while (this.holder !== undefined && this.owner.getStore() !== this.holder) await this.released;
  }

  /** Runs `work` holding the lock; transactions queue behind each other in arrival order. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder !== undefined && this.owner.getStore() === this.holder) {
      throw new AppError('NESTED_TRANSACTION', 'A transaction was opened on the database inside another; pass the open transaction instead.', 500);
    }
    while (this.holder !== undefined) await this.released;
    const token = Symbol('transaction');
    let release!: () => void;
    this.holder = token;
    this.released = new Promise<void>((resolve) => (release = resolve));
    try {
      return await this.owner.run(token, work);
    } finally {
      this.holder = undefined;
      release();
    }
  }
}
