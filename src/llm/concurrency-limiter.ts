import { LanguageModelError } from './language-model.ts';

// A small CPU server answers one or two questions at a time; everyone else waits in a FIFO queue
// and is told their place, so the chat can say "one moment, you are 2nd" instead of going silent.

export interface SlotRequest {
  signal?: AbortSignal;
  /** Called on entering the queue and whenever the place changes; 1 = next. */
  onQueued?: (position: number) => void;
  /** How long to wait for a slot before giving up (the citizen then gets the retrieval answer). */
  timeoutMs?: number;
}

/** Frees the slot; calling it twice is harmless. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant: (release: ReleaseSlot) => void;
  onQueued?: (position: number) => void;
}

export class ConcurrencyLimiter {
  private activeCount = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be a positive integer, got ${slots}`);
  }

  get active(): number {
    return this.activeCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(request: SlotRequest = {}): Promise<ReleaseSlot> {
    const { signal, onQueued, timeoutMs } = request;
    if (signal?.aborted) return Promise.reject(abortedWhileQueued());
    if (this.activeCount < this.slots && this.waiters.length === 0) {
      this.activeCount += 1;
      return Promise.resolve(this.releaser());
    }

    return new Promise<ReleaseSlot>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanUp = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (error: LanguageModelError) => {
        const index = this.waiters.indexOf(waiter);
        if (index === -1) return;
        this.waiters.splice(index, 1);
        cleanUp();
        reject(error);
        this.announcePositions(index);
      };
      const onAbort = () => giveUp(abortedWhileQueued());
      const waiter: Waiter = {
        grant: (release) => {
          cleanUp();
          resolve(release);
        },
        onQueued,
      };

      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => giveUp(new LanguageModelError('FV_ERR_LLM_TIMEOUT', `no free model slot within ${timeoutMs} ms`, true)),
          timeoutMs,
        );
      }
      notify(waiter, this.waiters.length);
    });
  }

  /** Runs `task` in a slot, releasing it however the task ends. */
  async run<T>(request: SlotRequest, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(request);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
        next.grant(this.releaser());
        this.announcePositions(0);
      } else {
        this.activeCount -= 1;
      }
    };
  }

  /** Everyone from `fromIndex` on moved one place forward. */
  private announcePositions(fromIndex: number): void {
    for (let index = fromIndex; index < this.waiters.length; index += 1) {
      const waiter = this.waiters[index];
      if (waiter) notify(waiter, index + 1);
    }
  }
}

function notify(waiter: Waiter, position: number): void {
  try {
    waiter.onQueued?.(position);
  } catch {
    // A failing UI callback must not break the queue for everyone else.
  }
}

function abortedWhileQueued(): LanguageModelError {
  return new LanguageModelError('FV_ERR_LLM_ABORTED', 'cancelled while waiting for a model slot', false);
}
