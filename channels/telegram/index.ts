import type { ChannelDefinition } from '../../src/gateway/channel-contract.ts';
import { channelId } from './update-handler.ts';
import { telegramSenderIdentities } from './sender-identity.ts';
import { webhookPath } from './webhook-route.ts';

/**
 * Telegram is on when TELEGRAM_BOT_TOKEN is set (config checks the webhook secret in webhook mode).
 * telegraf is loaded only then.
 */
export const telegramChannel: ChannelDefinition = {
  id: channelId,
  senderIdentities: telegramSenderIdentities,
  // The secret header is checked before anything is read.
  authenticatedRoutes: [`POST ${webhookPath}`],
  create: async (context) => {
    const { botToken, mode, webhookSecret, apiRoot, staffChatId } = context.config.telegram;
    if (!botToken) return undefined;
    const { TelegramAdapter } = await import('./telegram-adapter.ts');
    return new TelegramAdapter(context, { botToken, mode, webhookSecret, apiRoot, staffChatId });
  },
};
