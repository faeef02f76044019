import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '100', PRESSURE_RETRY_AFTER_SECONDS: '7' });
});

afterAll(async () => {
  await testApp?.close();
});

/** Something synchronous and slow hogs the process, as a flood of work would. */
function blockEventLoop(milliseconds: number): void {
  const until = Date.now() + milliseconds;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('a server whose event loop is drowning', () => {
  it('sheds new requests with 503 and Retry-After, keeps /healthz answering, and recovers', async () => {
    // The load is sampled once a second: keep the loop blocked across a sample.
    const shed = await eventually(
      async () => {
        blockEventLoop(400);
        const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
        return response.statusCode === 503 ? response : undefined;
      },
      10_000,
      'load shedding',
    );
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.json()).toEqual({ error: { code: 'FV_ERR_OVERLOADED', message: expect.stringMatching(/retry in 7 s/) } });

    // While shedding, readiness fails too (a load balancer sends traffic elsewhere), liveness does not.
    const whileShedding = await eventually(
      async () => {
        blockEventLoop(400);
        const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
        const health = await testApp.app.inject({ method: 'GET', url: '/healthz' });
        return ready.statusCode === 503 ? { ready, health } : undefined;
      },
      10_000,
      'readiness to fail under pressure',
    );
    expect(whileShedding.ready.headers['retry-after']).toBe('7');
    expect(whileShedding.health.statusCode).toBe(200);

    // Once the loop breathes again, requests are served.
    await eventually(
      async () => ((await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} })).statusCode === 201 ? true : undefined),
      5_000,
      'recovery',
    );
  });
});
