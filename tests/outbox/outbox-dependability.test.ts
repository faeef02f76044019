import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../src/database/connection.ts';
import { messages, outbox, type OutboxRow } from '../../src/database/schema.ts';
import { eventsOfTicket, findTicket } from '../../src/tickets/ticket-store.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { settled } from '../helpers/settled.ts';
import { eventually, startTestApp, temporaryDirectory, type TestApp } from '../helpers/test-app.ts';
import { postActivity, staffChannelId, teamsActivity } from '../channels/teams/teams-test-kit.ts';

// Every outgoing message is written to the outbox first and sent by a worker. These tests break the
// channel and the process on purpose: a failing channel gets exactly one delivery once it recovers, and
// a crash between sending and recording never produces a second visible message — the web chat
// (idempotent by message id) is sent again, Teams (not idempotent) is reported as uncertain instead.

const environment = (connector: FakeBotConnector) => ({
  TEAMS_LOCAL_MODE: 'true',
  TEAMS_STAFF_CONVERSATION_ID: staffChannelId,
  DEADLINE_DIGEST_TIME: 'off',
  // Loading botbuilder blocks the event loop for a moment; load shedding is tested elsewhere.
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  // Unused: the bot learns the Bot Connector's address from the activities the fake connector's tests post.
  MICROSOFT_LOGIN_API_ROOT: connector.url,
});

let connector: FakeBotConnector;

async function addBotToStaffTeam(testApp: TestApp): Promise<void> {
  const before = connector.activitiesIn(staffChannelId).length;
  const response = await postActivity(testApp.app, teamsActivity('bot-added-to-team', { SERVICE_URL: connector.serviceUrl, BOT_ID: 'local-bot' }));
  expect(response.statusCode, response.body).toBe(200);
  await eventually(() => connector.activitiesIn(staffChannelId).length > before, 5000, 'the greeting in the staff channel');
}

/** A web chat citizen asks for a clerk: a handover ticket, whose notice goes to the Teams staff channel. */
async function citizenAsksForAClerk(testApp: TestApp) {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  const answer = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text: 'Vreau sa vorbesc cu un functionar' } });
  expect(answer.statusCode, answer.body).toBe(200);
  const label = /nr\. (\d+)\/(\d{4})/.exec((answer.json() as { replies: { text: string }[] }).replies[0]!.text)!;
  const ticket = (await findTicket(testApp.app.functionar.database.db, { number: Number(label[1]), year: Number(label[2]) }))!;
  return { sessionId, ticket };
}

async function outboxRows(testApp: TestApp, channel: string, ticketId: number): Promise<OutboxRow[]> {
  return testApp.app.functionar.database.db.select().from(outbox).where(and(eq(outbox.channel, channel), eq(outbox.ticketId, ticketId)));
}

beforeAll(async () => {
  connector = await FakeBotConnector.start();
});

afterAll(async () => {
  await connector?.stop();
});

describe('a channel that fails for a while', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp(environment(connector));
    await addBotToStaffTeam(testApp);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('fails twice, then succeeds: the staff channel gets the notice exactly once', async () => {
    const before = connector.activitiesIn(staffChannelId).length;
    connector.failNext(2, 503);
    const { ticket } = await citizenAsksForAClerk(testApp);

    const sent = await eventually(async () => (await outboxRows(testApp, 'teams', ticket.id)).find((row) => row.status === 'sent'), 10_000, 'the notice sent');
    expect(sent).toMatchObject({ attempts: 3, lastError: null, externalId: expect.stringMatching(/^fake-activity-/) });
    // Two refused posts and one accepted: a later poll must not send it again.
    await settled(testApp.app, 'the outbox drained');
    await testApp.app.functionar.outbox.kick();
    const posted = connector.activitiesIn(staffChannelId).slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.id).toBe(sent.externalId);
    const retries = testApp.logLines.filter((line) => line.msg === 'delivery failed, will retry' && line.outboxId === sent.id);
    expect(retries.map((line) => [line.attempt, line.reason])).toEqual([
      [1, 'Teams answered 503'],
      [2, 'Teams answered 503'],
    ]);
  });

  it('does not post again when the connection drops after the request left: the clerk sees it was uncertain', async () => {
    const before = connector.activitiesIn(staffChannelId).length;
    connector.failNext(1, 0);
    const { ticket } = await citizenAsksForAClerk(testApp);
    const failed = await eventually(async () => (await outboxRows(testApp, 'teams', ticket.id)).find((row) => row.status === 'failed'), 10_000, 'the notice marked failed');
    expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/^Teams delivery uncertain/) });
    expect((await eventsOfTicket(testApp.app.functionar.database.db, ticket.id)).at(-1)).toMatchObject({
      kind: 'delivery_failed',
      actorType: 'system',
      channel: 'teams',
      detail: { outboxId: failed.id, reason: failed.lastError },
    });
    // Failed for good: neither the drained outbox nor a later poll posts it.
    await settled(testApp.app, 'the outbox drained');
    await testApp.app.functionar.outbox.kick();
    expect(connector.activitiesIn(staffChannelId)).toHaveLength(before);
  });
});

describe('a crash between sending and recording', () => {
  const dataDirectory = temporaryDirectory();
  let before: TestApp | undefined;
  let after: TestApp | undefined;

  afterAll(async () => {
    await before?.close();
    await after?.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('re-sends on the idempotent web chat and reports Teams as uncertain instead of posting twice', async () => {
    before = await startTestApp(environment(connector), { dataDirectory });
    await addBotToStaffTeam(before);
    const { sessionId, ticket } = await citizenAsksForAClerk(before);
    const webchatRow = await eventually(async () => (await outboxRows(before!, 'webchat', ticket.id)).find((row) => row.status === 'sent'), 5000, 'the web chat answer sent');
    const teamsRow = await eventually(async () => (await outboxRows(before!, 'teams', ticket.id)).find((row) => row.status === 'sent'), 5000, 'the Teams notice sent');
    await before.close();
    before = undefined;

    // The process died after both sends left but before either was recorded: the worker had marked the
    // rows 'sending' (it does so before every send) and never got to mark them 'sent'.
    const database = openDatabase(`${dataDirectory}/functionar.db`);
    await database.db.update(outbox).set({ status: 'sending', sentAt: null, externalId: null }).where(eq(outbox.id, webchatRow.id));
    await database.db.update(outbox).set({ status: 'sending', sentAt: null, externalId: null }).where(eq(outbox.id, teamsRow.id));
    database.close();
    const postedBeforeRestart = connector.activitiesIn(staffChannelId).length;

    after = await startTestApp(environment(connector), { dataDirectory });
    const db = after.app.functionar.database.db;

    // Web chat: sent again. The browser keys messages by id, so the citizen still sees one answer.
    const resent = await eventually(async () => (await outboxRows(after!, 'webchat', ticket.id)).find((row) => row.id === webchatRow.id && row.status === 'sent'), 5000, 'the web chat answer re-sent');
    expect(resent).toMatchObject({ attempts: webchatRow.attempts + 1, externalId: String(webchatRow.messageId) });
    const history = await after.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const answers = (history.json() as { messages: { id: string; from: string }[] }).messages.filter((message) => message.id === String(webchatRow.messageId));
    expect(answers).toHaveLength(1);
    expect(await db.select().from(messages).where(eq(messages.id, webchatRow.messageId!))).toHaveLength(1);

    // Teams: not sent again; failed as uncertain, and the ticket's history says so for the clerk.
    const uncertain = (await outboxRows(after, 'teams', ticket.id)).find((row) => row.id === teamsRow.id)!;
    expect(uncertain).toMatchObject({ status: 'failed', lastError: 'interrupted while sending: delivery uncertain, not re-sent to avoid a duplicate' });
    expect((await eventsOfTicket(db, ticket.id)).at(-1)).toMatchObject({ kind: 'delivery_failed', actorType: 'system', channel: 'teams', detail: { outboxId: teamsRow.id } });
    await settled(after.app, 'the restarted outbox drained');
    await after.app.functionar.outbox.kick();
    expect(connector.activitiesIn(staffChannelId)).toHaveLength(postedBeforeRestart);
  });
});
