import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { firstRow } from '../../../src/database/connection.ts';
import { contacts, outbox, ticketEvents } from '../../../src/database/schema.ts';
import { ChannelStateStore } from '../../../src/gateway/channel-state-store.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { sendDigest } from '../../../src/tickets/deadline-digest.ts';
import { eventsOfTicket, findTicket, updateTicket } from '../../../src/tickets/ticket-store.ts';
import { localDate } from '../../../src/tickets/deadlines.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { eventually } from '../../helpers/test-app.ts';
import { citizen, converse, startTelegramApp, textFrom, type TelegramTestApp } from '../telegram/telegram-test-kit.ts';
import { botAppId, botAppPassword, cardOf, nextActivities, postActivity, staffChannelId, submittedValue, teamsActivity, teamsEnvironment } from './teams-test-kit.ts';

// A town hall with Teams switched on for real: every activity carries a Bot Framework token signed by
// the fake's key (checked against its published OpenID metadata), and the bot's answers go to the fake
// Bot Connector with a token from the fake Entra ID endpoint. Citizens write on the web chat and on
// Telegram (a fake Bot API), and get the clerks' answers there.

const clerkAad = '2b7e1f4c-8d3a-4c5e-9f6a-1b2c3d4e5f60';
const strangerAad = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const year = Number(localDate(new Date()).slice(0, 4));

let connector: FakeBotConnector;
let testApp: TelegramTestApp;
let baseUrl: string;

/** What the Teams channel keeps for itself (conversation references). */
function teamsState(): ChannelStateStore {
  return new ChannelStateStore(testApp.app.functionar.database.db, 'teams');
}

function signed(): string {
  return `Bearer ${connector.channelToken({ appId: botAppId })}`;
}

async function openWebchatCitizen(): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  expect(response.statusCode).toBe(201);
  return (response.json() as { sessionId: string }).sessionId;
}

async function citizenSays(sessionId: string, text: string) {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies;
}

/**
 * Subscribes to the citizen's server-sent events (resolves once the stream is open) and then waits for a
 * clerk message: seeing it there means the outbox delivered it through the web chat adapter.
 */
async function watchWebchat(sessionId: string): Promise<{ clerkMessage(containing: string): Promise<{ from: string; text: string }> }> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, { signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async clerkMessage(containing) {
      const timer = setTimeout(() => controller.abort(), 8000);
      try {
        for (;;) {
          for (const block of buffer.split('\n\n')) {
            const data = /^event: message\ndata: (.*)$/m.exec(block)?.[1];
            const message = data ? (JSON.parse(data) as { from: string; text: string }) : undefined;
            if (message?.from === 'clerk' && message.text.includes(containing)) return message;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended without a clerk message containing "${containing}"`);
          buffer += decoder.decode(value, { stream: true });
        }
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
    },
  };
}

async function handoverTicket(sessionId: string) {
  const replies = await citizenSays(sessionId, 'Vreau sa vorbesc cu un functionar, va rog');
  const label = /nr\. (\d+\/\d{4})/.exec(replies.map((reply) => reply.text).join('\n'))?.[1];
  expect(label, JSON.stringify(replies)).toBeDefined();
  const [number, ticketYear] = label!.split('/').map(Number);
  return (await findTicket(testApp.app.functionar.database.db, { number: number!, year: ticketYear! }))!;
}

beforeAll(async () => {
  connector = await FakeBotConnector.start({ appId: botAppId, appPassword: botAppPassword });
  testApp = await startTelegramApp({ ...teamsEnvironment(connector), TEAMS_STAFF_CONVERSATION_ID: staffChannelId, DEADLINE_DIGEST_TIME: 'off' });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: clerkAad });
});

afterAll(async () => {
  await testApp?.close();
  await connector?.stop();
});

describe('clerks working tickets from Microsoft Teams', () => {
  it('the bot added to the staff team remembers the channel and says tickets will appear there', async () => {
    const response = await postActivity(testApp.app, teamsActivity('bot-added-to-team', { SERVICE_URL: connector.serviceUrl }), signed());
    expect(response.statusCode, response.body).toBe(200);
    const [greeting] = await nextActivities(connector, staffChannelId, 0);
    expect(greeting!.activity.text).toMatch(/Tichetele noi .* vor apărea în acest canal/);
    expect(connector.issued(greeting!.authorization)).toBe(true);
    expect(connector.tokenRequests[0]).toMatchObject({ tenant: 'botframework.com', clientId: botAppId, clientSecret: botAppPassword, scope: 'https://api.botframework.com/.default', grantType: 'client_credentials' });
    expect(await testApp.app.functionar.channels.get('teams')?.staffRecipients?.()).toEqual([staffChannelId]);
  });

  it('a new handover from a web chat citizen is posted to the staff channel as an Adaptive Card', async () => {
    const before = connector.activitiesIn(staffChannelId).length;
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const [posted] = await nextActivities(connector, staffChannelId, before);
    expect(posted!.replyToId).toBeUndefined();
    expect(connector.issued(posted!.authorization)).toBe(true);
    const card = cardOf(posted!);
    const label = `${ticket.number}/${ticket.year}`;
    expect(JSON.stringify(card.body)).toContain(label);
    expect(JSON.stringify(card.body)).toContain(ticket.dueDate.split('-').reverse().join('.'));
    expect(card.actions.map((action) => action.title)).toEqual(['Preia', 'Răspunde', 'Vezi', 'Închide']);
    expect(card.actions[0]).toMatchObject({ type: 'Action.Submit', data: { verb: 'clerk-command', command: `/preia ${label}` } });
    expect(card.actions[1]).toMatchObject({ type: 'Action.ShowCard' });
    expect(card.actions[1]!.card!.body[0]).toMatchObject({ type: 'Input.Text', isRequired: true });
  });

  it('card actions take, answer and close the ticket; the web chat citizen receives the answer', async () => {
    const db = testApp.app.functionar.database.db;
    const before = connector.activitiesIn(staffChannelId).length;
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const [posted] = await nextActivities(connector, staffChannelId, before);
    const actions = cardOf(posted!).actions;
    const byTitle = (title: string) => actions.find((action) => action.title === title)!;
    const click = async (title: string, text?: string) => {
      const count = connector.activities.length;
      const activity = teamsActivity('card-action-submit', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', CARD_ID: posted!.id }, { value: submittedValue(byTitle(title), text) });
      const response = await postActivity(testApp.app, activity, signed());
      expect(response.statusCode, response.body).toBe(200);
      const answer = await eventually(() => connector.activities.slice(count).find((recorded) => recorded.replyToId === activity.id), 5000, `answer to ${title}`);
      return String(answer.activity.text);
    };

    expect(await click('Preia')).toMatch(/vă este alocat \(Ana Pop\)/);
    expect(await findTicket(db, ticket)).toMatchObject({ status: 'in_lucru', assigneeClerkId: expect.any(Number) });

    const webchat = await watchWebchat(sessionId);
    expect(await click('Răspunde', 'Vă sunăm mâine dimineață.')).toMatch(/Răspuns trimis cetățeanului/);
    expect(await webchat.clerkMessage('Vă sunăm mâine dimineață')).toMatchObject({ from: 'clerk' });

    expect(await click('Închide')).toMatch(/închis/);
    expect((await findTicket(db, ticket))?.status).toBe('inchis');
    const trail = (await eventsOfTicket(db, ticket.id)).filter((event) => event.actorType === 'clerk');
    expect(trail.map((event) => event.kind)).toEqual(['assigned', 'reply', 'closed']);
    for (const event of trail) expect(event).toMatchObject({ channel: 'teams', actorId: expect.any(String), createdAt: expect.any(String) });
  });

  it('a clerk types /raspunde in a personal chat and the web chat citizen receives it', async () => {
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const label = `${ticket.number}/${ticket.year}`;
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: `/raspunde ${label} Actele sunt gata, le puteți ridica de la registratură.` });
    const webchat = await watchWebchat(sessionId);
    const response = await postActivity(testApp.app, activity, signed());
    expect(response.statusCode).toBe(200);
    const conversationId = (activity.conversation as { id: string }).id;
    const [answer] = await nextActivities(connector, conversationId, 0);
    expect(answer).toMatchObject({ replyToId: activity.id, activity: { text: `Răspuns trimis cetățeanului pentru ${label} (canal webchat).`, textFormat: 'plain' } });
    expect((await webchat.clerkMessage('Actele sunt gata')).text).toBe(`Răspuns de la primărie la cererea ${label}:\nActele sunt gata, le puteți ridica de la registratură.`);
    // The personal chat is kept in the Teams channel's own state (not among citizens' contacts), so the bot
    // can write to Ana on its own (the daily digest).
    expect(await teamsState().get(`conversation:${clerkAad}`)).toMatchObject({ kind: 'clerk', conversationReference: { serviceUrl: connector.serviceUrl, conversation: { id: conversationId } } });
    expect(await testApp.app.functionar.database.db.select().from(contacts).where(eq(contacts.channel, 'teams'))).toEqual([]);
  });

  it('a clerk\'s /raspunde in Teams reaches a citizen on Telegram', async () => {
    const ion = citizen('ro', 'Ion');
    const [handover] = await converse(testApp, ion, textFrom(ion, 'Vreau sa vorbesc cu un functionar'));
    const label = /nr\. (\d+\/\d{4})/.exec(handover!.text)?.[1];
    expect(label, handover!.text).toBeDefined();
    const before = testApp.telegram.sentMessages(ion.id).length;
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: `/raspunde ${label} Certificatul este gata de mâine.` });
    expect((await postActivity(testApp.app, activity, signed())).statusCode).toBe(200);
    const [answer] = await testApp.nextMessages(ion.id, before);
    expect(answer!.text).toBe(`Răspuns de la primărie la cererea ${label}:\nCertificatul este gata de mâine.`);
  });

  it('a command after @mentioning the bot in a channel is answered in the thread', async () => {
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const activity = teamsActivity('channel-mention-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: `/vezi ${ticket.number}` });
    const response = await postActivity(testApp.app, activity, signed());
    expect(response.statusCode).toBe(200);
    const threadId = (activity.conversation as { id: string }).id;
    const [answer] = await nextActivities(connector, threadId, 0);
    expect(answer!.replyToId).toBe(activity.id);
    expect(answer!.activity.text).toMatch(new RegExp(`^Tichet ${ticket.number}/${year} — Dorește să vorbească cu un funcționar`));
    expect((await eventsOfTicket(testApp.app.functionar.database.db, ticket.id)).at(-1)).toMatchObject({ kind: 'viewed', actorType: 'clerk', channel: 'teams' });
  });

  it('the same activity delivered twice runs the command once', async () => {
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: `/nota ${ticket.number} a sunat din nou` });
    expect((await postActivity(testApp.app, activity, signed())).statusCode).toBe(200);
    expect((await postActivity(testApp.app, activity, signed())).statusCode).toBe(200);
    const notes = (await eventsOfTicket(testApp.app.functionar.database.db, ticket.id)).filter((event) => event.kind === 'note');
    expect(notes).toHaveLength(1);
    expect(connector.activities.filter((recorded) => recorded.replyToId === activity.id)).toHaveLength(1);
  });

  it('someone who is not a registered clerk is refused, nothing changes, and the attempt is recorded', async () => {
    const db = testApp.app.functionar.database.db;
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: strangerAad, NAME: 'Vizitator', TEXT: `/inchide ${ticket.number} gata` });
    expect((await postActivity(testApp.app, activity, signed())).statusCode).toBe(200);
    const [answer] = await nextActivities(connector, (activity.conversation as { id: string }).id, 0);
    expect(answer!.activity.text).toMatch(/Nu aveți dreptul/);
    expect((await findTicket(db, ticket))?.status).toBe('nou');
    const refused = (await db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'command_refused')).orderBy(ticketEvents.id)).at(-1);
    expect(refused).toMatchObject({ actorType: 'unknown', actorId: `teams:${strangerAad}`, channel: 'teams', detail: { command: `/inchide ${ticket.number} gata` } });
    // A stranger's chat is not kept: the bot never writes to them on its own.
    expect(await firstRow(db.select().from(contacts).where(eq(contacts.externalId, strangerAad)))).toBeUndefined();
    expect(await teamsState().get(`conversation:${strangerAad}`)).toBeUndefined();
  });

  it('the morning digest reaches a clerk in the personal chat the bot kept', async () => {
    const db = testApp.app.functionar.database.db;
    const sessionId = await openWebchatCitizen();
    const ticket = await handoverTicket(sessionId);
    const today = localDate(new Date());
    await updateTicket(db, ticket.id, { dueDate: today }, new Date());
    const personalChat = (await teamsState().get<{ conversationReference: { conversation: { id: string } } }>(`conversation:${clerkAad}`))!.conversationReference.conversation.id;
    const before = connector.activitiesIn(personalChat).length;
    const report = await sendDigest(db, { now: new Date(), channels: new Set(testApp.app.functionar.channels.keys()) });
    expect(report.messages).toContainEqual(expect.objectContaining({ channel: 'teams', recipient: clerkAad, clerk: 'Ana Pop' }));
    void testApp.app.functionar.outbox.kick();
    const [digest] = await nextActivities(connector, personalChat, before);
    expect(digest!.replyToId).toBeUndefined();
    expect(digest!.activity.text).toMatch(/^⏰ Termene — compartimentul registratură/);
    expect(digest!.activity.text).toContain(`${ticket.number}/${ticket.year} — termen`);
    // The Bot Connector has the digest before the outbox hears back from it: wait for the row to be marked.
    const row = await eventually(async () => {
      const latest = (await db.select().from(outbox).where(eq(outbox.recipient, clerkAad)).orderBy(outbox.id)).at(-1);
      return latest?.status === 'sent' || latest?.status === 'failed' ? latest : undefined;
    }, 5000, 'the digest delivery recorded');
    expect(row).toMatchObject({ channel: 'teams', status: 'sent', externalId: digest!.id });
  });
});
