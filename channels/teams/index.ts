import type { ChannelDefinition } from '../../src/channels/channel-adapter.ts';
import { teamsChannelId } from './conversation-references.ts';
import { TeamsChannelAdapter } from './teams-adapter.ts';

/** Microsoft Teams for clerks: on with MICROSOFT_APP_ID, or TEAMS_LOCAL_MODE for the Bot Framework Emulator. */
export const teamsChannel: ChannelDefinition = {
  id: teamsChannelId,
  create: (context) => (context.config.teams.enabled ? new TeamsChannelAdapter(context) : undefined),
};
