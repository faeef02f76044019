import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, TurnContext, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type ConversationReference } from 'botbuilder';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import type { ChannelStateStore } from '../../src/gateway/channel-state-store.ts';
import type { InboundGateway } from '../../src/gateway/inbound-gateway.ts';
import { normalizeTeamsId } from '../../src/tickets/clerk-directory.ts';
import { BotCredentialsFactory, botConnectorScope } from './bot-credentials.ts';
import { cardActionVerb, commandOfCardAction, isCardActionData, textActivity, type TeamsActivity } from './cards.ts';
import { rememberConversation, teamsChannelId, type TeamsConversationKind } from './conversation-references.ts';
import { teamsTexts } from './teams-texts.ts';

// The Bot Framework side of the Teams channel: botbuilder's CloudAdapter (as teams-ai's TeamsAdapter,
// configured through ConfigurationBotFrameworkAuthentication) checks each activity's token and gives
// a TurnContext; teams-ai's Application routes it — Adaptive Card submits, the bot being added to a
// team or chat, and clerks' text commands. Loaded only when Teams is enabled (the libraries are heavy).

export interface TeamsBotOptions {
  config: Config;
  logger: Logger;
  gateway: InboundGateway;
  state: ChannelStateStore;
}

export interface TeamsHttpResult {
  status: number;
  body?: unknown;
}

/** What a token check that never finishes (signing keys unreachable) may cost a request before it is refused. */
const authenticationTimeoutMs = 10_000;

const publicCloud = {
  oAuthScope: botConnectorScope,
  channelTokenIssuer: 'https://api.botframework.com',
  userTokenServiceUrl: 'https://api.botframework.com',
  callerId: 'urn:botframework:azure',
};

/** Every endpoint spelled out: botbuilder takes all of them as given once one is set (see BotFrameworkAuthenticationFactory). */
export function authenticationOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  const { appId, tenantId, loginApiRoot, botOpenIdApiRoot } = config.microsoft;
  return {
    MicrosoftAppId: appId ?? '',
    MicrosoftAppTenantId: tenantId ?? '',
    ToChannelFromBotLoginUrl: `${loginApiRoot}/${tenantId ?? 'botframework.com'}`,
    ToChannelFromBotOAuthScope: publicCloud.oAuthScope,
    ToBotFromChannelTokenIssuer: publicCloud.channelTokenIssuer,
    ToBotFromChannelOpenIdMetadataUrl: `${botOpenIdApiRoot}/v1/.well-known/openidconfiguration`,
    ToBotFromEmulatorOpenIdMetadataUrl: `${loginApiRoot}/common/v2.0/.well-known/openid-configuration`,
    OAuthUrl: publicCloud.userTokenServiceUrl,
    CallerId: publicCloud.callerId,
    ValidateAuthority: true,
  } as ConfigurationBotFrameworkAuthenticationOptions;
}

/** `processActivity` is what `process(req, res)` calls after parsing; going straight to it lets the route answer with coded JSON errors. */
class FunctionarTeamsAdapter extends TeamsAdapter {
  handleActivity(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

interface TeamsChannelData {
  channel?: { id?: string; name?: string };
  team?: { id?: string; name?: string };
}

/** The channel a channel message belongs to: its conversation id carries ";messageid=…" of the thread. */
export function channelIdOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as TeamsChannelData | undefined;
  return channelData?.channel?.id ?? activity.conversation?.id?.split(';')[0];
}

/** Teams sends the text with the bot's mention already removed by teams-ai; what is left may carry HTML spaces. */
function commandText(text: string | undefined): string {
  return (text ?? '').replace(/&nbsp;|\u00a0/g, ' ').replace(/<at>[^<]*<\/at>/g, ' ').trim();
}

/** Activities arrive as parsed JSON: the dates botbuilder expects as Date objects are strings (as in its own process()). */
function activityFromBody(body: Record<string, unknown>): Activity {
  const activity = { ...body } as unknown as Activity & Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      (activity as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return activity;
}

/**
 * The Bot Connector client retries 5xx answers and dropped connections on its own (Azure core's default
 * retry policy). A connection dropped after the request left may already have posted the message, and
 * the Bot Connector has no idempotency key: so this turn's client sends once, and the outbox — which
 * knows which failures are safe to repeat — decides about trying again.
 */
function withoutClientRetries(context: TurnContext, connectorClientKey: symbol): void {
  const connector = context.turnState.get(connectorClientKey) as { client?: { pipeline?: { removePolicy(options: { phase: 'Retry' }): unknown } } } | undefined;
  connector?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}

export class TeamsBot {
  private readonly adapter: FunctionarTeamsAdapter;
  private readonly application: Application;
  private readonly appId: string;

  constructor(private readonly options: TeamsBotOptions) {
    const { config, logger } = options;
    this.appId = config.microsoft.appId ?? '';
    this.adapter = new FunctionarTeamsAdapter(authenticationOptions(config), new BotCredentialsFactory(config.microsoft.appId, config.microsoft.appPassword));
    this.application = new Application({
      adapter: this.adapter,
      botAppId: this.appId,
      // A channel message starts with "@Funcționar Virtual": the command is what follows.
      removeRecipientMention: true,
      // Answers are immediate; a typing indicator would only add traffic.
      startTypingTimer: false,
      longRunningMessages: false,
      adaptiveCards: { actionSubmitFilter: 'verb' },
    });
    this.application.adaptiveCards.actionSubmit(cardActionVerb, async (context, _state, data) => {
      if (isCardActionData(data)) await this.runCommand(context, commandOfCardAction(data));
    });
    this.application.conversationUpdate('membersAdded', async (context) => this.onMembersAdded(context));
    this.application.activity(ActivityTypes.InstallationUpdate, async (context) => {
      await this.remember(context);
    });
    this.application.activity(ActivityTypes.Message, async (context) => {
      const text = commandText(context.activity.text);
      if (text) await this.runCommand(context, text);
    });
    this.adapter.use(async (context, next) => {
      withoutClientRetries(context, this.adapter.ConnectorClientKey);
      await next();
    });
    // Anything a handler throws ends here: logged (masked), and the clerk is told to check before repeating.
    this.adapter.onTurnError = async (context, error) => {
      logger.error({ err: error, activityType: context.activity.type }, 'teams turn failed');
      await context.sendActivity(textActivity(teamsTexts.internalError)).catch(() => undefined);
    };
  }

  /**
   * One POST /api/messages. Token checks happen before `logic`; a failure there (missing, forged or
   * expired token, signing keys unreachable or too slow) is a 401 and nothing runs.
   */
  async handle(authorization: string, body: Record<string, unknown>): Promise<TeamsHttpResult> {
    const activity = activityFromBody(body);
    let admitted = false;
    let abandoned = false;
    let markAdmitted: () => void = () => undefined;
    const admission = new Promise<'admitted'>((resolve) => {
      markAdmitted = () => resolve('admitted');
    });
    const processing = this.adapter
      .handleActivity(authorization, activity, async (context) => {
        if (abandoned) return;
        admitted = true;
        markAdmitted();
        await this.application.run(context);
      })
      .then(
        (response) => ({ kind: 'done' as const, response }),
        (error: unknown) => ({ kind: 'failed' as const, error }),
      );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), authenticationTimeoutMs);
    });
    try {
      const first = await Promise.race([processing, admission, timeout]);
      if (first === 'timeout' && !admitted) {
        abandoned = true;
        this.options.logger.warn({ activityType: activity.type }, 'teams activity refused: its token could not be checked in time');
        return { status: 401 };
      }
    } finally {
      clearTimeout(timer);
    }
    const outcome = await processing;
    if (outcome.kind === 'failed') {
      if (!admitted) {
        this.options.logger.warn({ reason: (outcome.error as Error)?.message, activityType: activity.type }, 'teams activity refused: authentication failed');
        return { status: 401 };
      }
      this.options.logger.error({ err: outcome.error }, 'teams activity failed');
      return { status: 500 };
    }
    return outcome.response ? { status: outcome.response.status, body: outcome.response.body } : { status: 200 };
  }

  /** Posts to a conversation the bot knows (the staff channel, a clerk's chat) outside any incoming turn. */
  async sendProactive(reference: Partial<ConversationReference>, activity: TeamsActivity): Promise<string | undefined> {
    let sentId: string | undefined;
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      // A new message, not a reply: botbuilder would otherwise address it to the id of its own continuation event.
      context.onSendActivities(async (_context, activities, next) => {
        for (const outgoing of activities) delete outgoing.replyToId;
        return next();
      });
      // Caught here: the adapter's turn-error handler would otherwise swallow it and the outbox would record a success.
      try {
        sentId = (await context.sendActivity(activity))?.id;
      } catch (error) {
        failure = error;
      }
    });
    if (failure) throw failure;
    return sentId;
  }

  private identityOf(activity: Activity): string | undefined {
    // One spelling of an Entra ID object id everywhere (clerk lookup, the clerk's remembered chat).
    if (activity.from?.aadObjectId) return normalizeTeamsId(activity.from.aadObjectId);
    // The Bot Framework Emulator has no Entra ID user: in local mode its user id stands in.
    return this.options.config.teams.localMode ? activity.from?.id : undefined;
  }

  /** Keeps the conversation reference of team channels, and of clerks' own chats, for proactive messages. */
  private async remember(context: TurnContext): Promise<void> {
    const { activity } = context;
    const reference = TurnContext.getConversationReference(activity);
    delete reference.activityId;
    const now = new Date();
    const type = activity.conversation?.conversationType;
    if (type === 'channel') {
      const channelId = channelIdOf(activity);
      if (!channelId) return;
      const channelData = activity.channelData as TeamsChannelData | undefined;
      await rememberConversation(
        this.options.state,
        channelId,
        {
          kind: 'channel',
          conversationReference: { ...reference, conversation: { ...reference.conversation!, id: channelId } },
          teamName: channelData?.team?.name,
          displayName: channelData?.channel?.name ?? channelData?.team?.name,
        },
        now,
      );
      return;
    }
    const identity = this.identityOf(activity);
    if (!identity || !(await this.options.gateway.identifyClerk({ kind: 'teams', value: identity }))) return;
    const kind: TeamsConversationKind = type === 'groupChat' ? 'group' : 'clerk';
    // A clerk's personal chat is keyed by the clerk (the digest finds it); a group chat by itself.
    await rememberConversation(this.options.state, kind === 'clerk' ? identity : reference.conversation!.id, { kind, conversationReference: reference, displayName: activity.from?.name }, now);
  }

  private async runCommand(context: TurnContext, text: string): Promise<void> {
    const { activity } = context;
    const { gateway, logger } = this.options;
    await this.remember(context);
    const identity = this.identityOf(activity);
    // Teams redelivers an activity when our answer was slow or lost: activity ids are unique within a
    // conversation, so the pair is the claim. Without an Entra ID user nobody can be a clerk; the runner
    // still records the attempt. The answer is given in this turn, not through the outbox.
    const outcome = await gateway.runClerkCommand({
      channel: teamsChannelId,
      claimKey: activity.id ? `${activity.conversation?.id ?? ''}|${activity.id}` : undefined,
      clerk: { kind: 'teams', value: identity ?? `unverified:${activity.from?.id ?? 'unknown'}` },
      text,
    });
    if (!outcome) {
      logger.info({ activityId: activity.id }, 'teams activity delivered again; already handled');
      return;
    }
    await context.sendActivity(textActivity(outcome.text));
  }

  private async onMembersAdded(context: TurnContext): Promise<void> {
    const { activity } = context;
    const botAdded = (activity.membersAdded ?? []).some((member) => member.id === activity.recipient?.id);
    if (!botAdded) return;
    await this.remember(context);
    const type = activity.conversation?.conversationType;
    if (type === 'channel') {
      const channelId = channelIdOf(activity) ?? '';
      const staffChannel = this.options.config.teams.staffConversationId;
      await context.sendActivity(textActivity(staffChannel === channelId ? teamsTexts.staffChannelReady : teamsTexts.addedToTeam(channelId)));
      return;
    }
    const identity = this.identityOf(activity);
    const clerk = identity ? await this.options.gateway.identifyClerk({ kind: 'teams', value: identity }) : undefined;
    await context.sendActivity(textActivity(clerk ? teamsTexts.welcomeClerk(clerk.name) : teamsTexts.notAClerk));
  }
}
