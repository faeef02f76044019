// What the adapter needs to remember lives in records the core keeps anyway: the outbox entry of each
// message the bot sent records Telegram's id for it, its ticket and its buttons, so a pressed button or a
// clerk's reply to a ticket announcement is understood also after a restart (read through the gateway).

/** The outbox's external id of a message sent to Telegram: unique per bot because message ids are per chat. */
export function sentMessageId(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

/** What a Telegram delivery may carry besides the recipient; set by the adapter on its own outbox entries. */
export interface TelegramDeliveryData {
  chatId?: number | string;
  /** Shown as a reply to this message of the same chat. */
  replyToMessageId?: number;
  /** Asks the clerk's app to open a reply to this message (Telegram's force_reply). */
  forceReply?: boolean;
  /** The clerk command a reply to this message completes, e.g. "/raspunde 3/2026". */
  pendingCommand?: string;
}
