import { TelegramError } from 'telegraf';
import { DeliveryError } from '../../src/gateway/channel-contract.ts';

/**
 * Whether the outbox should try again. Telegram says so itself: 429 carries `retry_after` seconds,
 * 5xx and network failures pass; 400 (bad request) and 403 (the citizen blocked the bot, left the
 * group) will fail the same way every time. 401 and 409 are the town hall's configuration (a revoked
 * token, a webhook set elsewhere): once the administrator fixes it, the message can still go out.
 */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof TelegramError) {
    const code = error.code;
    const description = `Telegram ${code}: ${error.description}`;
    if (code === 429) {
      const seconds = Number(error.parameters?.retry_after);
      return new DeliveryError(description, true, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
    }
    if (code >= 500 || code === 401 || code === 409) return new DeliveryError(description, true);
    return new DeliveryError(description, false);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Telegram unreachable: ${message}`, true);
}
