import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';

// Two budgets per minute: one per client IP on every route (someone hammering the server), one per
// sender on the routes that carry a citizen's message (someone flooding the queue of the language
// model). Webhooks from Telegram, WhatsApp and Teams come from the platforms' few addresses, shared by
// every citizen: they are limited per sender only, the sender being read from the update itself.

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

/** Routes that create something kept for months: a daily budget per IP on top of the per-minute one. */
const dailyRoutes = new Set(['POST /api/webchat/sessions']);
const dayMs = 24 * 60 * 60_000;

/** Senders and addresses tracked at once (least recently seen forgotten first). */
const keysRemembered = 20_000;

type SenderOf = (request: FastifyRequest) => string | undefined;

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const identifier = (value: unknown): string | undefined =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== '' && value.length <= 200) ? String(value) : undefined;

/** Telegram: whoever acts in the update (message author, button presser…), else the chat. */
export function telegramSender(body: unknown): string | undefined {
  const update = asRecord(body);
  if (!update) return undefined;
  for (const value of Object.values(update)) {
    const item = asRecord(value);
    if (!item) continue;
    const id = identifier(asRecord(item.from)?.id) ?? identifier(asRecord(item.user)?.id) ?? identifier(asRecord(item.chat)?.id);
    if (id) return id;
  }
  return undefined;
}

/** WhatsApp Cloud API: the `from` number of the first message; status callbacks carry none. */
export function whatsappSender(body: unknown): string | undefined {
  const entries = asRecord(body)?.entry;
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries.slice(0, 10)) {
    const changes = asRecord(entry)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes.slice(0, 10)) {
      const messages = asRecord(asRecord(change)?.value)?.messages;
      if (!Array.isArray(messages)) continue;
      const from = identifier(asRecord(messages[0])?.from);
      if (from) return from;
    }
  }
  return undefined;
}

/** Bot Framework (Teams): the activity's author. */
export function teamsSender(body: unknown): string | undefined {
  return identifier(asRecord(asRecord(body)?.from)?.id);
}

/** Routes whose sender is in the body (platform webhooks): no per-IP budget, a per-sender one. */
const platformWebhooks: Record<string, SenderOf> = {
  'POST /webhooks/telegram': (request) => prefixed('telegram', telegramSender(request.body)),
  'POST /webhooks/whatsapp': (request) => prefixed('whatsapp', whatsappSender(request.body)),
  'POST /api/messages': (request) => prefixed('teams', teamsSender(request.body)),
};

/** Routes where a citizen writes through a session in the URL: per IP and per session. */
const sessionRoutes: Record<string, SenderOf> = {
  'POST /api/webchat/sessions/:sessionId/messages': (request) => prefixed('webchat', identifier((request.params as { sessionId?: unknown }).sessionId)),
};

/** Liveness must answer while the process serves (load balancers, systemd, Docker probe it often). */
const exempt = new Set(['GET /healthz', 'HEAD /healthz']);

function prefixed(channel: string, id: string | undefined): string | undefined {
  return id === undefined ? undefined : `${channel}:${id}`;
}

function addHook(routeOptions: RouteOptions, hook: 'onRequest' | 'preValidation', handler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>): void {
  const existing = routeOptions[hook];
  routeOptions[hook] = (existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]).concat(handler) as never;
}

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number; remaining?: number }>;

export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
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
      const webhookSender = platformWebhooks[route];
      if (webhookSender) {
        // After parsing, so the sender can be read; after the route's own secret check in onRequest.
        addHook(routeOptions, 'preValidation', limitSender(webhookSender));
        return;
      }
    }
    addHook(routeOptions, 'onRequest', limitIp);
    if (methods.some((method) => dailyRoutes.has(`${method} ${routeOptions.url}`))) addHook(routeOptions, 'onRequest', limitDaily);
    for (const method of methods) {
      const sessionSender = sessionRoutes[`${method} ${routeOptions.url}`];
      // Params are known at onRequest: a flood is refused before its body is even read.
      if (sessionSender) addHook(routeOptions, 'onRequest', limitSender(sessionSender));
    }
  });
}
