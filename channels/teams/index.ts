import type { ChannelDefinition } from '../../src/gateway/channel-contract.ts';
import { teamsChannelId } from './conversation-references.ts';
import { teamsSenderIdentities } from './sender-identity.ts';

/**
 * Microsoft Teams for clerks: on with MICROSOFT_APP_ID, or TEAMS_LOCAL_MODE for the Bot Framework Emulator.
 * The Bot Framework SDK (~100 MB resident) is loaded only when Teams is configured.
 */
export const teamsChannel: ChannelDefinition = {
  id: teamsChannelId,
  senderIdentities: teamsSenderIdentities,
  // The Bot Framework token.
  authenticatedRoutes: ['POST /api/messages'],
  create: async (context) => {
    if (!context.config.teams.enabled) return undefined;
    const { TeamsChannelAdapter } = await import('./teams-adapter.ts');
    return new TeamsChannelAdapter(context);
  },
};
