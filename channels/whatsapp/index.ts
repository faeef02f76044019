import path from 'node:path';
import type { ChannelDefinition } from '../../src/gateway/channel-contract.ts';
import { CloudApiDriver, webhookPath } from './cloud/cloud-driver.ts';
import { defaultGraphApiRoot } from './cloud/graph-api-client.ts';
import { whatsappChannelId } from './inbound-router.ts';
import { createWhatsappWebClient } from './web/web-client.ts';
import { WhatsappWebDriver } from './web/web-driver.ts';
import { WhatsappAdapter } from './whatsapp-adapter.ts';
import { whatsappSenderIdentities } from './sender-identity.ts';

export { WhatsappAdapter } from './whatsapp-adapter.ts';

/**
 * WhatsApp through the official Cloud API when WHATSAPP_CLOUD_TOKEN is set (recommended), otherwise
 * through WhatsApp Web automation when WHATSAPP_WEB_ENABLED=true; off when neither is configured.
 */
export const whatsappChannel: ChannelDefinition = {
  id: whatsappChannelId,
  senderIdentities: whatsappSenderIdentities,
  // The verify token (subscription) and the body's signature (notifications).
  authenticatedRoutes: [`GET ${webhookPath}`, `POST ${webhookPath}`],
  create(context) {
    const { whatsapp, dataDirectory } = context.config;
    if (whatsapp.cloudToken && whatsapp.appSecret && whatsapp.phoneNumberId && whatsapp.verifyToken) {
      if (whatsapp.webEnabled) context.logger.warn({ channel: whatsappChannelId }, 'both WhatsApp drivers configured: using the Cloud API, WHATSAPP_WEB_ENABLED is ignored');
      const cloud = {
        graphApiRoot: whatsapp.graphApiRoot ?? defaultGraphApiRoot,
        token: whatsapp.cloudToken,
        phoneNumberId: whatsapp.phoneNumberId,
        appSecret: whatsapp.appSecret,
        verifyToken: whatsapp.verifyToken,
        templateName: whatsapp.templateName,
        templateLanguage: whatsapp.templateLanguage,
      };
      return new WhatsappAdapter(context, (driverContext, router) => new CloudApiDriver(driverContext, router, cloud));
    }
    if (whatsapp.webEnabled) {
      const web = {
        clientFactory: createWhatsappWebClient,
        whatsappDirectory: path.join(dataDirectory, 'whatsapp'),
        chromiumPath: whatsapp.chromiumPath ?? '/usr/bin/chromium',
        allowGroups: whatsapp.webAllowGroups,
        qrToken: whatsapp.qrToken,
      };
      return new WhatsappAdapter(context, (driverContext, router) => new WhatsappWebDriver(driverContext, router, web));
    }
    return undefined;
  },
};
