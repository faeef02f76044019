import type { Command } from 'commander';
import { webhookPath } from '../../channels/telegram/webhook-route.ts';
import type { Config } from '../config.ts';
import type { CommandRegistrar } from './command-registrars.ts';

// `functionar telegram set-webhook | webhook-info | delete-webhook`: tells Telegram where to deliver
// updates. telegraf is loaded only when one of these runs, so the rest of the CLI starts fast.

export class TelegramSetupError extends Error {
  constructor(
    readonly code: 'FV_ERR_TELEGRAM_NOT_CONFIGURED' | 'FV_ERR_TELEGRAM_PUBLIC_URL' | 'FV_ERR_TELEGRAM_MODE',
    message: string,
  ) {
    super(message);
  }
}

export interface WebhookStatus {
  url: string;
  pendingUpdateCount: number;
  lastErrorMessage?: string;
  allowedUpdates?: string[];
}

async function telegramClient(config: Config) {
  if (!config.telegram.botToken) throw new TelegramSetupError('FV_ERR_TELEGRAM_NOT_CONFIGURED', 'TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)');
  const { Telegraf } = await import('telegraf');
  return new Telegraf(config.telegram.botToken, { telegram: config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {} }).telegram;
}

/** The webhook address for this server: PUBLIC_URL + /webhooks/telegram. */
export function webhookUrl(config: Config): string {
  if (!config.publicUrl) throw new TelegramSetupError('FV_ERR_TELEGRAM_PUBLIC_URL', 'PUBLIC_URL is not set: Telegram needs the address it can reach this server at');
  const url = new URL(config.publicUrl);
  if (url.protocol !== 'https:') throw new TelegramSetupError('FV_ERR_TELEGRAM_PUBLIC_URL', `PUBLIC_URL must be https:// (Telegram calls webhooks over HTTPS only), got ${url.protocol}//`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${webhookPath}`;
}

export async function setTelegramWebhook(config: Config, options: { dropPendingUpdates?: boolean } = {}): Promise<WebhookStatus> {
  if (config.telegram.mode === 'polling') {
    throw new TelegramSetupError('FV_ERR_TELEGRAM_MODE', 'TELEGRAM_MODE=polling: the server fetches updates itself; set TELEGRAM_MODE=webhook to use a webhook');
  }
  if (!config.telegram.webhookSecret) throw new TelegramSetupError('FV_ERR_TELEGRAM_NOT_CONFIGURED', 'TELEGRAM_WEBHOOK_SECRET is not set');
  const url = webhookUrl(config);
  const telegram = await telegramClient(config);
  const { allowedUpdates } = await import('../../channels/telegram/telegram-adapter.ts');
  await telegram.setWebhook(url, {
    secret_token: config.telegram.webhookSecret,
    allowed_updates: [...allowedUpdates],
    drop_pending_updates: options.dropPendingUpdates ?? false,
  });
  return telegramWebhookStatus(config);
}

export async function telegramWebhookStatus(config: Config): Promise<WebhookStatus> {
  const telegram = await telegramClient(config);
  const info = await telegram.getWebhookInfo();
  return {
    url: info.url ?? '',
    pendingUpdateCount: info.pending_update_count,
    ...(info.last_error_message ? { lastErrorMessage: info.last_error_message } : {}),
    ...(info.allowed_updates ? { allowedUpdates: info.allowed_updates } : {}),
  };
}

export async function deleteTelegramWebhook(config: Config): Promise<void> {
  const telegram = await telegramClient(config);
  await telegram.deleteWebhook();
}

function printStatus(status: WebhookStatus): void {
  console.log(`Webhook: ${status.url || '(none)'}`);
  console.log(`Updates waiting at Telegram: ${status.pendingUpdateCount}`);
  if (status.allowedUpdates) console.log(`Update kinds: ${status.allowedUpdates.join(', ')}`);
  if (status.lastErrorMessage) console.log(`Last delivery error reported by Telegram: ${status.lastErrorMessage}`);
}

async function report(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    // Setup problems and Telegram's own answers ("401: Unauthorized") are one line for the administrator.
    console.error(`telegram: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

export const registerTelegramCommands: CommandRegistrar = (program: Command, environment) => {
  const telegram = program.command('telegram').description('Telegram channel set-up');
  telegram
    .command('set-webhook')
    .description('register PUBLIC_URL/webhooks/telegram with Telegram, with TELEGRAM_WEBHOOK_SECRET')
    .option('--drop-pending-updates', 'discard updates Telegram queued while no webhook was set')
    .action((options: { dropPendingUpdates?: boolean }) =>
      report(async () => {
        const status = await setTelegramWebhook(environment.config(), { dropPendingUpdates: Boolean(options.dropPendingUpdates) });
        console.log('Telegram webhook set.');
        printStatus(status);
      }),
    );
  telegram
    .command('webhook-info')
    .description('show where Telegram delivers updates and its last delivery error')
    .action(() => report(async () => printStatus(await telegramWebhookStatus(environment.config()))));
  telegram
    .command('delete-webhook')
    .description('stop webhook delivery (before switching to TELEGRAM_MODE=polling)')
    .action(() =>
      report(async () => {
        await deleteTelegramWebhook(environment.config());
        console.log('Telegram webhook deleted.');
      }),
    );
};
