import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { FakeBotConnector, RecordedActivity } from '../../fakes/fake-bot-connector.ts';
import { eventually } from '../../helpers/test-app.ts';

// Recorded Teams activities (tests/fixtures/teams/*.json, as Teams posts them to a bot) filled in for
// one test, and a way to post them to the app the way the Bot Framework does.

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/teams');

export const botAppId = '6c1f0a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
export const staffChannelId = '19:f3b1c0d2e4a5468798a9b0c1d2e3f4a5@thread.tacv2';
export const botAppPassword = 'teams-client-secret-for-tests';

/** The settings that switch the Teams channel on against the fake Bot Connector and Entra ID endpoints. */
export function teamsEnvironment(connector: FakeBotConnector): Record<string, string> {
  return {
    MICROSOFT_APP_ID: botAppId,
    MICROSOFT_APP_PASSWORD: botAppPassword,
    MICROSOFT_LOGIN_API_ROOT: connector.url,
    MICROSOFT_BOT_OPENID_API_ROOT: connector.url,
    // Generating keys and loading botbuilder block the event loop for a moment; load shedding is tested elsewhere.
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
}

export interface ActivityValues {
  SERVICE_URL: string;
  BOT_ID?: string;
  AAD_OBJECT_ID?: string;
  NAME?: string;
  TEXT?: string;
  ACTIVITY_ID?: string;
  CHANNEL_ID?: string;
  CARD_ID?: string;
}

let activityCounter = 1_764_000_000_000;

function fill(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => values[name] ?? placeholder);
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  return value;
}

/** A recorded activity with this test's values; `overrides` replace top-level fields (e.g. a card's `value`). */
export function teamsActivity(fixture: string, values: ActivityValues, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const template = JSON.parse(fs.readFileSync(path.join(fixtures, `${fixture}.json`), 'utf8')) as unknown;
  const filled = fill(template, {
    BOT_ID: botAppId,
    AAD_OBJECT_ID: '00000000-0000-0000-0000-000000000000',
    NAME: 'Utilizator Teams',
    TEXT: '',
    ACTIVITY_ID: String(activityCounter++),
    CHANNEL_ID: staffChannelId,
    CARD_ID: '0',
    ...values,
  }) as Record<string, unknown>;
  return { ...filled, ...overrides };
}

export async function postActivity(app: FastifyInstance, activity: Record<string, unknown>, authorization?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(authorization ? { authorization } : {}) },
    payload: activity,
  });
}

/** Waits until the fake connector has recorded `count` more activities in a conversation than `before`. */
export async function nextActivities(connector: FakeBotConnector, conversationId: string, before: number, count = 1): Promise<RecordedActivity[]> {
  return eventually(() => {
    const recorded = connector.activitiesIn(conversationId);
    return recorded.length >= before + count ? recorded.slice(before) : undefined;
  }, 8000, `${count} activity(ies) in ${conversationId}`);
}

export interface CardAction {
  type: string;
  title: string;
  data?: Record<string, unknown>;
  card?: { body: { type: string; id?: string }[]; actions: CardAction[] };
}

/** The Adaptive Card a recorded activity carries. */
export function cardOf(recorded: RecordedActivity): { body: Record<string, unknown>[]; actions: CardAction[] } {
  const attachments = recorded.activity.attachments as { contentType: string; content: { body: Record<string, unknown>[]; actions: CardAction[] } }[] | undefined;
  const card = attachments?.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) throw new Error(`no Adaptive Card in ${JSON.stringify(recorded.activity).slice(0, 300)}`);
  return card.content;
}

/** What Teams sends when the clerk presses a button of the card (typing `text` in its input first, if it has one). */
export function submittedValue(action: CardAction, text?: string): Record<string, unknown> {
  if (action.type === 'Action.Submit') return { ...action.data };
  const inner = action.card?.actions.find((candidate) => candidate.type === 'Action.Submit');
  const input = action.card?.body.find((element) => element.type === 'Input.Text');
  if (!inner || !input?.id) throw new Error(`action ${action.title} has no input and submit`);
  return { ...inner.data, [input.id]: text ?? '' };
}
