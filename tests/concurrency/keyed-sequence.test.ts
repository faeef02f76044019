import { describe, expect, it } from 'vitest';
import { KeyedSequence } from '../../src/concurrency/keyed-sequence.ts';

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('KeyedSequence', () => {
  it('runs the work of one key in arrival order, even when an earlier piece is slower', async () => {
    const sequence = new KeyedSequence<number>();
    const finished: string[] = [];
    await Promise.all([
      sequence.run(1, async () => { await pause(30); finished.push('first'); }),
      sequence.run(1, async () => { finished.push('second'); }),
    ]);
    expect(finished).toEqual(['first', 'second']);
  });

  it('runs different keys side by side', async () => {
    const sequence = new KeyedSequence<number>();
    const finished: number[] = [];
    await Promise.all([
      sequence.run(1, async () => { await pause(30); finished.push(1); }),
      sequence.run(2, async () => { finished.push(2); }),
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
