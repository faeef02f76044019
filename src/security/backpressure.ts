import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

// Load shedding: while the event loop lags (or memory is past its ceiling), new requests get a quick
// 503 with Retry-After instead of joining a queue that would time out anyway. Telegram and WhatsApp
// redeliver on 503, the web chat shows "try again". /healthz still answers: the process is alive, and a
// supervisor must not restart a server that is only busy. /readyz does get the 503, so a load balancer
// sends the traffic to another instance meanwhile.

export interface PressureSettings {
  maxEventLoopDelayMs: number;
  maxEventLoopUtilization: number;
  maxHeapBytes: number;
  maxRssBytes: number;
  retryAfterSeconds: number;
}

export class OverloadedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('FV_ERR_OVERLOADED', `Serverul este foarte ocupat; încercați din nou peste ${retryAfterSeconds} s. (The server is overloaded; retry in ${retryAfterSeconds} s.)`, 503);
  }
}

const alwaysServed = new Set(['/healthz']);

/**
 * Loading the knowledge base and building its indexes blocks the event loop while the app starts; the
 * first samples after start measure that, not the traffic, and must not turn the first citizens away.
 */
const settleAfterReadyMs = 3000;

export async function registerBackpressure(app: FastifyInstance, settings: PressureSettings): Promise<void> {
  let sheddingAllowedFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    sheddingAllowedFrom = Date.now() + settleAfterReadyMs;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: settings.maxEventLoopDelayMs,
    maxEventLoopUtilization: settings.maxEventLoopUtilization,
    // The last second, not the average since start: a busy minute an hour ago says nothing about now.
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: settings.maxHeapBytes,
    maxRssBytes: settings.maxRssBytes,
    retryAfter: settings.retryAfterSeconds,
    pressureHandler: (request, reply, type, value) => {
      if (request.routeOptions.url && alwaysServed.has(request.routeOptions.url)) return undefined;
      if (Date.now() < sheddingAllowedFrom) return undefined;
      request.log.warn({ pressure: type, value }, 'shedding load');
      reply.header('retry-after', String(settings.retryAfterSeconds));
      // A rejection goes through the app's error handler: the same coded JSON error as everywhere.
      return Promise.reject(new OverloadedError(settings.retryAfterSeconds));
    },
  });
}
