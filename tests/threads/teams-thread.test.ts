import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { findTicket } from '../../src/tickets/ticket-store.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { eventually } from '../helpers/test-app.ts';
import { botAppId, nextActivities, postActivity, teamsActivity } from '../channels/teams/teams-test-kit.ts';
import { startTelegramApp, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';

// A clerk who works from Teams hears, in their personal chat with the bot, that the citizen they answered
// wrote back (the chat the bot may write to on its own, kept when the clerk first wrote to it).

const clerkAad = '4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const appPassword = 'teams-client-secret-for-tests';

let connector: FakeBotConnector;
let testApp: TelegramTestApp;

beforeAll(async () => {
  connector = await FakeBotConnector.start({ appId: botAppId, appPassword });
  testApp = await startTelegramApp({
    MICROSOFT_APP_ID: botAppId,
    MICROSOFT_APP_PASSWORD: appPassword,
    MICROSOFT_LOGIN_API_ROOT: connector.url,
    MICROSOFT_BOT_OPENID_API_ROOT: connector.url,
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: clerkAad });
});

afterAll(async () => {
  await testApp?.close();
  await connector?.stop();
});

async function citizenSays(sessionId: string, text: string): Promise<{ text: string }[]> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies;
}

describe('a clerk on Teams', () => {
  it('is told in their personal chat when the citizen they answered writes back', async () => {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'en' } });
    const { sessionId } = session.json() as { sessionId: string };
    const [handover] = await citizenSays(sessionId, 'I would like to talk to a clerk please');
    const label = /no\. (\d+\/\d{4})/.exec(handover?.text ?? '')?.[1];
    expect(label, handover?.text).toBeDefined();

    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: `/raspunde ${label} Which street is it about?` });
    expect((await postActivity(testApp.app, activity, `Bearer ${connector.channelToken({ appId: botAppId })}`)).statusCode).toBe(200);
    const conversationId = (activity.conversation as { id: string }).id;
    await nextActivities(connector, conversationId, 0);

    const [acknowledged] = await citizenSays(sessionId, 'It is about Mill Street, number 4, the lamp in front of the house');
    expect(acknowledged?.text).toContain(`I have passed your message on to the clerk handling request ${label}`);
    const [number, year] = label!.split('/').map(Number);
    expect((await findTicket(testApp.app.functionar.database.db, { number: number!, year: year! }))?.unreadCitizenMessages).toBe(1);

    const notice = await eventually(
      () => connector.activitiesIn(conversationId).find((recorded) => JSON.stringify(recorded.activity).includes(`Cetățeanul a scris din nou — tichet ${label}`)),
      8000,
      'the follow-up notice in Ana\'s personal chat',
    );
    expect(JSON.stringify(notice.activity)).toContain('Mill Street, number 4');
  });
});
