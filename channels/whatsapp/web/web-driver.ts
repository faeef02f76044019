import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { defaultMaximumAttachmentBytes, storeAttachment } from '../../../src/attachments/attachment-store.ts';
import { DeliveryError, type ChannelContext, type Delivery } from '../../../src/gateway/channel-contract.ts';
import type { Language } from '../../../src/language.ts';
import type { InboundRouter } from '../inbound-router.ts';
import { whatsappChannelId } from '../inbound-router.ts';
import { numberedChoices, outboundFileBytes, type RenderedOutbound } from '../outbound-rendering.ts';
import { toE164, toWebChatId } from '../phone-numbers.ts';
import type { ReceivedMessage } from '../received-message.ts';
import type { WhatsappDriver } from '../whatsapp-driver.ts';
import { printQrToTerminal, registerPairingPage } from './qr-page.ts';
import type { WebClient, WebClientFactory, WebMessage } from './web-client.ts';
import { translateWebMessage } from './web-message-translation.ts';

const notConnectedRetryMs = 3 * 60_000;

export type WebDriverState = 'stopped' | 'starting' | 'pairing' | 'authenticated' | 'ready' | 'reconnecting';

export interface WebDriverOptions {
  clientFactory: WebClientFactory;
  /** <data>/whatsapp: the linked-device session and the page cache live under it. */
  whatsappDirectory: string;
  chromiumPath: string;
  allowGroups: boolean;
  qrToken?: string;
  /** Longest wait for a pairing code or a connection before starting over (a hung page load). */
  startupTimeoutMs?: number;
  /** First reconnection delay; doubles up to `maximumBackoffMs`. */
  initialBackoffMs?: number;
  maximumBackoffMs?: number;
  printQr?: (qr: string) => void;
  maxAttachmentBytes?: number;
}

export interface WebDriverStatus {
  state: WebDriverState;
  qr?: string;
  lastError?: string;
  attempts: number;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/**
 * whatsapp-web.js: a headless Chromium logged into WhatsApp Web as a linked device of the town hall's
 * phone. Starting never blocks the server: the browser starts in the background, and every failure
 * (no network, Chromium missing, phone unlinked) is logged with its reason and retried with backoff.
 */
export class WhatsappWebDriver implements WhatsappDriver {
  readonly name = 'whatsapp-web' as const;
  private state: WebDriverState = 'stopped';
  private client: WebClient | undefined;
  /** Bumped on every (re)connection so late events of a discarded client are ignored. */
  private generation = 0;
  private attempts = 0;
  private qr: string | undefined;
  private lastError: string | undefined;
  private startedAt = new Date();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private startupTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connecting: Promise<void> = Promise.resolve();
  private readonly handling = new Set<Promise<void>>();

  constructor(
    private readonly context: ChannelContext,
    private readonly router: InboundRouter,
    private readonly options: WebDriverOptions,
  ) {}

  status(): WebDriverStatus {
    return { state: this.state, qr: this.state === 'pairing' ? this.qr : undefined, lastError: this.lastError, attempts: this.attempts };
  }

  readiness(): { ready: boolean; reason?: string } {
    if (this.state === 'ready') return { ready: true };
    if (this.state === 'pairing') return { ready: false, reason: 'waiting for pairing: scan the QR code shown in the terminal or at /admin/whatsapp/qr' };
    return { ready: false, reason: `WhatsApp Web ${this.state}${this.lastError ? ` (last error: ${this.lastError})` : ''}` };
  }

  registerRoutes(app: FastifyInstance): void {
    registerPairingPage(app, () => this.status(), this.options.qrToken);
  }

  async start(): Promise<void> {
    this.stopped = false;
    // Anything older is what WhatsApp Web replays after a pause: answering it would flood citizens.
    this.startedAt = new Date();
    this.connecting = this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.startupTimer);
    this.generation += 1;
    const client = this.client;
    this.client = undefined;
    await this.destroy(client);
    // A launch under way closes its browser when it returns; a page load that never returns is not awaited forever.
    await Promise.race([this.connecting, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await Promise.all([...this.handling]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.attempts += 1;
    this.state = 'starting';
    const { chromiumPath } = this.options;
    if (!fs.existsSync(chromiumPath)) {
      this.fail(generation, `Chromium not found at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
      return;
    }
    // LocalAuth keeps the browser profile (the linked-device session) in <dataPath>/session.
    removeStaleBrowserLock(path.join(this.options.whatsappDirectory, 'session'));
    let client: WebClient;
    try {
      client = await this.options.clientFactory({
        authDataPath: this.options.whatsappDirectory,
        cacheDirectory: path.join(this.options.whatsappDirectory, 'web-cache'),
        chromiumPath,
      });
    } catch (error) {
      this.fail(generation, `could not create the WhatsApp Web client: ${reasonOf(error)}`);
      return;
    }
    if (generation !== this.generation) {
      await this.destroy(client);
      return;
    }
    this.client = client;
    this.listen(client, generation);
    const startupTimeoutMs = this.options.startupTimeoutMs ?? 180_000;
    this.startupTimer = setTimeout(
      () => this.fail(generation, `WhatsApp Web showed neither a pairing code nor a connection within ${Math.round(startupTimeoutMs / 1000)} s`),
      startupTimeoutMs,
    );
    this.startupTimer.unref();
    try {
      await client.initialize();
    } catch (error) {
      const reason = reasonOf(error);
      const unreachable = /ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED|CONNECTION_TIMED_OUT|ADDRESS_UNREACHABLE|PROXY|TUNNEL)/.test(reason);
      this.fail(generation, unreachable ? `WhatsApp Web is unreachable from this machine (${reason}); check its internet access` : `WhatsApp Web failed to start: ${reason}`);
    }
    // Stopped or restarted while the browser was still launching: its destroy() found no browser yet.
    if (generation !== this.generation) await this.destroy(client);
  }

  private listen(client: WebClient, generation: number): void {
    const current = () => generation === this.generation && !this.stopped;
    client.on('qr', (qr: string) => {
      if (!current()) return;
      clearTimeout(this.startupTimer);
      const first = this.state !== 'pairing';
      this.state = 'pairing';
      this.qr = qr;
      if (first) this.context.logger.info({ channel: whatsappChannelId }, 'whatsapp web needs pairing: scan the QR code (terminal or /admin/whatsapp/qr) with WhatsApp → Linked devices on the town hall phone');
      (this.options.printQr ?? printQrToTerminal)(qr);
    });
    client.on('authenticated', () => {
      if (!current()) return;
      clearTimeout(this.startupTimer);
      this.state = 'authenticated';
      this.qr = undefined;
      this.context.logger.info({ channel: whatsappChannelId }, 'whatsapp web session authenticated');
    });
    client.on('auth_failure', (message: string) => {
      if (!current()) return;
      this.lastError = `authentication failed: ${message}`;
      this.context.logger.error({ channel: whatsappChannelId, reason: message }, 'whatsapp web authentication failed; it will ask for pairing again');
    });
    client.on('ready', () => {
      if (!current()) return;
      clearTimeout(this.startupTimer);
      this.state = 'ready';
      this.attempts = 0;
      this.lastError = undefined;
      this.context.logger.info({ channel: whatsappChannelId }, 'whatsapp web connected');
    });
    client.on('disconnected', (reason: string) => {
      if (!current()) return;
      this.fail(generation, `disconnected by WhatsApp Web: ${reason}${reason === 'LOGOUT' ? ' (the device was unlinked from the phone: pair again)' : ''}`);
    });
    client.on('message', (message: WebMessage) => {
      if (!current()) return;
      const handled = this.handle(message, client).catch((error: unknown) =>
        this.context.logger.error({ err: error, channel: whatsappChannelId }, 'whatsapp web message could not be handled'),
      );
      this.handling.add(handled);
      void handled.finally(() => this.handling.delete(handled));
    });
  }

  /** Logs why, drops the client and tries again later, each time waiting longer (up to five minutes). */
  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped) return;
    clearTimeout(this.startupTimer);
    this.generation += 1;
    const client = this.client;
    this.client = undefined;
    this.state = 'reconnecting';
    this.lastError = reason;
    const initial = this.options.initialBackoffMs ?? 5_000;
    const delay = Math.min(this.options.maximumBackoffMs ?? 300_000, initial * 2 ** Math.max(0, this.attempts - 1));
    this.context.logger.error({ channel: whatsappChannelId, reason, attempt: this.attempts, retryInMs: delay }, `whatsapp web unavailable: ${reason}; retrying in ${Math.round(delay / 1000)} s`);
    void this.destroy(client).finally(() => {
      if (this.stopped) return;
      this.reconnectTimer = setTimeout(() => {
        this.connecting = this.connect();
      }, delay);
      this.reconnectTimer.unref();
    });
  }

  private async destroy(client: WebClient | undefined): Promise<void> {
    if (!client) return;
    try {
      await client.destroy();
    } catch (error) {
      this.context.logger.warn({ channel: whatsappChannelId, reason: reasonOf(error) }, 'whatsapp web client did not close cleanly');
    }
  }

  private async handle(message: WebMessage, client: WebClient): Promise<void> {
    const translation = translateWebMessage(message, { startedAt: this.startedAt, allowGroups: this.options.allowGroups });
    if (translation.action === 'ignore') {
      this.context.logger.debug({ channel: whatsappChannelId, reason: translation.reason }, 'whatsapp web message ignored');
      return;
    }
    const from = await this.phoneNumberOf(translation.senderId, client);
    if (!from) {
      this.context.logger.warn({ channel: whatsappChannelId, type: translation.whatsappType }, 'whatsapp web message ignored: the sender’s phone number is hidden');
      return;
    }
    let { kind } = translation;
    const parts = [...translation.parts];
    if (translation.needsMedia) {
      try {
        const maxBytes = this.options.maxAttachmentBytes ?? defaultMaximumAttachmentBytes;
        // WhatsApp Web hands the whole file over from the browser in one piece (base64): it cannot be cut
        // while streaming, so the size WhatsApp announces decides before anything is downloaded…
        const announcedSize = message._data?.size;
        if (typeof announcedSize === 'number' && announcedSize > maxBytes) throw new Error(`media of ${announcedSize} bytes is above the ${maxBytes} limit`);
        const media = await message.downloadMedia();
        if (!media) throw new Error('WhatsApp Web returned no media (expired on the phone?)');
        // …and the base64 length, before a second, decoded copy is made.
        const decodedSize = Math.floor((media.data.length * 3) / 4);
        if (decodedSize > maxBytes + 2) throw new Error(`media of about ${decodedSize} bytes is above the ${maxBytes} limit`);
        parts.push(
          storeAttachment(this.context.config.dataDirectory, {
            bytes: Buffer.from(media.data, 'base64'),
            fileName: media.filename ?? (kind === 'voice' ? 'mesaj-vocal.ogg' : undefined),
            mediaType: media.mimetype,
            maxBytes,
          }),
        );
      } catch (error) {
        this.context.logger.warn({ channel: whatsappChannelId, reason: reasonOf(error) }, 'whatsapp web media could not be stored');
        if (kind === 'message') kind = 'media_failed';
      }
    }
    const received: ReceivedMessage = {
      kind,
      externalId: translation.externalId,
      from,
      displayName: translation.displayName,
      sentAt: translation.sentAt,
      text: translation.text,
      parts,
      whatsappType: translation.whatsappType,
      channelData: { chatId: translation.replyTo },
    };
    await this.router.accept(received).processing;
  }

  private async phoneNumberOf(senderId: string, client: WebClient): Promise<string | undefined> {
    if (!senderId.endsWith('@lid')) return toE164(senderId);
    try {
      const [resolved] = (await client.getContactLidAndPhone?.([senderId])) ?? [];
      return toE164(resolved?.pn);
    } catch {
      return undefined;
    }
  }

  async send(delivery: Delivery, rendered: RenderedOutbound, language: Language): Promise<{ externalId?: string }> {
    const client = this.client;
    if (!client || this.state !== 'ready') {
      // Reconnecting can take minutes: spacing the outbox's attempts keeps answers waiting ~20 minutes, not 5.
      throw new DeliveryError(`WhatsApp Web is not connected (${this.state}${this.lastError ? `: ${this.lastError}` : ''})`, true, notConnectedRetryMs);
    }
    const chatId = typeof delivery.recipientChannelData?.chatId === 'string' ? delivery.recipientChannelData.chatId : toWebChatId(delivery.recipient);
    // WhatsApp Web cannot send buttons any more: options go as a numbered list.
    const text = rendered.choices.length > 0 ? `${rendered.text}\n\n${numberedChoices(rendered.choices, language)}` : rendered.text;
    const documents = rendered.attachments.map((attachment) => {
      try {
        const data = outboundFileBytes(this.context.config.dataDirectory, attachment).toString('base64');
        return { mimetype: attachment.mediaType, data, filename: attachment.fileName, filesize: attachment.size };
      } catch (error) {
        throw new DeliveryError(`The file ${attachment.fileName} to send is missing: ${reasonOf(error)}`, false);
      }
    });
    try {
      const sent = text.trim() === '' ? undefined : await client.sendMessage(chatId, text);
      let first = sent?.id?._serialized;
      for (const document of documents) {
        const id = (await client.sendDocument(chatId, document))?.id?._serialized;
        first ??= id;
      }
      return { externalId: first };
    } catch (error) {
      throw new DeliveryError(`WhatsApp Web could not send: ${reasonOf(error)}`, true);
    }
  }
}

/**
 * Chromium refuses a profile whose SingletonLock names a process that no longer runs (after a crash or
 * a kill): without this the session could not be reopened and the phone would have to pair again.
 */
export function removeStaleBrowserLock(profileDirectory: string): void {
  const lock = path.join(profileDirectory, 'SingletonLock');
  let target: string;
  try {
    target = fs.readlinkSync(lock);
  } catch {
    return;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  if (!match || match[1] !== os.hostname()) return;
  try {
    process.kill(Number(match[2]), 0);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') return;
  }
  for (const name of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) fs.rmSync(path.join(profileDirectory, name), { force: true });
}
