import type { FastifyInstance } from 'fastify';
import type { Update } from 'telegraf/types';
import { UnauthorizedError, UnavailableError } from '../../src/errors.ts';
import { safeEqual } from '../../src/security/constant-time.ts';

export const webhookPath = '/webhooks/telegram';
const secretHeader = 'x-telegram-bot-api-secret-token';

const chatSchema = { type: 'object', required: ['id', 'type'], properties: { id: { type: 'integer' }, type: { type: 'string' } } };
const userSchema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, is_bot: { type: 'boolean' }, language_code: { type: 'string', maxLength: 35 } } };
const fileProperties = {
  file_id: { type: 'string', minLength: 1, maxLength: 512 },
  file_unique_id: { type: 'string', minLength: 1, maxLength: 512 },
  file_size: { type: 'integer', minimum: 0 },
};
const fileSchema = {
  type: 'object',
  required: ['file_id', 'file_unique_id'],
  properties: { ...fileProperties, file_name: { type: 'string', maxLength: 1024 }, mime_type: { type: 'string', maxLength: 255 } },
};
const photoSizeSchema = {
  type: 'object',
  required: ['file_id', 'file_unique_id', 'width', 'height'],
  properties: { ...fileProperties, width: { type: 'integer', minimum: 0 }, height: { type: 'integer', minimum: 0 } },
};
/** The message a reply or a button press points back to; Telegram may send it without a date or text. */
const referencedMessageSchema = {
  type: 'object',
  required: ['message_id', 'chat'],
  properties: { message_id: { type: 'integer' }, chat: chatSchema, from: userSchema },
};
const messageSchema = {
  type: 'object',
  required: ['message_id', 'chat', 'date'],
  properties: {
    message_id: { type: 'integer' },
    date: { type: 'integer' },
    edit_date: { type: 'integer' },
    chat: chatSchema,
    from: userSchema,
    text: { type: 'string', maxLength: 4096 },
    caption: { type: 'string', maxLength: 4096 },
    photo: { type: 'array', maxItems: 20, items: photoSizeSchema },
    document: fileSchema,
    voice: fileSchema,
    location: { type: 'object', required: ['latitude', 'longitude'], properties: { latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number', minimum: -180, maximum: 180 } } },
    reply_to_message: referencedMessageSchema,
  },
};

/**
 * The shape of what the adapter reads; anything else Telegram adds passes through untouched (it adds
 * fields with every Bot API version), anything malformed in these fields is a 400.
 */
const updateSchema = {
  type: 'object',
  required: ['update_id'],
  properties: {
    update_id: { type: 'integer', minimum: 0 },
    message: messageSchema,
    edited_message: messageSchema,
    channel_post: { type: 'object' },
    edited_channel_post: { type: 'object' },
    callback_query: {
      type: 'object',
      required: ['id', 'from'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 128 }, from: userSchema, data: { type: 'string', maxLength: 64 }, message: referencedMessageSchema },
    },
  },
};

const errorResponse = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

/**
 * `POST /webhooks/telegram`. The secret is checked before the body is even parsed. The route answers
 * once the update is stored (or known to be a redelivery): the answer itself is written later and
 * delivered by the outbox, so Telegram never waits for the language model.
 */
export function registerWebhookRoute(app: FastifyInstance, secret: string, accept: (update: Update) => Promise<void>): void {
  app.post<{ Body: Update }>(
    webhookPath,
    {
      onRequest: async (request) => {
        // Constant time, and a missing header never matches.
        if (!safeEqual(request.headers[secretHeader], secret)) {
          throw new UnauthorizedError('FV_ERR_TELEGRAM_SECRET', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
        }
      },
      schema: {
        body: updateSchema,
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, '4xx': errorResponse, '5xx': errorResponse },
      },
    },
    async (request) => {
      try {
        await accept(request.body);
      } catch (error) {
        request.log.error({ err: error, updateId: request.body.update_id }, 'telegram update not stored');
        // Not stored: a 503 makes Telegram deliver the update again later.
        throw new UnavailableError('FV_ERR_TELEGRAM_UPDATE_NOT_STORED', 'The update could not be stored now; deliver it again later');
      }
      return { ok: true };
    },
  );
}
