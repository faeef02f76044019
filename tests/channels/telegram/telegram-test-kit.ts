import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { FakeTelegramApi, type SentMessage } from '../../fakes/fake-telegram-api.ts';
import { eventually, startTestApp, type TestApp } from '../../helpers/test-app.ts';

// Real update payloads (tests/fixtures/telegram) with fresh ids per use, posted to the real webhook route.

const fixtureDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/telegram');
export const webhookSecret = 'test-secret_7f3a9c1e5b';
export const staffChatId = -1001876543210;

type Json = Record<string, any>;

export function fixture(name: string): Json {
  return JSON.parse(fs.readFileSync(path.join(fixtureDirectory, `${name}.json`), 'utf8')) as Json;
}

// Update ids and message ids are unique per test file run; chats get their own ids per test.
let nextUpdateId = 815300000 + Math.floor(Math.random() * 1000) * 1000;
let nextMessageId = 500;
let nextUserId = 600000000 + Math.floor(Math.random() * 100000) * 100;

export function newUserId(): number {
  nextUserId += 1;
  return nextUserId;
}

export interface Citizen {
  id: number;
  languageCode: string;
  firstName: string;
}

export function citizen(languageCode = 'ro', firstName = 'Ion'): Citizen {
  return { id: newUserId(), languageCode, firstName };
}

function userOf(person: Citizen): Json {
  return { id: person.id, is_bot: false, first_name: person.firstName, language_code: person.languageCode };
}

function privateChatOf(person: Citizen): Json {
  return { id: person.id, first_name: person.firstName, type: 'private' };
}

/**
 * A private text message with the ids the caller chooses: a test that redelivers an update, or a
 * benchmark that sends thousands, needs the same ids every time. Built on the recorded text fixture.
 */
export function textUpdate(options: { updateId: number; messageId?: number; chatId: number; text: string; languageCode?: string; firstName?: string }): Json {
  const { chatId, firstName = 'Cetățean' } = options;
  const update = fixture('private-text-message');
  update.update_id = options.updateId;
  update.message = {
    ...update.message,
    message_id: options.messageId ?? options.updateId,
    date: Math.floor(Date.now() / 1000),
    from: { id: chatId, is_bot: false, first_name: firstName, language_code: options.languageCode ?? 'ro' },
    chat: { id: chatId, first_name: firstName, type: 'private' },
    text: options.text,
  };
  return update;
}

/** A private message from `person`, built on a fixture (text by default), with fresh ids. */
export function privateMessage(person: Citizen, fields: Json = {}, base = 'private-text-message'): Json {
  const update = fixture(base);
  const message = update.message as Json;
  update.update_id = (nextUpdateId += 1);
  message.message_id = (nextMessageId += 1);
  message.from = userOf(person);
  message.chat = privateChatOf(person);
  message.date = Math.floor(Date.now() / 1000);
  // The text fixture's words are only a default: a sticker or a photo built on it carries no text.
  if (base === 'private-text-message' && !('text' in fields)) delete message.text;
  Object.assign(message, fields);
  return update;
}

export function textFrom(person: Citizen, text: string): Json {
  return privateMessage(person, { text });
}

/** `person` presses the inline button with `callbackData` under the bot's message `sent`. */
export function buttonPress(person: { id: number; languageCode?: string; firstName?: string }, sent: SentMessage, callbackData: string): Json {
  const update = fixture('callback-query');
  const query = update.callback_query as Json;
  update.update_id = (nextUpdateId += 1);
  query.id = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  query.from = { id: person.id, is_bot: false, first_name: person.firstName ?? 'Ion', language_code: person.languageCode ?? 'ro' };
  const chatId = Number(sent.chatId);
  query.message = {
    ...query.message,
    message_id: sent.messageId,
    chat: chatId < 0 ? { id: chatId, title: 'Funcționari Primăria Bălăușeri', type: 'supergroup' } : { id: chatId, first_name: person.firstName ?? 'Ion', type: 'private' },
    text: sent.text,
    reply_markup: sent.replyMarkup,
  };
  query.data = callbackData;
  return update;
}

/** A message in the staff group from `userId`, optionally replying to one of the bot's messages. */
export function staffGroupMessage(userId: number, text: string, replyTo?: SentMessage): Json {
  const update = fixture('staff-reply-message');
  const message = update.message as Json;
  update.update_id = (nextUpdateId += 1);
  message.message_id = (nextMessageId += 1);
  message.from = { ...message.from, id: userId };
  message.chat = { ...message.chat, id: staffChatId };
  message.text = text;
  if (replyTo) message.reply_to_message = { ...message.reply_to_message, message_id: replyTo.messageId, text: replyTo.text, chat: message.chat };
  else delete message.reply_to_message;
  return update;
}

/** `secret: null` sends no secret header at all. */
export async function postUpdate(app: FastifyInstance, update: unknown, secret: string | null = webhookSecret) {
  return app.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    payload: typeof update === 'string' ? update : JSON.stringify(update),
  });
}

export interface TelegramTestApp extends TestApp {
  telegram: FakeTelegramApi;
  /** Posts an update and checks the webhook accepted it. */
  deliver(update: unknown): Promise<void>;
  /** Waits until `chatId` has received `count` more messages than `before`, and returns the new ones. */
  nextMessages(chatId: number | string, before: number, count?: number): Promise<SentMessage[]>;
}

export async function startTelegramApp(environment: Record<string, string> = {}, options: { dataDirectory?: string; telegram?: FakeTelegramApi } = {}): Promise<TelegramTestApp> {
  const telegram = options.telegram ?? (await FakeTelegramApi.start());
  const testApp = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: webhookSecret,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_STAFF_CHAT_ID: String(staffChatId),
      PUBLIC_URL: 'https://bot.primaria-balauseri.ro',
      OUTBOX_POLL_MS: '50',
      LOG_LEVEL: 'warn',
      ...environment,
    },
    options,
  );
  return {
    ...testApp,
    telegram,
    close: async () => {
      await testApp.close();
      if (!options.telegram) await telegram.close();
    },
    deliver: async (update) => {
      const response = await postUpdate(testApp.app, update);
      if (response.statusCode !== 200) throw new Error(`webhook answered ${response.statusCode}: ${response.body}`);
    },
    nextMessages: (chatId, before, count = 1) =>
      eventually(
        () => {
          const messages = telegram.sentMessages(chatId);
          return messages.length >= before + count ? messages.slice(before) : undefined;
        },
        8000,
        `${count} Telegram message(s) to ${chatId}`,
      ),
  };
}

/** Says `text` as `person` and returns the bot's answers (waits for `count` of them). */
export async function converse(testApp: TelegramTestApp, person: Citizen, update: unknown, count = 1): Promise<SentMessage[]> {
  const before = testApp.telegram.sentMessages(person.id).length;
  await testApp.deliver(update);
  return testApp.nextMessages(person.id, before, count);
}

export function buttonsOf(message: SentMessage | undefined): { text: string; callback_data: string }[] {
  return (message?.replyMarkup?.inline_keyboard ?? []).flat();
}
