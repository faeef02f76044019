import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { firstRow } from '../../../src/database/connection.ts';
import { documents, ticketEvents } from '../../../src/database/schema.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { findTicket } from '../../../src/tickets/ticket-store.ts';
import { teamsTexts } from '../../../channels/teams/teams-texts.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { eventually } from '../../helpers/test-app.ts';
import { citizen, converse, startTelegramApp, textFrom, type TelegramTestApp } from '../telegram/telegram-test-kit.ts';
import { botAppId, nextActivities, postActivity, staffChannelId, teamsActivity } from './teams-test-kit.ts';

// Issue 17 from Teams: a clerk issues a document with `/emite` (or `/issue`) in a personal chat with the
// bot, through the real Bot Framework path (signed activities, the fake Bot Connector); the citizen who
// asked on Telegram receives the PDF as a document, and the one who asked on the web chat a link.

const clerkAad = '5c4b3a29-1807-4f6e-9d5c-4b3a29180716';
const appPassword = 'teams-client-secret-for-tests';

let connector: FakeBotConnector;
let testApp: TelegramTestApp;

function signed(): string {
  return `Bearer ${connector.channelToken({ appId: botAppId })}`;
}

function database() {
  return testApp.app.functionar.database.db;
}

/** Ana types `text` in her personal chat with the bot; resolves with the bot's answer. */
async function anaTypes(text: string): Promise<string> {
  const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: text });
  const conversationId = (activity.conversation as { id: string }).id;
  const before = connector.activitiesIn(conversationId).length;
  const response = await postActivity(testApp.app, activity, signed());
  expect(response.statusCode, response.body).toBe(200);
  const [answer] = await nextActivities(connector, conversationId, before);
  expect(answer?.replyToId).toBe(activity.id);
  return String(answer?.activity.text);
}

async function documentOf(label: string) {
  const [number, year] = label.split('/').map(Number);
  const ticket = await findTicket(database(), { number: number!, year: year! });
  return { ticket, document: await firstRow(database().select().from(documents).where(eq(documents.ticketId, ticket?.id ?? 0))) };
}

beforeAll(async () => {
  connector = await FakeBotConnector.start({ appId: botAppId, appPassword });
  testApp = await startTelegramApp({
    MICROSOFT_APP_ID: botAppId,
    MICROSOFT_APP_PASSWORD: appPassword,
    MICROSOFT_LOGIN_API_ROOT: connector.url,
    MICROSOFT_BOT_OPENID_API_ROOT: connector.url,
    TEAMS_STAFF_CONVERSATION_ID: staffChannelId,
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  });
  await addClerk(database(), { name: 'Ana Pop', department: 'registru-agricol', teamsId: clerkAad });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  await connector?.stop();
});

describe('a clerk issuing documents from Microsoft Teams', () => {
  it('lists /emite among the commands Teams shows the clerks', () => {
    expect(teamsTexts.welcomeClerk('Ana Pop')).toContain('/emite N șablon text');
  });

  it('/emite in a personal chat issues the document and the Telegram citizen receives the PDF', async () => {
    const ion = citizen('ro', 'Ion');
    await converse(testApp, ion, textFrom(ion, 'vreau sa depun o cerere'));
    await converse(testApp, ion, textFrom(ion, 'Solicit o adeverință de registru agricol pentru APIA'));
    await converse(testApp, ion, textFrom(ion, 'Ion Popescu'));
    await converse(testApp, ion, textFrom(ion, '0740 123 456'));
    const [registered] = await converse(testApp, ion, textFrom(ion, 'da'));
    const label = /(\d+\/\d{4})/.exec(registered?.text ?? '')?.[1] ?? '';
    expect(label, registered?.text).not.toBe('');

    const answer = await anaTypes(`/emite ${label} adeverinta-registru-agricol scop: APIA\nTeren arabil 2,35 ha.`);
    expect(answer).toMatch(/ADEVERINȚĂ .* nr\. \d+\/\d{4} emis/);

    const sent = await eventually(() => testApp.telegram.documents.find((document) => document.chatId === String(ion.id)), 20_000, 'sendDocument to the citizen');
    expect(sent.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { ticket, document } = await documentOf(label);
    expect(document?.sha256).toBe(createHash('sha256').update(sent.bytes).digest('hex'));
    expect(testApp.telegram.sentMessages(ion.id).at(-1)?.text).toContain(`Cod de verificare: ${document?.code}`);
    // Audited as Ana's, from Teams.
    const issued = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? 0))).find((event) => event.kind === 'document_issued');
    expect(issued).toMatchObject({ actorType: 'clerk', channel: 'teams' });
  }, 60_000);

  it('/issue (the English name) reaches a web chat citizen as a download link that serves the PDF', async () => {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    const { sessionId } = session.json() as { sessionId: string };
    const say = async (text: string) =>
      ((await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } })).json() as { replies: { text: string }[] }).replies
        .map((reply) => reply.text)
        .join('\n');
    await say('vreau sa depun o cerere');
    await say('Solicit o adeverință de registru agricol pentru bancă');
    await say('Maria Ionescu');
    await say('sari peste');
    const label = /numărul (\d+\/\d{4})/.exec(await say('da'))?.[1] ?? '';
    expect(label).not.toBe('');

    expect(await anaTypes(`/issue ${label} adeverinta-registru-agricol scop: bancă`)).toMatch(/nr\. \d+\/\d{4} emis/);
    const link = await eventually(async () => {
      const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
      const message = (history.json() as { messages: { from: string; text: string }[] }).messages.find((candidate) => candidate.from === 'clerk' && candidate.text.includes('/api/webchat/documents/'));
      return message && /(https:\/\/\S+\/document\.pdf)/.exec(message.text)?.[1];
    }, 20_000, 'the download link in the web chat');
    const pdf = await testApp.app.inject({ method: 'GET', url: new URL(link).pathname });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe((await documentOf(label)).document?.sha256);
  }, 60_000);
});
