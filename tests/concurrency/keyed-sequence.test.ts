import { describe, expect, it } from 'vitest';
import { KeyedSequence } from '../../src/concurrency/keyed-sequence.ts';

/** A piece of work held until the test lets it go: "slower" by an event, not by a clock. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** One turn of the event loop: every piece that could start now has started. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedSequence', () => {
  it('runs the work of one key in arrival order, even when an earlier piece is slower', async () => {
    const sequence = new KeyedSequence<number>();
    const finished: string[] = [];
    const first = gate();
    const all = Promise.all([
      sequence.run(1, async () => { await first.opened; finished.push('first'); }),
      sequence.run(1, async () => { finished.push('second'); }),
    ]);
    await turn();
    // The second piece had every chance to run: it waits for the first.
    expect(finished).toEqual([]);
    first.open();
    await all;
    expect(finished).toEqual(['first', 'second']);
  });

  it('runs different keys side by side', async () => {
    const sequence = new KeyedSequence<number>();
    const finished: number[] = [];
    const first = gate();
    // Key 1 finishes only after key 2 ran: were the keys queued one behind the other, this would never end.
    await Promise.all([
      sequence.run(1, async () => { await first.opened; finished.push(1); }),
      sequence.run(2, async () => { finished.push(2); first.open(); }),
    ]);
    expect(finished).toEqual([2, 1]);
  });

  it('goes on with the next piece after one fails, and gives each caller its own outcome', async () => {
    const sequence = new KeyedSequence<string>();
    const failing = sequence.run('chat', async () => { throw new Error('download failed'); });
    const next = sequence.run('chat', async () => 'answered');
    await expect(failing).rejects.toThrow('download failed');
    await expect(next).resolves.toBe('answered');
  });
});
