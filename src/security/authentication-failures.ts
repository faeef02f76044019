import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import '../gateway/sender-identity.ts';

// Webhooks are authenticated by a shared secret (Telegram), a signature (WhatsApp) or a signed token
// (Bot Framework). Their per-sender budget cannot slow a guesser down: the sender is read from a body the
// guesser writes. So failed authentications are counted per address, and an address that keeps failing
// is refused before its secret is even compared. The platforms' own addresses never fail unless the
// secret is misconfigured, in which case every one of their requests fails anyway.

/** The statuses that mean a request did not prove itself. */
const failedStatuses = new Set([401, 403]);

export const authenticationFailureLimits = {
  /** Failed authentications from one address within the window before it is refused (default of WEBHOOK_AUTH_FAILURES_PER_IP). */
  failuresPerIp: 30,
  windowMs: 10 * 60_000,
  /** Addresses tracked at once; the oldest are forgotten first (a flood of addresses cannot grow memory). */
  addressesRemembered: 20_000,
} as const;

export class AuthenticationFailuresError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'FV_ERR_AUTHENTICATION_FAILURES',
      `Prea multe autentificări eșuate de la această adresă; încercați din nou peste ${retryAfterSeconds} s. (Too many failed authentications from this address.)`,
      429,
    );
  }
}

interface Window {
  startedAt: number;
  failures: number;
}

/** Fixed windows per address, in a Map kept in insertion order so the oldest can be dropped. */
export class FailureCounter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: { failuresPerIp: number; windowMs: number; addressesRemembered: number } = authenticationFailureLimits) {}

  /** Seconds until the address may try again, or undefined when it may try now. */
  refusedFor(address: string, now = Date.now()): number | undefined {
    const window = this.current(address, now);
    if (!window || window.failures < this.limits.failuresPerIp) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + this.limits.windowMs - now) / 1000));
  }

  record(address: string, now = Date.now()): void {
    const window = this.current(address, now) ?? { startedAt: now, failures: 0 };
    window.failures += 1;
    this.windows.delete(address);
    this.windows.set(address, window);
    if (this.windows.size > this.limits.addressesRemembered) this.windows.delete(this.windows.keys().next().value!);
  }

  private current(address: string, now: number): Window | undefined {
    const window = this.windows.get(address);
    if (window && now - window.startedAt >= this.limits.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}

function prependHook(routeOptions: RouteOptions, hook: 'onRequest' | 'onResponse', handler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>): void {
  const existing = routeOptions[hook];
  routeOptions[hook] = [handler as unknown, ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing])] as never;
}

export function registerAuthenticationFailureLimit(app: FastifyInstance, failuresPerIp: number = authenticationFailureLimits.failuresPerIp): void {
  const counter = new FailureCounter({ ...authenticationFailureLimits, failuresPerIp });
  // Which routes prove themselves with a secret, each channel declares (src/app.ts decorates the declarations).
  const authenticatedRoutes = new Set(app.hasDecorator('channelRoutes') ? app.channelRoutes.authenticatedRoutes : []);
  const refuseRepeatedFailures = async (request: FastifyRequest, reply: FastifyReply) => {
    const retryAfter = counter.refusedFor(request.ip);
    if (retryAfter === undefined) return;
    reply.header('retry-after', String(retryAfter));
    request.log.warn({ route: request.routeOptions.url }, 'webhook refused: too many failed authentications from this address');
    throw new AuthenticationFailuresError(retryAfter);
  };
  const countFailure = async (request: FastifyRequest, reply: FastifyReply) => {
    if (failedStatuses.has(reply.statusCode)) counter.record(request.ip);
  };
  app.addHook('onRoute', (routeOptions) => {
    const methods = Array.isArray(routeOptions.method) ? routeOptions.method : [routeOptions.method];
    if (!methods.some((method) => authenticatedRoutes.has(`${method} ${routeOptions.url}`))) return;
    // First of the route's own hooks: a refused address does not even get its secret compared.
    prependHook(routeOptions, 'onRequest', refuseRepeatedFailures);
    prependHook(routeOptions, 'onResponse', countFailure);
  });
}
