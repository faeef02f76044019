import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeyedSequence } from '../../../src/concurrency/keyed-sequence.ts';
import { defaultMaximumAttachmentBytes, storeAttachment } from '../../../src/attachments/attachment-store.ts';
import { DeliveryError, type ChannelContext, type Delivery } from '../../../src/gateway/channel-contract.ts';
import { errorBody, UnauthorizedError, UnavailableError, ValidationError } from '../../../src/errors.ts';
import type { Language } from '../../../src/language.ts';
import type { AttachmentPart } from '../../../src/messages.ts';
import type { InboundRouter } from '../inbound-router.ts';
import { whatsappChannelId } from '../inbound-router.ts';
import { outboundFileBytes, type OutboundFile, type RenderedOutbound } from '../outbound-rendering.ts';
import { toBusinessScopedUserId, toWhatsappId } from '../phone-numbers.ts';
import type { WhatsappDriver } from '../whatsapp-driver.ts';
import { mediaMessage, sessionMessages, templateMessage, type GraphMessage } from './cloud-message-building.ts';
import { MediaUnavailableError, translateCloudMessage } from './cloud-message-translation.ts';
import { recordDeliveryStatus } from './delivery-statuses.ts';
import { GraphApiClient, GraphApiError, type GraphMediaInfo } from './graph-api-client.ts';
import { forgetHeldFiles, heldFilesOf, holdFiles } from './held-files.ts';
import { describeAge, serviceWindowOf } from './service-window.ts';
import { whatsappTexts } from '../whatsapp-texts.ts';
import { isValidSignature, safeEqual } from './webhook-signature.ts';
import { cloudWebhookPayloadSchema, describeCloudErrors, describePayloadProblem, reEngagementErrorCode, type CloudMedia, type CloudWebhookPayload } from './webhook-payload.ts';

export interface CloudDriverOptions {
  graphApiRoot: string;
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  templateName: string | undefined;
  templateLanguage: string;
  maxAttachmentBytes?: number;
}

export const webhookPath = '/webhooks/whatsapp';

/**
 * The official WhatsApp Business Cloud API: Meta calls our webhook with messages and delivery statuses,
 * we answer through the Graph API. The webhook only verifies, stores and acknowledges; answers are
 * prepared in the background and delivered by the outbox through `send`.
 */
export class CloudApiDriver implements WhatsappDriver {
  readonly name = 'cloud-api' as const;
  private readonly graph: GraphApiClient;
  /** A recipient's held files are read and written one step at a time: none is released twice or lost. */
  private readonly heldFilesOfRecipient = new KeyedSequence<string>();

  constructor(
    private readonly context: ChannelContext,
    private readonly router: InboundRouter,
    private readonly options: CloudDriverOptions,
  ) {
    this.graph = new GraphApiClient({ root: options.graphApiRoot, token: options.token, phoneNumberId: options.phoneNumberId });
  }

  readiness(): { ready: boolean; reason?: string } {
    return { ready: true };
  }

  async registerRoutes(app: FastifyInstance): Promise<void> {
    // An encapsulated scope: only these routes keep the raw bytes the signature is computed over.
    await app.register(async (scope) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

      scope.get<{ Querystring: Record<string, string | undefined> }>(
        webhookPath,
        {
          schema: {
            querystring: {
              type: 'object',
              properties: { 'hub.mode': { type: 'string', maxLength: 64 }, 'hub.verify_token': { type: 'string', maxLength: 512 }, 'hub.challenge': { type: 'string', maxLength: 256 } },
            },
          },
        },
        async (request, reply) => this.verifySubscription(request, reply),
      );

      // preValidation, ahead of hooks other modules add to this route (the per-sender rate limit reads
      // the parsed body): the signature is checked over the raw bytes, then the body becomes the JSON.
      scope.post(webhookPath, { preValidation: async (request) => this.verifyNotification(request) }, async (request, reply) =>
        this.receiveNotification(request.body as CloudWebhookPayload, reply),
      );
    });
  }

  private verifySubscription(request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply) {
    const mode = request.query['hub.mode'];
    const token = request.query['hub.verify_token'] ?? '';
    const challenge = request.query['hub.challenge'] ?? '';
    if (mode === 'subscribe' && safeEqual(token, this.options.verifyToken)) {
      this.context.logger.info({ channel: whatsappChannelId }, 'whatsapp webhook verified by Meta');
      return reply.type('text/plain; charset=utf-8').send(challenge);
    }
    this.context.logger.warn({ channel: whatsappChannelId, mode }, 'whatsapp webhook verification refused: wrong hub.mode or hub.verify_token');
    return reply.code(403).send(errorBody('FV_ERR_WHATSAPP_VERIFY_TOKEN', 'hub.mode must be "subscribe" and hub.verify_token must equal WHATSAPP_VERIFY_TOKEN'));
  }

  private async verifyNotification(request: FastifyRequest): Promise<void> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!isValidSignature(rawBody, request.headers['x-hub-signature-256'], this.options.appSecret)) {
      throw new UnauthorizedError('FV_ERR_WHATSAPP_SIGNATURE', 'X-Hub-Signature-256 is missing or does not match the body signed with WHATSAPP_APP_SECRET');
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new ValidationError('FV_ERR_WHATSAPP_PAYLOAD', 'The body is not valid JSON');
    }
    // Signed with our secret, so a wrong shape means Meta changed the API: the log and the 400 say where.
    const parsed = cloudWebhookPayloadSchema.safeParse(body);
    if (!parsed.success) {
      const problem = describePayloadProblem(parsed.error);
      this.context.logger.warn({ channel: whatsappChannelId, problem }, 'whatsapp notification with an unexpected shape refused');
      throw new ValidationError('FV_ERR_WHATSAPP_PAYLOAD', `The notification does not have the shape of a WhatsApp webhook: ${problem}`);
    }
    request.body = parsed.data;
  }

  private async receiveNotification(payload: CloudWebhookPayload | null, reply: FastifyReply) {
    if (payload?.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) {
      this.context.logger.warn({ channel: whatsappChannelId, object: payload?.object }, 'whatsapp webhook for another object ignored');
      return reply.code(200).send({ status: 'ignored' });
    }
    for (const entry of payload.entry) {
      for (const change of entry.changes ?? []) {
        const value = change.value;
        if (change.field !== 'messages' || !value) continue;
        if (value.metadata?.phone_number_id && value.metadata.phone_number_id !== this.options.phoneNumberId) {
          this.context.logger.warn({ channel: whatsappChannelId }, 'whatsapp webhook for another phone number id ignored');
          continue;
        }
        for (const status of value.statuses ?? []) {
          const outcome = await recordDeliveryStatus(this.context.gateway.records, whatsappChannelId, status);
          if (status.status === 'failed' && outcome === 'recorded') {
            this.context.logger.warn({ channel: whatsappChannelId, reason: describeCloudErrors(status.errors) }, 'whatsapp reports a message as not delivered');
          } else {
            this.context.logger.debug({ channel: whatsappChannelId, status: status.status, outcome }, 'whatsapp delivery status');
          }
        }
        for (const error of value.errors ?? []) this.context.logger.warn({ channel: whatsappChannelId, error }, 'whatsapp webhook reported an error');
        for (const message of value.messages ?? []) {
          const translation = await translateCloudMessage(message, value.contacts ?? [], (media, fallbackName) => this.fetchMedia(media, fallbackName));
          if (translation.action === 'ignore') {
            // A person nobody can answer is worth a line at the default level; a reaction is not.
            this.context.logger[translation.unanswerable ? 'warn' : 'debug']({ channel: whatsappChannelId, reason: translation.reason }, 'whatsapp message ignored');
            continue;
          }
          await this.router.accept(translation.received).stored;
          // Their message opened the 24-hour window: files held back by a template go now.
          await this.releaseHeldFiles(translation.received.from);
        }
      }
    }
    return reply.code(200).send({ status: 'ok' });
  }

  private async fetchMedia(media: CloudMedia, fallbackName: string): Promise<AttachmentPart> {
    const maxBytes = this.options.maxAttachmentBytes ?? defaultMaximumAttachmentBytes;
    try {
      const info: GraphMediaInfo = await this.graph.mediaInfo(media.id!);
      const declaredSize = Number(info.file_size);
      if (Number.isFinite(declaredSize) && declaredSize > maxBytes) throw new MediaUnavailableError(`media of ${declaredSize} bytes is above the ${maxBytes} limit`);
      const bytes = await this.graph.downloadMedia(info.url, maxBytes);
      return storeAttachment(this.context.config.dataDirectory, {
        bytes,
        fileName: media.filename ?? fallbackName,
        mediaType: media.mime_type ?? info.mime_type,
        maxBytes,
      });
    } catch (error) {
      if (error instanceof GraphApiError && error.retryable) {
        // Not acknowledged: Meta delivers the webhook again later; what was stored meanwhile is deduplicated.
        this.context.logger.warn({ channel: whatsappChannelId, reason: error.message }, 'whatsapp media download failed; asking Meta to redeliver');
        throw new UnavailableError('FV_ERR_WHATSAPP_MEDIA_UNAVAILABLE', 'The media could not be fetched from the Graph API yet; deliver the webhook again later');
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.context.logger.warn({ channel: whatsappChannelId, reason }, 'whatsapp media cannot be fetched; the citizen is asked to send it again');
      throw error instanceof MediaUnavailableError ? error : new MediaUnavailableError(reason);
    }
  }

  async send(delivery: Delivery, rendered: RenderedOutbound, language: Language): Promise<{ externalId?: string }> {
    const now = new Date();
    const to = toBusinessScopedUserId(delivery.recipient) ?? toWhatsappId(delivery.recipient);
    const window = await serviceWindowOf(this.context.gateway.records, whatsappChannelId, delivery.recipient, now, delivery.recipientChannelData);
    if (!window.open) return this.sendTemplate(delivery.recipient, to, rendered, language, describeAge(window.lastInboundAt, now));
    try {
      const first = await this.sendAll(sessionMessages(to, rendered, language));
      const files = await this.sendAttachments(to, rendered.attachments);
      return { externalId: first ?? files };
    } catch (error) {
      // Our clock said the window was open but Meta's did not (late webhook, clock skew).
      if (error instanceof GraphApiError && error.graphCode === reEngagementErrorCode) return this.sendTemplate(delivery.recipient, to, rendered, language, 'Meta reports the 24-hour window closed');
      throw toDeliveryError(error);
    }
  }

  private async sendTemplate(recipient: string, to: string, rendered: RenderedOutbound, language: Language, age: string): Promise<{ externalId?: string }> {
    const { templateName, templateLanguage } = this.options;
    if (!templateName) {
      throw new DeliveryError(
        `Not delivered on WhatsApp: the citizen ${age}, outside WhatsApp's 24-hour customer service window, and no approved template is configured (WHATSAPP_TEMPLATE_NAME). Contact the citizen another way (phone or e-mail on the ticket) or reply again after they write.`,
        false,
      );
    }
    // Only a template may start a conversation again: files wait until the citizen writes, and the text says so.
    const text = rendered.attachments.length > 0 ? `${rendered.text}\n${whatsappTexts[language].filesHeld}` : rendered.text;
    let externalId: string;
    try {
      externalId = await this.post(templateMessage(to, text, templateName, templateLanguage));
    } catch (error) {
      throw toDeliveryError(error, `template "${templateName}" (${templateLanguage})`);
    }
    if (rendered.attachments.length > 0) {
      await this.heldFilesOfRecipient.run(recipient, () => holdFiles(this.context.state, recipient, rendered.attachments));
      this.context.logger.info({ channel: whatsappChannelId, files: rendered.attachments.length }, 'whatsapp files held: outside the 24-hour window, sent when the citizen next writes');
    }
    return { externalId };
  }

  /**
   * The files a template could not carry go into the outbox now that the citizen's message opened the
   * window: sent, retried and reported like every other message. Queued first, forgotten after, so a
   * crash between the two sends them twice rather than never.
   */
  private releaseHeldFiles(recipient: string): Promise<void> {
    return this.heldFilesOfRecipient.run(recipient, async () => {
      const files = await heldFilesOf(this.context.state, recipient);
      if (files.length === 0) return;
      const language = (await this.context.gateway.languageOf(whatsappChannelId, recipient)) ?? 'ro';
      await this.context.gateway.notify({ channel: whatsappChannelId, recipient, text: whatsappTexts[language].filesReleased, parts: files });
      await forgetHeldFiles(this.context.state, recipient);
      this.context.logger.info({ channel: whatsappChannelId, files: files.length }, 'whatsapp held files queued after the citizen wrote');
    });
  }

  /** Uploads and sends each stored file; returns the first wamid. */
  private async sendAttachments(to: string, attachments: readonly OutboundFile[]): Promise<string | undefined> {
    let first: string | undefined;
    for (const attachment of attachments) {
      let bytes: Buffer;
      try {
        bytes = outboundFileBytes(this.context.config.dataDirectory, attachment);
      } catch (error) {
        throw new DeliveryError(`The file ${attachment.fileName} to send is missing: ${error instanceof Error ? error.message : String(error)}`, false);
      }
      const mediaId = await this.graph.uploadMedia(bytes, attachment.mediaType, attachment.fileName);
      const id = await this.post(mediaMessage(to, mediaId, attachment.mediaType, attachment.fileName));
      first ??= id;
    }
    return first;
  }

  /** The Graph API addresses a phone number with `to` and a business-scoped user id with `recipient`. */
  private post(message: GraphMessage): Promise<string> {
    const { to, ...rest } = message;
    return this.graph.sendMessage(typeof to === 'string' && toBusinessScopedUserId(to) ? { ...rest, recipient: to } : message);
  }

  /** Sends the pieces in order; the first one's wamid identifies the delivery for status webhooks. */
  private async sendAll(messages: GraphMessage[]): Promise<string | undefined> {
    let first: string | undefined;
    for (const message of messages) {
      const id = await this.post(message);
      first ??= id;
    }
    return first;
  }
}

function toDeliveryError(error: unknown, what?: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GraphApiError) return new DeliveryError(what ? `${error.message} [${what}]` : error.message, error.retryable, error.retryAfterMs);
  return new DeliveryError(error instanceof Error ? error.message : String(error), true);
}
