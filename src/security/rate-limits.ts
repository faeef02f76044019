import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import type { ChannelRouteDeclarations, ChannelSenderIdentity } from '../gateway/sender-identity.ts';

// Two budgets per minute: one per client IP on every route (someone hammering the server), one per
// sender on the routes that carry a citizen's message (someone flooding the queue of the language
// model). A platform's webhook comes from the platform's few addresses, shared by every citizen: it is
// limited per sender only, the sender read from the update itself. Which routes those are, and where
// their sender is, each channel declares (ChannelDefinition.senderIdentities): nothing here names one.

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      'FV_ERR_RATE_LIMITED',
      `Prea multe mesaje într-un timp scurt; încercați din nou peste ${retryAfterSeconds} s. (Too many requests; retry in ${retryAfterSeconds} s.)`,
      429,
    );
  }
}

export class DailySessionLimitError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      'FV_ERR_WEBCHAT_SESSIONS_PER_DAY',
      `Prea multe conversații noi de la această adresă astăzi; continuați conversația deschisă sau reveniți peste ${Math.ceil(retryAfterSeconds / 3600)} h. (Too many new chat sessions from this address today.)`,
      429,
    );
  }
}

export interface RateLimitSettings {
  perIpPerMinute: number;
  perSenderPerMinute: number;
  /** New web chat sessions one address may open per day: each is stored for the retention period. */
  webchatSessionsPerIpPerDay: number;
}

const dayMs = 24 * 60 * 60_000;

/** Senders and addresses tracked at once (least recently seen forgotten first). */
const keysRemembered = 20_000;

type SenderOf = (request: FastifyRequest) => string | undefined;

/** Liveness must answer while the process serves (load balancers, systemd, Docker probe it often). */
const exempt = new Set(['GET /healthz', 'HEAD /healthz']);

function prefixed(channel: string, id: string | undefined): string | undefined {
  return id === undefined ? undefined : `${channel}:${id}`;
}

/** The channels' declarations by route: platform webhooks (sender only) and session routes (address and session). */
function routesOf(identities: readonly ChannelSenderIdentity[]): { platformWebhooks: Map<string, SenderOf>; sessionRoutes: Map<string, SenderOf> } {
  const platformWebhooks = new Map<string, SenderOf>();
  const sessionRoutes = new Map<string, SenderOf>();
  for (const identity of identities) {
    const senderOf: SenderOf = (request) => prefixed(identity.channel, identity.senderOf(request));
    (identity.kind === 'platform-webhook' ? platformWebhooks : sessionRoutes).set(identity.route, senderOf);
  }
  return { platformWebhooks, sessionRoutes };
}

function addHook(routeOptions: RouteOptions, hook: 'onRequest' | 'preValidation', handler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>): void {
  const existing = routeOptions[hook];
  routeOptions[hook] = (existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]).concat(handler) as never;
}

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number; remaining?: number }>;

export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  // The channels' own declarations (src/app.ts decorates them before the protection layer registers).
  const declarations: ChannelRouteDeclarations = app.hasDecorator('channelRoutes') ? app.channelRoutes : { senderIdentities: [], recordCreatingRoutes: [], authenticatedRoutes: [] };
  const { platformWebhooks, sessionRoutes } = routesOf(declarations.senderIdentities);
  /** Routes that create something kept for months: a daily budget per IP on top of the per-minute one. */
  const dailyRoutes = new Set(declarations.recordCreatingRoutes);
  // global: false — the plugin attaches nothing by itself; routes may still opt into a stricter limit
  // of their own with `config: { rateLimit: {...} }` (e.g. a login form).
  await app.register(rateLimit, { global: false, cache: keysRemembered });

  const ipKey = Symbol('rate-limit ip key');
  const senderKey = Symbol('rate-limit sender key');
  type Keyed = FastifyRequest & { [ipKey]?: string; [senderKey]?: string };
  const limiter = (max: number, key: symbol, timeWindow = 60_000): Limiter => {
    // `cache` sizes this limiter's own store (the plugin reads it although its types do not list it).
    const options = { max, timeWindow, cache: keysRemembered, keyGenerator: (request: FastifyRequest) => (request as Keyed)[key as typeof ipKey] ?? request.ip };
    return app.createRateLimit(options) as Limiter;
  };
  const perIp = limiter(settings.perIpPerMinute, ipKey);
  const perSender = limiter(settings.perSenderPerMinute, senderKey);
  // Held in memory like the others: a restart forgets the day's count, which only ever lets more through.
  const perIpPerDay = limiter(settings.webchatSessionsPerIpPerDay, ipKey, dayMs);

  const enforce = async (limiter: Limiter, request: FastifyRequest, reply: FastifyReply, budget: 'ip' | 'sender') => {
    const outcome = await limiter(request);
    if (outcome.isAllowed || !outcome.isExceeded) return;
    const retryAfter = Math.max(1, outcome.ttlInSeconds ?? 60);
    reply.header('retry-after', String(retryAfter));
    reply.header('x-ratelimit-limit', String(outcome.max ?? 0));
    reply.header('x-ratelimit-remaining', '0');
    request.log.warn({ budget, route: request.routeOptions.url }, 'rate limit exceeded');
    throw new RateLimitedError(retryAfter);
  };

  const limitIp = async (request: FastifyRequest, reply: FastifyReply) => {
    (request as Keyed)[ipKey] = `ip:${request.ip}`;
    await enforce(perIp, request, reply, 'ip');
  };
  const limitDaily = async (request: FastifyRequest, reply: FastifyReply) => {
    (request as Keyed)[ipKey] = `ip:${request.ip}`;
    const outcome = await perIpPerDay(request);
    if (outcome.isAllowed || !outcome.isExceeded) return;
    const retryAfter = Math.max(1, outcome.ttlInSeconds ?? 3600);
    reply.header('retry-after', String(retryAfter));
    request.log.warn({ budget: 'ip-per-day', route: request.routeOptions.url }, 'rate limit exceeded');
    throw new DailySessionLimitError(retryAfter);
  };
  const limitSender = (senderOf: SenderOf) => async (request: FastifyRequest, reply: FastifyReply) => {
    let sender: string | undefined;
    try {
      sender = senderOf(request);
    } catch {
      sender = undefined;
    }
    // No sender in the body (a delivery receipt, a malformed update): the route's own checks decide.
    if (sender === undefined) return;
    (request as Keyed)[senderKey] = sender;
    await enforce(perSender, request, reply, 'sender');
  };

  app.addHook('onRoute', (routeOptions) => {
    const methods = Array.isArray(routeOptions.method) ? routeOptions.method : [routeOptions.method];
    for (const method of methods) {
      const route = `${method} ${routeOptions.url}`;
      if (exempt.has(route)) return;
      const webhookSender = platformWebhooks.get(route);
      if (webhookSender) {
        // After parsing, so the sender can be read; after the route's own secret check in onRequest.
        addHook(routeOptions, 'preValidation', limitSender(webhookSender));
        return;
      }
    }
    addHook(routeOptions, 'onRequest', limitIp);
    if (methods.some((method) => dailyRoutes.has(`${method} ${routeOptions.url}`))) addHook(routeOptions, 'onRequest', limitDaily);
    for (const method of methods) {
      const sessionSender = sessionRoutes.get(`${method} ${routeOptions.url}`);
      // Params are known at onRequest: a flood is refused before its body is even read.
      if (sessionSender) addHook(routeOptions, 'onRequest', limitSender(sessionSender));
    }
  });
}
