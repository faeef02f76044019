import type { ConversationReference } from 'botbuilder';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeliveryError, type ChannelAdapter, type ChannelContext, type Delivery } from '../../src/gateway/channel-contract.ts';
import { errorBody, UnauthorizedError } from '../../src/errors.ts';
import { BotTokenError } from './bot-credentials.ts';
import { renderActivity } from './cards.ts';
import { findConversation, latestConversation, teamsChannelId } from './conversation-references.ts';
import type { TeamsBot } from './teams-bot.ts';

/** Longest wait for the Bot Connector to accept a message. */
const sendTimeoutMs = 30_000;

/** Errors raised before the request left this machine: trying again cannot post a message twice. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

class SendTimeout extends Error {}

function errorCodesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
    if (typeof current.code === 'string') codes.push(current.code);
  }
  const message = error instanceof Error ? error.message : '';
  for (const code of notSentCodes) if (message.includes(code)) codes.push(code);
  return codes;
}

/**
 * The Bot Connector has no idempotency key, so an answer that may have been posted is not posted again:
 * only refusals (429, 5xx) and connections that never opened are retried; a timeout or a dropped
 * connection after the request left is reported as uncertain (see README, "Outbox").
 */
export function deliveryErrorOf(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof BotTokenError) return new DeliveryError(error.message, error.retryable);
  if (error instanceof SendTimeout) return new DeliveryError(`Teams did not answer within ${sendTimeoutMs / 1000} s; the message may have been posted, so it is not sent again`, false);
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status > 0) {
    const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
    const retryAfterSeconds = Number(headers?.get?.('retry-after'));
    const retryAfterMs = Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : undefined;
    if (status === 429 || status >= 500) return new DeliveryError(`Teams answered ${status}`, true, retryAfterMs);
    // 403: the bot was removed from the team or chat; 404: the conversation is gone. Retrying will not help.
    return new DeliveryError(`Teams refused the message (${status})`, false);
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (errorCodesOf(error).some((code) => notSentCodes.has(code))) return new DeliveryError(`Teams unreachable: ${reason}`, true);
  return new DeliveryError(`Teams delivery uncertain: ${reason}`, false);
}

/**
 * Headers a reverse proxy adds when it passes a request on. A proxy on this machine would look local:
 * whichever of them it uses (nginx sets X-Real-IP, Caddy and HAProxy X-Forwarded-For, RFC 7239 proxies
 * Forwarded), the request came from elsewhere and is refused.
 */
export const forwardingHeaders = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto', 'client-ip', 'true-client-ip', 'x-client-ip', 'via'] as const;

function fromThisMachine(request: FastifyRequest): boolean {
  const address = request.socket.remoteAddress ?? '';
  return ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(address) && forwardingHeaders.every((header) => request.headers[header] === undefined);
}

export class TeamsChannelAdapter implements ChannelAdapter {
  readonly id = teamsChannelId;
  /** The Bot Connector posts every request as a new message. */
  readonly idempotentSend = false;
  private bot: TeamsBot | undefined;

  constructor(private readonly context: ChannelContext) {}

  /** botbuilder and teams-ai take a while to load: only apps with Teams enabled pay for it. */
  private async loadBot(): Promise<TeamsBot> {
    if (!this.bot) {
      const { TeamsBot } = await import('./teams-bot.ts');
      const { config, logger, gateway, state } = this.context;
      this.bot = new TeamsBot({ config, logger, gateway, state });
    }
    return this.bot;
  }

  async registerRoutes(app: FastifyInstance): Promise<void> {
    const bot = await this.loadBot();
    const { localMode } = this.context.config.teams;
    app.post<{ Body: Record<string, unknown> }>(
      '/api/messages',
      {
        schema: {
          body: { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1, maxLength: 64 } } },
        },
      },
      async (request, reply) => {
        if (localMode && !fromThisMachine(request)) {
          throw new UnauthorizedError('FV_ERR_TEAMS_LOCAL_ONLY', 'Teams runs in local mode (no MICROSOFT_APP_ID): only the Bot Framework Emulator on this machine may post activities');
        }
        const result = await bot.handle(request.headers.authorization ?? '', request.body);
        if (result.status === 401) throw new UnauthorizedError('FV_ERR_TEAMS_UNAUTHORIZED', 'The activity does not carry a valid Bot Framework token');
        if (result.status >= 500) return reply.code(500).send(errorBody('FV_ERR_INTERNAL', 'Internal error; the request was logged.'));
        return result.body === undefined ? reply.code(result.status).send() : reply.code(result.status).send(result.body);
      },
    );
  }

  async start(): Promise<void> {
    const { config, logger } = this.context;
    if (config.teams.localMode) logger.warn('Teams in local mode: activities are not authenticated; only requests from this machine are accepted');
    const staffChannel = config.teams.staffConversationId;
    if (staffChannel && !(await this.referenceFor(staffChannel))) {
      logger.warn({ staffChannel }, 'Teams staff channel not seen yet: add the bot to that team; new tickets are not posted to Teams until then');
    }
  }

  async staffRecipients(): Promise<string[]> {
    const staffChannel = this.context.config.teams.staffConversationId;
    return staffChannel && (await this.referenceFor(staffChannel)) ? [staffChannel] : [];
  }

  readiness(): { ready: boolean; reason?: string } {
    return this.bot ? { ready: true } : { ready: false, reason: 'the Teams bot is not loaded' };
  }

  async send(delivery: Delivery): Promise<{ externalId?: string }> {
    const bot = await this.loadBot();
    const reference = await this.referenceFor(delivery.recipient, delivery.recipientChannelData);
    if (!reference) {
      throw new DeliveryError(`no Teams conversation known for "${delivery.recipient}": the clerk must first write to the bot, or the bot be added to the team`, false);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const sending = bot.sendProactive(reference, renderActivity(delivery.message));
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new SendTimeout()), sendTimeoutMs);
      });
      sending.catch(() => undefined);
      return { externalId: await Promise.race([sending, timeout]) };
    } catch (error) {
      throw deliveryErrorOf(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A stored reference, or — for the staff channel configured before the bot saw it — one built from
   * any conversation of the same tenant: Teams lets a bot post in every channel of a team it belongs to.
   */
  private async referenceFor(recipient: string, channelData?: Record<string, unknown> | null): Promise<Partial<ConversationReference> | undefined> {
    const given = channelData?.conversationReference as Partial<ConversationReference> | undefined;
    if (given?.serviceUrl && given.conversation?.id) return given;
    const stored = await findConversation(this.context.state, recipient);
    if (stored) return stored.conversationReference;
    if (recipient !== this.context.config.teams.staffConversationId) return undefined;
    const known = (await latestConversation(this.context.state, 'channel'))?.conversationReference;
    if (!known?.serviceUrl || !known.conversation) return undefined;
    return {
      channelId: known.channelId ?? 'msteams',
      serviceUrl: known.serviceUrl,
      bot: known.bot,
      conversation: { id: recipient, isGroup: true, conversationType: 'channel', tenantId: known.conversation.tenantId, name: '' },
    };
  }
}
