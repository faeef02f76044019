import type { ChannelDefinition } from '../src/gateway/channel-contract.ts';
import { webchatChannel } from './webchat/index.ts';
import { whatsappChannel } from './whatsapp/index.ts';
import { telegramChannel } from './telegram/index.ts';
import { teamsChannel } from './teams/index.ts';

/** Every channel the bot core knows. Adding a channel: a folder here and one line in this list. */
export const channelDefinitions: ChannelDefinition[] = [webchatChannel, telegramChannel, whatsappChannel, teamsChannel];
