import type { ChannelContext } from '../../src/gateway/channel-contract.ts';
import type { Language } from '../../src/language.ts';
import type { InboundMessage } from '../../src/messages.ts';
import { resolveNumberedChoice } from './outbound-rendering.ts';
import type { ReceivedMessage } from './received-message.ts';
import { whatsappTexts, type TownHallContacts } from './whatsapp-texts.ts';

export const whatsappChannelId = 'whatsapp';

export interface RouterOptions {
  /** The town hall's phone and e-mail, for "write or call" answers. */
  townHallContacts: () => TownHallContacts;
}

export interface Acceptance {
  /** Resolves once the message is safely stored (at once, normally); rejects when storing failed. */
  stored: Promise<void>;
  /** Resolves once the message is answered (or found to be a duplicate); never rejects. */
  processing: Promise<void>;
}

/**
 * Where both drivers hand what they received: it becomes an InboundMessage for the core's gateway, which
 * stores it (deduplicated by its WhatsApp id) before `stored` resolves, so a webhook can acknowledge at
 * once; answering continues in the background. The router only says what WhatsApp-specific: voice notes
 * and unreadable messages get a fixed answer, a digit picks one of the options offered.
 */
export class InboundRouter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly context: ChannelContext,
    private readonly options: RouterOptions,
  ) {}

  accept(received: ReceivedMessage): Acceptance {
    const accepted = this.route(received);
    const processing = accepted
      .then((outcome) => outcome.answered)
      .then(
        () => undefined,
        (error: unknown) => {
          this.context.logger.error({ err: error, channel: whatsappChannelId, messageId: received.externalId }, 'whatsapp message could not be answered');
        },
      );
    this.pending.add(processing);
    void processing.finally(() => this.pending.delete(processing));
    return { stored: accepted.then(() => undefined), processing };
  }

  /** Waits for the answers still being prepared (graceful shutdown, tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private inboundOf(received: ReceivedMessage, text: string): InboundMessage {
    return {
      channel: whatsappChannelId,
      externalId: received.externalId,
      sender: { externalId: received.from, displayName: received.displayName },
      text,
      parts: received.parts.length > 0 ? received.parts : undefined,
      channelData: { ...received.channelData, lastInboundAt: received.sentAt.toISOString() },
    };
  }

  private async route(received: ReceivedMessage) {
    const { gateway, logger } = this.context;
    if (received.kind !== 'message') {
      const contacts = this.options.townHallContacts();
      const fixedAnswers = {
        voice: (language: Language) => whatsappTexts[language].voiceNote(contacts),
        unsupported: (language: Language) => whatsappTexts[language].unsupported(contacts),
        media_failed: (language: Language) => whatsappTexts[language].mediaFailed,
      };
      return gateway.accept(this.inboundOf(received, received.text), {
        fixedAnswer: { intent: received.kind === 'voice' ? 'voice_note' : received.kind, text: fixedAnswers[received.kind] },
      });
    }
    // A clerk's command stays out of the citizens' conversations (and the indicators); the confirmation
    // goes back to the clerk, whose message just opened the 24-hour window for it (Cloud API).
    const choice = await resolveNumberedChoice(gateway, whatsappChannelId, received.from, received.text);
    const outcome = await gateway.accept(this.inboundOf(received, choice ?? received.text), {
      clerk: { kind: 'whatsapp', value: received.from },
      clerkReply: { recipient: received.from, channelData: { ...received.channelData, lastInboundAt: received.sentAt.toISOString() } },
    });
    if (outcome.route === 'duplicate') logger.info({ channel: whatsappChannelId, messageId: received.externalId }, 'duplicate whatsapp delivery: not answered again');
    return outcome;
  }
}
