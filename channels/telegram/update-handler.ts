import type { Context, Middleware, Telegram } from 'telegraf';
import type { CallbackQuery, Message, Update, User } from 'telegraf/types';
import { KeyedSequence } from '../../src/concurrency/keyed-sequence.ts';
import { storeAttachment } from '../../src/attachments/attachment-store.ts';
import type { ChannelContext } from '../../src/gateway/channel-contract.ts';
import { languageFromHint } from '../../src/conversation/language-detection.ts';
import type { Language } from '../../src/language.ts';
import { buttonsOf, type MessagePart } from '../../src/messages.ts';
import { ClerkCommandSyntaxError, commandNameOf, isClerkCommandText, parseClerkCommand } from '../../src/tickets/clerk-command-parser.ts';
import { downloadTelegramFile, TelegramFileError } from './file-download.ts';
import { buttonValueOf, isDigestCallbackData } from './message-rendering.ts';
import { SenderRateLimit } from './sender-rate-limit.ts';
import { sentMessageId, type TelegramDeliveryData } from './telegram-store.ts';
import { clerkTexts, telegramTexts } from './telegram-texts.ts';
import { acceptedChatMediaTypes } from '../../src/attachments/accepted-files.ts';

// Telegram update → InboundMessage for the core's gateway, which de-duplicates it and sends citizens'
// messages to the conversation pipeline, clerks' commands to the clerk command runner; everything the
// bot says goes out through the outbox. What is Telegram's own stays here: chats, groups, buttons, files.
// Each handler returns once what it received is stored: the webhook answers Telegram then, and the
// long-running part (the answer) continues in the background.

export const channelId = 'telegram';

export interface UpdateHandlerOptions {
  context: ChannelContext;
  staffChatId: string | undefined;
  maximumFileBytes: number;
  /** Keeps work that outlives the update (the pipeline's answer) so `stop()` can wait for it. */
  track: (work: Promise<unknown>) => void;
}

interface CitizenInput {
  from: User;
  chatId: number;
  /** The dedupe key: the same message delivered twice has the same key. */
  externalId: string;
  text: string;
  parts: MessagePart[];
}

interface TelegramFile {
  fileId: string;
  fileName: string;
  mediaType: string;
  size: number | undefined;
}


const mediaTypesByExtension: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The heading of a staff notice ("📥 Tichet nou 3/2026", "… — tichet 3/2026"), for notices sent before the outbox kept them. */
const staffNoticeLabel = /\b(?:Tichet nou|tichet) (\d{1,6}\/\d{4})\b/;

function textOf(message: Message): string {
  if ('text' in message) return message.text;
  if ('caption' in message && typeof message.caption === 'string') return message.caption;
  return '';
}

function displayNameOf(user: User): string | undefined {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name === '' ? undefined : name.slice(0, 120);
}

function fileOf(message: Message, maximumBytes: number): TelegramFile | undefined {
  if ('photo' in message && message.photo.length > 0) {
    // Telegram sends every resolution, smallest first: the largest that fits is the most legible.
    const sizes = [...message.photo].sort((a, b) => (a.file_size ?? a.width * a.height) - (b.file_size ?? b.width * b.height));
    const photo = [...sizes].reverse().find((size) => (size.file_size ?? 0) <= maximumBytes) ?? sizes[0];
    if (!photo) return undefined;
    return { fileId: photo.file_id, fileName: `foto-${photo.file_unique_id}.jpg`, mediaType: 'image/jpeg', size: photo.file_size };
  }
  if ('document' in message) {
    const document = message.document;
    const extension = /\.([a-z0-9]{1,5})$/i.exec(document.file_name ?? '')?.[1]?.toLowerCase();
    const mediaType = document.mime_type ?? (extension ? mediaTypesByExtension[extension] : undefined) ?? 'application/octet-stream';
    return { fileId: document.file_id, fileName: document.file_name ?? `document-${document.file_unique_id}`, mediaType, size: document.file_size };
  }
  if ('voice' in message) {
    const voice = message.voice;
    return { fileId: voice.file_id, fileName: `mesaj-vocal-${voice.file_unique_id}.ogg`, mediaType: voice.mime_type ?? 'audio/ogg', size: voice.file_size };
  }
  if ('audio' in message) {
    const audio = message.audio;
    return { fileId: audio.file_id, fileName: audio.file_name ?? `audio-${audio.file_unique_id}`, mediaType: audio.mime_type ?? 'audio/mpeg', size: audio.file_size };
  }
  if ('video' in message) {
    const video = message.video;
    return { fileId: video.file_id, fileName: video.file_name ?? `video-${video.file_unique_id}.mp4`, mediaType: video.mime_type ?? 'video/mp4', size: video.file_size };
  }
  return undefined;
}

/** A phone number shared with Telegram's "share contact" button, in the form the intake recognises. */
function sharedPhoneNumber(message: Message, from: User): string | undefined {
  if (!('contact' in message) || message.contact.user_id !== from.id) return undefined;
  const digits = message.contact.phone_number.replace(/[^\d+]/g, '');
  return digits.startsWith('+') || digits.startsWith('0') ? digits : `+${digits}`;
}

export class TelegramUpdateHandler {
  /**
   * The same budget the HTTP layer applies to webhook senders; in polling mode no HTTP request
   * carries the update, so this is the only one.
   */
  private readonly senderLimit: SenderRateLimit;
  /** A group that keeps addressing the bot is told once in a while, not at every message. */
  private readonly groupNoticeLimit = new SenderRateLimit(1, 10 * 60_000);
  /** Messages of one chat are stored in the order they arrived, even when a file download makes one slower. */
  private readonly perChat = new KeyedSequence<number>();

  constructor(
    private readonly options: UpdateHandlerOptions,
    private readonly telegram: Telegram,
  ) {
    this.senderLimit = new SenderRateLimit(options.context.config.rateLimits.perSenderPerMinute, 60_000);
  }

  middleware(): Middleware<Context> {
    return async (ctx) => this.handle(ctx);
  }

  private get gateway() {
    return this.options.context.gateway;
  }

  private async handle(ctx: Context): Promise<void> {
    const update: Update = ctx.update;
    if ('callback_query' in update) return this.onCallbackQuery(ctx, update.callback_query);
    if ('message' in update) return this.onMessage(ctx, update.message);
    if ('edited_message' in update) return this.onEditedMessage(update.edited_message);
    // Channel posts, membership changes, polls…: nothing a town hall's clerk has to act on.
    this.options.context.logger.debug({ updateId: update.update_id, kinds: Object.keys(update).filter((key) => key !== 'update_id') }, 'telegram update ignored');
  }

  private isStaffChat(chatId: number): boolean {
    return this.options.staffChatId !== undefined && String(chatId) === this.options.staffChatId;
  }

  private async onMessage(ctx: Context, message: Message): Promise<void> {
    const { chat } = message;
    if ('migrate_to_chat_id' in message && this.isStaffChat(chat.id)) {
      this.options.context.logger.warn({ newChatId: message.migrate_to_chat_id }, 'the staff group became a supergroup: set TELEGRAM_STAFF_CHAT_ID to the new id');
    }
    const from = message.from;
    // Anonymous group admins and channels write as a chat, other bots as bots: neither is a citizen.
    if (!from || from.is_bot || 'sender_chat' in message) return;
    const isPrivate = chat.type === 'private';
    const text = textOf(message);
    // "/tichete@OtherBot" in a group with several bots is not for us.
    const addressee = /^\/[\p{L}\d_-]+@(\w+)/u.exec(text)?.[1];
    if (addressee && addressee.toLowerCase() !== ctx.botInfo.username.toLowerCase()) return;
    if (/^\/id(?:@\w+)?$/.test(text.trim())) return this.tellIds(message, from);
    const clerk = await this.gateway.identifyClerk({ kind: 'telegram', value: String(from.id) });
    if (clerk && (isPrivate || this.isStaffChat(chat.id))) {
      if (isClerkCommandText(text)) return this.runClerkCommand(message, from, text);
      const completed = await this.completedClerkReply(ctx, message, text);
      if (completed) return this.runClerkCommand(message, from, completed);
      // Clerks talking among themselves in the staff group; in private a clerk may also ask as a citizen.
      if (!isPrivate) return;
    }
    if (!isPrivate) return this.onGroupMessage(ctx, message, from, text);
    return this.perChat.run(chat.id, () => this.onCitizenMessage(message, from, text));
  }

  /** A clerk's reply to one of the bot's staff messages answers its ticket (or completes the command it prompted). */
  private async completedClerkReply(ctx: Context, message: Message, text: string): Promise<string | undefined> {
    const replied = 'reply_to_message' in message ? message.reply_to_message : undefined;
    if (!replied || replied.from?.id !== ctx.botInfo.id || text.trim() === '') return undefined;
    const sent = await this.gateway.records.sentMessage(channelId, sentMessageId(message.chat.id, replied.message_id));
    if (sent) {
      // Only staff-side messages (notices, prompts, command answers) carry no conversation message.
      if (sent.messageId !== null) return undefined;
      const pendingCommand = (sent.channelData as TelegramDeliveryData).pendingCommand;
      if (pendingCommand) return `${pendingCommand} ${text.trim()}`;
      const label = sent.ticketId !== null ? await this.gateway.records.ticketLabelById(sent.ticketId) : undefined;
      return label ? `/raspunde ${label} ${text.trim()}` : undefined;
    }
    const label = staffNoticeLabel.exec(textOf(replied as Message))?.[1];
    return label && this.isStaffChat(message.chat.id) ? `/raspunde ${label} ${text.trim()}` : undefined;
  }

  private async runClerkCommand(message: Message, from: User, text: string): Promise<void> {
    const chatId = message.chat.id;
    await this.gateway.runClerkCommand({
      channel: channelId,
      claimKey: `message:${chatId}:${message.message_id}`,
      clerk: { kind: 'telegram', value: String(from.id) },
      text,
      replyTo: () => ({ recipient: String(chatId), channelData: { chatId, replyToMessageId: message.message_id } }),
    });
  }

  /** "/id": the numbers an administrator needs (TELEGRAM_STAFF_CHAT_ID, `clerks add --telegram`). */
  private async tellIds(message: Message, from: User): Promise<void> {
    const text = message.chat.type === 'private' ? `Telegram user id: ${from.id}` : `Telegram chat id: ${message.chat.id}\nTelegram user id: ${from.id}`;
    await this.queue(message.chat.id, text, { replyToMessageId: message.message_id }, undefined, `message:${message.chat.id}:${message.message_id}`);
  }

  private async onGroupMessage(ctx: Context, message: Message, from: User, text: string): Promise<void> {
    const { chat } = message;
    // Only the staff group runs commands (the runner refuses and audits anyone who is not a clerk);
    // in any other group a command would show ticket data to strangers.
    if (this.isStaffChat(chat.id) && isClerkCommandText(text)) return this.runClerkCommand(message, from, text);
    const username = ctx.botInfo.username;
    const repliesToBot = 'reply_to_message' in message && message.reply_to_message?.from?.id === ctx.botInfo.id;
    const addressed = text.startsWith('/') || (username !== undefined && text.includes(`@${username}`)) || repliesToBot;
    if (!addressed || this.isStaffChat(chat.id)) return;
    if (this.groupNoticeLimit.take(String(chat.id)) !== 'allowed') return;
    await this.queue(chat.id, telegramTexts[await this.languageOf(from)].privateChatOnly(username), { replyToMessageId: message.message_id }, undefined, `message:${chat.id}:${message.message_id}`);
  }

  private async onCitizenMessage(message: Message, from: User, text: string): Promise<void> {
    const externalId = `message:${message.chat.id}:${message.message_id}`;
    if (await this.gateway.alreadyAccepted(channelId, externalId)) return;
    if (!(await this.admitted(from, message.chat.id))) return;
    const language = await this.languageOf(from);
    const parts: MessagePart[] = [];
    const notices: string[] = [];
    let body = text;
    const phone = sharedPhoneNumber(message, from);
    if (phone && body === '') body = phone;
    if ('location' in message) parts.push({ type: 'location', latitude: message.location.latitude, longitude: message.location.longitude });
    const file = fileOf(message, this.options.maximumFileBytes);
    if (file) {
      const stored = await this.receiveFile(file, language);
      if (typeof stored === 'string') notices.push(stored);
      else parts.push(stored);
    }
    const forPipeline = body !== '' || parts.length > 0;
    if (!forPipeline) {
      // Nothing for the pipeline (a sticker, a refused file): the gateway stores it once with the fixed
      // answer, and puts it on a live ticket thread so the clerk who wrote to this citizen hears of it.
      const answer = notices.length > 0 ? notices.join('\n\n') : telegramTexts[language].unsupportedMessage;
      const outcome = await this.gateway.accept(
        { channel: channelId, externalId, sender: { externalId: String(from.id), displayName: displayNameOf(from), languageHint: from.language_code }, text: '', channelData: { chatId: message.chat.id } },
        { fixedAnswer: { intent: file ? 'media_failed' : 'unsupported', text: () => answer } },
      );
      this.options.track(outcome.answered);
      return;
    }
    for (const notice of notices) await this.queue(message.chat.id, notice, { replyToMessageId: message.message_id });
    await this.acceptCitizen({ from, chatId: message.chat.id, externalId, text: body, parts });
  }

  /** The stored attachment, or what to tell the citizen when it could not be taken. */
  private async receiveFile(file: TelegramFile, language: Language): Promise<MessagePart | string> {
    const texts = telegramTexts[language];
    const maximum = this.options.maximumFileBytes;
    const megabytes = Math.floor(maximum / (1024 * 1024));
    if (!acceptedChatMediaTypes.has(file.mediaType.toLowerCase())) return texts.fileTypeRefused;
    if (file.size !== undefined && file.size > maximum) return texts.fileTooLarge(megabytes);
    try {
      const bytes = await downloadTelegramFile(this.telegram, file.fileId, maximum);
      return storeAttachment(this.options.context.config.dataDirectory, { bytes, fileName: file.fileName, mediaType: file.mediaType, maxBytes: maximum });
    } catch (error) {
      if (error instanceof TelegramFileError && error.code === 'FV_ERR_TELEGRAM_FILE_TOO_LARGE') return texts.fileTooLarge(megabytes);
      this.options.context.logger.warn({ err: error, fileName: file.fileName }, 'telegram file not received');
      return texts.fileNotReceived;
    }
  }

  /** Hands the citizen's message to the gateway; returns once it is stored, the answer follows later. */
  private async acceptCitizen(input: CitizenInput): Promise<void> {
    // Rejects when the message could not be stored: the webhook's 503 makes Telegram deliver it again.
    const outcome = await this.gateway.accept({
      channel: channelId,
      externalId: input.externalId,
      sender: { externalId: String(input.from.id), displayName: displayNameOf(input.from), languageHint: input.from.language_code },
      text: input.text,
      parts: input.parts.length > 0 ? input.parts : undefined,
      channelData: { chatId: input.chatId },
    });
    this.options.track(outcome.answered);
    this.options.track(
      this.telegram
        .sendChatAction(input.chatId, 'typing')
        .catch(() => undefined),
    );
  }

  private async admitted(from: User, chatId: number): Promise<boolean> {
    const verdict = this.senderLimit.take(String(from.id));
    if (verdict === 'allowed') return true;
    this.options.context.logger.warn({ sender: from.id }, 'telegram sender over the rate limit; message dropped');
    if (verdict === 'just-limited') await this.queue(chatId, telegramTexts[await this.languageOf(from)].slowDown);
    return false;
  }

  private async onCallbackQuery(ctx: Context, query: CallbackQuery): Promise<void> {
    const message = query.message;
    const data = 'data' in query ? query.data : undefined;
    if (!message || data === undefined) {
      this.answerCallback(query.id);
      return;
    }
    const { chat } = message;
    const sent = isDigestCallbackData(data) ? await this.gateway.records.sentMessage(channelId, sentMessageId(chat.id, message.message_id)) : undefined;
    const value = buttonValueOf(data, sent ? buttonsOf(sent.message.parts) : []);
    if (value === undefined) {
      this.answerCallback(query.id, telegramTexts[await this.languageOf(query.from)].buttonExpired);
      return;
    }
    const isPrivate = chat.type === 'private';
    if (isClerkCommandText(value)) {
      if (isPrivate || this.isStaffChat(chat.id)) return this.onClerkButton(query, chat.id, message.message_id, value);
      this.answerCallback(query.id);
      return;
    }
    // Citizens' choices live in private chats; a button in a group belongs to no conversation.
    if (!isPrivate) {
      this.answerCallback(query.id);
      return;
    }
    this.answerCallback(query.id);
    // One press per choice: a consent pressed twice must not look like two answers.
    this.options.track(
      this.telegram.editMessageReplyMarkup(chat.id, message.message_id, undefined, { inline_keyboard: [] }).catch(() => undefined),
    );
    const externalId = `callback:${query.id}`;
    await this.perChat.run(chat.id, async () => {
      if (await this.gateway.alreadyAccepted(channelId, externalId)) return;
      if (!(await this.admitted(query.from, chat.id))) return;
      await this.acceptCitizen({ from: query.from, chatId: chat.id, externalId, text: value, parts: [] });
    });
  }

  /** "Preia", "Vezi" run at once; "Răspunde" asks the clerk for the text with a reply prompt. */
  private async onClerkButton(query: CallbackQuery, chatId: number, messageId: number, value: string): Promise<void> {
    const key = `callback:${query.id}`;
    const clerk = { kind: 'telegram' as const, value: String(query.from.id) };
    const name = commandNameOf(value);
    const needsText = (name === 'reply' || name === 'note') && missingText(value);
    if (needsText && (await this.gateway.identifyClerk(clerk))) {
      const label = /(\d{1,6})\/(\d{4})/.exec(value);
      const ticket = label ? await this.gateway.records.findTicketByLabel({ number: Number(label[1]), year: Number(label[2]) }) : undefined;
      const shownLabel = ticket?.label ?? value.trim().split(/\s+/)[1] ?? '';
      const prompted = await this.queue(
        chatId,
        name === 'note' ? clerkTexts.notePrompt(shownLabel) : clerkTexts.replyPrompt(shownLabel),
        { replyToMessageId: messageId, forceReply: true, pendingCommand: value.trim() },
        ticket?.id,
        key,
      );
      this.answerCallback(query.id, prompted ? clerkTexts.promptSent : undefined);
      return;
    }
    const outcome = await this.gateway.runClerkCommand({
      channel: channelId,
      claimKey: key,
      clerk,
      text: value,
      // A refusal goes to the one who pressed, not to the whole group.
      replyTo: (result) => (result.allowed ? { recipient: String(chatId), channelData: { chatId, replyToMessageId: messageId } } : undefined),
    });
    if (!outcome) {
      this.answerCallback(query.id);
      return;
    }
    this.answerCallback(query.id, outcome.text, !outcome.allowed);
  }

  private async onEditedMessage(message: Message): Promise<void> {
    // Edits are not answered again: the original was already answered (or is part of an intake), and
    // re-running it would register twice. In private chats the citizen is told to send a new message.
    const from = message.from;
    if (message.chat.type !== 'private' || !from || from.is_bot) return;
    const editDate = 'edit_date' in message ? message.edit_date : 0;
    await this.queue(message.chat.id, telegramTexts[await this.languageOf(from)].editIgnored, { replyToMessageId: message.message_id }, undefined, `edit:${message.chat.id}:${message.message_id}:${editDate}`);
  }

  private answerCallback(queryId: string, text?: string, showAlert = false): void {
    this.options.track(
      this.telegram
        .answerCbQuery(queryId, text?.slice(0, 200), { show_alert: showAlert })
        .catch((error: unknown) => this.options.context.logger.warn({ err: error }, 'answerCallbackQuery failed')),
    );
  }

  /**
   * Messages the adapter itself sends (notices, prompts) go through the outbox like every other. With a
   * claim key, said once per update: false when Telegram delivered it before.
   */
  private queue(chatId: number, text: string, data: TelegramDeliveryData = {}, ticketId?: number, claimKey?: string): Promise<boolean> {
    return this.gateway.notify({ channel: channelId, recipient: String(chatId), channelData: { chatId, ...data }, text, ticketId, claimKey });
  }

  /** The language of the user's latest conversation, else what their Telegram app says, else Romanian. */
  private async languageOf(from: User): Promise<Language> {
    return (await this.gateway.languageOf(channelId, String(from.id))) ?? languageFromHint(from.language_code) ?? 'ro';
  }
}

/** "/raspunde 3/2026 " from a staff notice button: the command without the text the clerk still has to write. */
function missingText(command: string): boolean {
  try {
    parseClerkCommand(command);
    return false;
  } catch (error) {
    if (error instanceof ClerkCommandSyntaxError) return true;
    throw error;
  }
}
