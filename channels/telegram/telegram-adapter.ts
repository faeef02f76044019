import type { FastifyInstance } from 'fastify';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { readFilePart } from '../../src/documents/document-storage.ts';
import { DeliveryError, type ChannelAdapter, type ChannelContext, type Delivery } from '../../src/gateway/channel-contract.ts';
import { buttonsOf, filesOf } from '../../src/messages.ts';
import { commandNameOf } from '../../src/tickets/clerk-command-parser.ts';
import { toDeliveryError } from './delivery-errors.ts';
import { inlineKeyboardFor, renderMessageChunks } from './message-rendering.ts';
import { sentMessageId, type TelegramDeliveryData } from './telegram-store.ts';
import { clerkTexts } from './telegram-texts.ts';
import { channelId, TelegramUpdateHandler } from './update-handler.ts';
import { registerWebhookRoute } from './webhook-route.ts';

export interface TelegramSettings {
  botToken: string;
  mode: 'webhook' | 'polling';
  webhookSecret: string | undefined;
  apiRoot: string | undefined;
  staffChatId: string | undefined;
}

/** Photos and scans of a form fit easily; Telegram itself lets bots download at most 20 MB. */
export const maximumFileBytes = 10 * 1024 * 1024;
/** The update kinds the adapter acts on; Telegram sends nothing else (also used by `telegram set-webhook`). */
export const allowedUpdates = ['message', 'edited_message', 'callback_query'] as const;
const maximumPollingBackoffMs = 60_000;
const backgroundGraceMs = 15_000;

export class TelegramAdapter implements ChannelAdapter {
  readonly id = channelId;
  /** Telegram has no idempotency key: a send interrupted by a crash may or may not have arrived. */
  readonly idempotentSend = false;
  private readonly bot: Telegraf;
  private readonly handler: TelegramUpdateHandler;
  private readonly background = new Set<Promise<unknown>>();
  /** Chunks of a long message already delivered, so a retry after a failure sends only the rest. */
  private readonly partialSends = new Map<number, { sentChunks: number; lastMessageId: number }>();
  private stopping = false;
  private polling: { loop: Promise<void>; running: boolean; lastError?: string; wake?: () => void } | undefined;

  constructor(
    private readonly context: ChannelContext,
    private readonly settings: TelegramSettings,
  ) {
    this.bot = new Telegraf(settings.botToken, { telegram: settings.apiRoot ? { apiRoot: settings.apiRoot } : {} });
    this.handler = new TelegramUpdateHandler(
      {
        context,
        staffChatId: settings.staffChatId,
        maximumFileBytes,
        track: (work) => this.track(work),
      },
      this.bot.telegram,
    );
    this.bot.use(this.handler.middleware());
    // One error boundary. In polling mode an error must not end the polling loop (telegraf would stop
    // it); in webhook mode it reaches the route, which answers 503 so Telegram delivers the update again.
    this.bot.catch((error, ctx) => {
      if (settings.mode === 'webhook') throw error;
      context.logger.error({ err: error, updateId: ctx.update.update_id }, 'telegram update failed');
    });
  }

  registerRoutes(app: FastifyInstance): void {
    if (this.settings.mode === 'webhook' && this.settings.webhookSecret) {
      registerWebhookRoute(app, this.settings.webhookSecret, (update) => this.acceptUpdate(update));
    }
  }

  /** Handles one update; resolves once what it carries is stored (the answer may still be on its way). */
  async acceptUpdate(update: Update): Promise<void> {
    // telegraf would fetch the bot's identity itself, but it keeps a failed getMe forever; asking here
    // again at each update lets a Telegram outage at start-up heal on the next delivery.
    this.bot.botInfo ??= await this.bot.telegram.getMe();
    await this.bot.handleUpdate(update);
  }

  async start(): Promise<void> {
    this.stopping = false;
    if (this.settings.mode === 'polling') {
      const state: NonNullable<TelegramAdapter['polling']> = { loop: Promise.resolve(), running: false };
      this.polling = state;
      state.loop = this.poll(state);
      return;
    }
    // Learn the bot's id and username early; a Telegram outage must not stop the town hall's server.
    this.track(
      this.bot.telegram
        .getMe()
        .then((info) => {
          this.bot.botInfo ??= info;
        })
        .catch((error: unknown) => this.context.logger.warn({ err: error }, 'telegram getMe failed; will retry with the first update')),
    );
  }

  /** Long polling for a town hall without a public address; restarts with a backoff when Telegram fails. */
  private async poll(state: NonNullable<TelegramAdapter['polling']>): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.bot.launch({ allowedUpdates: [...allowedUpdates] }, () => {
          state.running = true;
          state.lastError = undefined;
          failures = 0;
          this.context.logger.info({ bot: this.bot.botInfo?.username }, 'telegram long polling started');
        });
      } catch (error) {
        state.lastError = error instanceof Error ? error.message : String(error);
        this.context.logger.error({ err: error }, 'telegram long polling failed');
      }
      state.running = false;
      if (this.stopping) break;
      failures += 1;
      const delay = Math.min(maximumPollingBackoffMs, 1000 * 2 ** (failures - 1));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async send(delivery: Delivery): Promise<{ externalId?: string }> {
    const data = (delivery.recipientChannelData ?? {}) as TelegramDeliveryData;
    const chatId = data.chatId ?? delivery.recipient;
    const chunks = renderMessageChunks(delivery.message);
    const keyboard = inlineKeyboardFor(buttonsOf(delivery.message.parts));
    const progress = this.partialSends.get(delivery.outboxId) ?? { sentChunks: 0, lastMessageId: 0 };
    try {
      for (let index = progress.sentChunks; index < chunks.length; index += 1) {
        const isLast = index === chunks.length - 1;
        const replyMarkup = !isLast
          ? undefined
          : data.forceReply
            ? { force_reply: true as const, input_field_placeholder: data.pendingCommand && commandNameOf(data.pendingCommand) === 'note' ? clerkTexts.notePlaceholder : clerkTexts.replyPlaceholder }
            : keyboard;
        const sent = await this.bot.telegram.sendMessage(chatId, chunks[index] ?? '', {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(index === 0 && data.replyToMessageId ? { reply_parameters: { message_id: data.replyToMessageId, allow_sending_without_reply: true } } : {}),
          ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
        });
        progress.sentChunks = index + 1;
        progress.lastMessageId = sent.message_id;
        this.partialSends.set(delivery.outboxId, progress);
      }
      // Files (an issued document) go after the text, as documents; progress counts them after the chunks.
      const files = filesOf(delivery.message.parts);
      for (let index = Math.max(0, progress.sentChunks - chunks.length); index < files.length; index += 1) {
        const file = files[index] as (typeof files)[number];
        let bytes: Buffer;
        try {
          bytes = readFilePart(this.context.config.dataDirectory, file);
        } catch (error) {
          throw new DeliveryError(`The file ${file.fileName} to send is missing: ${error instanceof Error ? error.message : String(error)}`, false);
        }
        await this.bot.telegram.sendDocument(chatId, { source: bytes, filename: file.fileName });
        progress.sentChunks = chunks.length + index + 1;
        this.partialSends.set(delivery.outboxId, progress);
      }
    } catch (error) {
      const failure = toDeliveryError(error);
      if (!failure.retryable) this.partialSends.delete(delivery.outboxId);
      throw failure;
    }
    this.partialSends.delete(delivery.outboxId);
    // The last chunk carries the buttons: a pressed button or a clerk's reply points at this id.
    return { externalId: sentMessageId(chatId, progress.lastMessageId) };
  }

  async staffRecipients(): Promise<string[]> {
    return this.settings.staffChatId ? [this.settings.staffChatId] : [];
  }

  readiness(): { ready: boolean; reason?: string } {
    if (this.settings.mode === 'webhook') return { ready: true };
    if (this.polling?.running) return { ready: true };
    return { ready: false, reason: `telegram long polling is not running${this.polling?.lastError ? ` (${this.polling.lastError})` : ''}` };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const polling = this.polling;
    if (polling) {
      polling.wake?.();
      let settled = false;
      void polling.loop.finally(() => {
        settled = true;
      });
      // telegraf refuses to stop a bot that is still starting (getMe, deleteWebhook): ask until it stops.
      const deadline = Date.now() + 10_000;
      while (!settled && Date.now() < deadline) {
        try {
          this.bot.stop('server closing');
        } catch {
          // not polling yet
        }
        await Promise.race([polling.loop, new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      if (!settled) this.context.logger.warn('telegram long polling did not stop within 10 s');
      this.polling = undefined;
    }
    // Answers still being written are stored messages: what does not finish in time is answered
    // after the next start (the pipeline resumes unprocessed messages), so the wait is bounded.
    const finished = Promise.allSettled([...this.background]).then(() => true);
    const waited = await Promise.race([finished, new Promise<false>((resolve) => setTimeout(() => resolve(false), backgroundGraceMs).unref())]);
    if (!waited) this.context.logger.warn({ pending: this.background.size }, 'telegram: stopping with answers still in progress; they resume at the next start');
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.context.logger.error({ err: error }, 'telegram background work failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
