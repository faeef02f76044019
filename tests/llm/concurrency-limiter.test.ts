import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/llm/concurrency-limiter.ts';

describe('concurrency limiter', () => {
  it('grants slots in arrival order and passes a freed slot to the next waiter', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: string[] = [];
    const releaseFirst = await limiter.acquire();
    const releaseSecond = await limiter.acquire();
    const third = limiter.acquire({ onQueued: (position) => order.push(`third@${position}`) }).then((release) => (order.push('third'), release));
    const fourth = limiter.acquire({ onQueued: (position) => order.push(`fourth@${position}`) }).then((release) => (order.push('fourth'), release));
    expect(limiter.waiting).toBe(2);

    releaseSecond();
    releaseSecond();
    (await third)();
    releaseFirst();
    (await fourth)();
    expect(order).toEqual(['third@1', 'fourth@2', 'fourth@1', 'third', 'fourth']);
    expect(limiter.active).toBe(0);
  });

  it('refuses an already aborted request without queueing it', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'FV_ERR_LLM_ABORTED' });
    expect(limiter.waiting).toBe(0);
  });

  it('releases the slot when the task throws', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run({}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.active).toBe(0);
  });
});
