import type { ChannelDefinition } from '../../src/channels/channel-adapter.ts';
import { TelegramAdapter } from './telegram-adapter.ts';
import { channelId } from './update-handler.ts';

/** Telegram is on when TELEGRAM_BOT_TOKEN is set (config checks the webhook secret in webhook mode). */
export const telegramChannel: ChannelDefinition = {
  id: channelId,
  create: (context) => {
    const { botToken, mode, webhookSecret, apiRoot, staffChatId } = context.config.telegram;
    if (!botToken) return undefined;
    return new TelegramAdapter(context, { botToken, mode, webhookSecret, apiRoot, staffChatId });
  },
};
