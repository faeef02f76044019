import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter, ChannelContext, Delivery } from '../../src/gateway/channel-contract.ts';
import { InboundRouter, whatsappChannelId } from './inbound-router.ts';
import { languageOfRecipient, renderOutbound } from './outbound-rendering.ts';
import type { WhatsappDriver } from './whatsapp-driver.ts';
import type { TownHallContacts } from './whatsapp-texts.ts';

export type DriverFactory = (context: ChannelContext, router: InboundRouter) => WhatsappDriver;

/**
 * The one WhatsApp channel the rest of the app sees, whichever driver talks to WhatsApp. The adapter
 * owns what both drivers share: the inbound router (dedupe, clerk commands, pipeline) and the rendering
 * of outbound messages (sources as text, buttons).
 */
export class WhatsappAdapter implements ChannelAdapter {
  readonly id = whatsappChannelId;
  /** A repeated Graph API or WhatsApp Web send shows the citizen a second message. */
  readonly idempotentSend = false;
  readonly router: InboundRouter;
  readonly driver: WhatsappDriver;
  private townHallContacts: () => TownHallContacts = () => ({});

  constructor(
    private readonly context: ChannelContext,
    createDriver: DriverFactory,
  ) {
    this.router = new InboundRouter(context, { townHallContacts: () => this.townHallContacts() });
    this.driver = createDriver(context, this.router);
  }

  async registerRoutes(app: FastifyInstance): Promise<void> {
    // The app is fully wired by the time routes are registered: borrow the town hall card.
    if (app.hasDecorator('functionar')) {
      this.townHallContacts = () => {
        const townHall = app.functionar.answering.knowledge?.townHall();
        return { phone: townHall?.phone, email: townHall?.email };
      };
    }
    await this.driver.registerRoutes?.(app);
  }

  async start(): Promise<void> {
    this.context.logger.info({ channel: whatsappChannelId, driver: this.driver.name }, 'whatsapp channel starting');
    await this.driver.start?.();
  }

  async send(delivery: Delivery): Promise<{ externalId?: string }> {
    const language = await languageOfRecipient(this.context.gateway, whatsappChannelId, delivery.recipient);
    return this.driver.send(delivery, renderOutbound(delivery.message, language), language);
  }

  /** New tickets are not announced on WhatsApp: outside the 24-hour window they would need a template each. */
  async staffRecipients(): Promise<string[]> {
    return [];
  }

  readiness(): { ready: boolean; reason?: string } {
    return this.driver.readiness();
  }

  async stop(): Promise<void> {
    await this.driver.stop?.();
    await this.router.settled();
  }
}
