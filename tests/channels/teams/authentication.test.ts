import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ticketEvents } from '../../../src/database/schema.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';
import { botAppId, postActivity, teamsActivity } from './teams-test-kit.ts';

// With MICROSOFT_APP_ID set, /api/messages accepts only activities signed by the Bot Framework for this
// bot: anything else is a 401 with a coded JSON error, and nothing runs. Without it (local mode) the
// Bot Framework Emulator on the same machine may post unsigned activities, and nobody else.

const clerkAad = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';

describe('Teams with MICROSOFT_APP_ID: Bot Framework tokens are checked', () => {
  let connector: FakeBotConnector;
  let testApp: TestApp;
  const foreignKey = FakeBotConnector.foreignKey();

  beforeAll(async () => {
    connector = await FakeBotConnector.start({ appId: botAppId, appPassword: 'secret' });
    testApp = await startTestApp({
      MICROSOFT_APP_ID: botAppId,
      MICROSOFT_APP_PASSWORD: 'secret',
      MICROSOFT_LOGIN_API_ROOT: connector.url,
      MICROSOFT_BOT_OPENID_API_ROOT: connector.url,
      DEADLINE_DIGEST_TIME: 'off',
      // Generating keys and loading botbuilder block the event loop for a moment; load shedding is tested elsewhere.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: clerkAad });
  });

  afterAll(async () => {
    await testApp?.close();
    await connector?.stop();
  });

  const clerkCommand = () => teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: '/tichete' });

  /** Nothing ran: no answer was posted and the command left no trace. */
  async function expectNothingProcessed(activity: Record<string, unknown>) {
    expect(connector.activitiesIn((activity.conversation as { id: string }).id)).toHaveLength(0);
    expect(await testApp.app.functionar.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'tickets_listed'))).toHaveLength(0);
  }

  it('refuses a well-signed activity with a clean 401 while the signing keys cannot be fetched (offline)', async () => {
    connector.openIdOutage = true;
    try {
      const activity = clerkCommand();
      const started = Date.now();
      const response = await postActivity(testApp.app, activity, `Bearer ${connector.channelToken({ appId: botAppId })}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'FV_ERR_TEAMS_UNAUTHORIZED', message: expect.any(String) } });
      expect(Date.now() - started).toBeLessThan(5000);
      await expectNothingProcessed(activity);
    } finally {
      connector.openIdOutage = false;
    }
  });

  it.each([
    ['no Authorization header (an unsigned activity)', () => undefined],
    ['a token signed with a key the Bot Framework never published', () => `Bearer ${connector.channelToken({ appId: botAppId, signingKey: foreignKey })}`],
    ['a token for another bot', () => `Bearer ${connector.channelToken({ appId: '0f0e0d0c-0b0a-4909-8807-060504030201' })}`],
    ['an expired token', () => `Bearer ${connector.channelToken({ appId: botAppId, expiresInSeconds: -3600 })}`],
    ['a token from another issuer', () => `Bearer ${connector.channelToken({ appId: botAppId, issuer: 'https://sts.example.com/' })}`],
    ['a token issued for another service URL', () => `Bearer ${connector.channelToken({ appId: botAppId, serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`],
    ['garbage', () => 'Bearer not-a-jwt'],
  ])('refuses an activity with %s: 401 and nothing runs', async (_case, authorization) => {
    const activity = clerkCommand();
    const response = await postActivity(testApp.app, activity, authorization());
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'FV_ERR_TEAMS_UNAUTHORIZED' } });
    await expectNothingProcessed(activity);
  });

  it('accepts the same activity signed by the Bot Framework for this bot, and answers with its own token', async () => {
    const activity = clerkCommand();
    const response = await postActivity(testApp.app, activity, `Bearer ${connector.channelToken({ appId: botAppId })}`);
    expect(response.statusCode).toBe(200);
    const answers = connector.activitiesIn((activity.conversation as { id: string }).id);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.activity.text).toBe('Niciun tichet.');
    expect(connector.issued(answers[0]!.authorization)).toBe(true);
  });

  it('rejects a body that is not an activity with 400', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/messages', payload: { text: 'no type' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'FV_ERR_VALIDATION' } });
  });
});

describe('Teams in local mode (TEAMS_LOCAL_MODE=true, no MICROSOFT_APP_ID)', () => {
  let connector: FakeBotConnector;
  let testApp: TestApp;

  beforeAll(async () => {
    connector = await FakeBotConnector.start();
    testApp = await startTestApp({ TEAMS_LOCAL_MODE: 'true', DEADLINE_DIGEST_TIME: 'off', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: clerkAad });
  });

  afterAll(async () => {
    await testApp?.close();
    await connector?.stop();
  });

  it('accepts unsigned activities from this machine (the Bot Framework Emulator) and answers without a token', async () => {
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: '/tichete' });
    expect((await postActivity(testApp.app, activity)).statusCode).toBe(200);
    const [answer] = connector.activitiesIn((activity.conversation as { id: string }).id);
    expect(answer!.activity.text).toBe('Niciun tichet.');
    expect(answer!.authorization).toBeUndefined();
    expect(connector.tokenRequests).toHaveLength(0);
  });

  it('refuses what a reverse proxy forwards: local mode is for this machine only', async () => {
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: '/tichete' });
    const before = connector.activities.length;
    const response = await testApp.app.inject({ method: 'POST', url: '/api/messages', headers: { 'x-forwarded-for': '203.0.113.7' }, payload: activity });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'FV_ERR_TEAMS_LOCAL_ONLY' } });
    expect(connector.activities).toHaveLength(before);
  });

  it.each([
    ['forwarded', 'for=203.0.113.7;proto=https'],
    ['x-real-ip', '203.0.113.7'],
    ['x-forwarded-host', 'bot.primaria.example'],
    ['via', '1.1 nginx'],
  ])('refuses a request forwarded with %s only, whoever it claims to be', async (header, value) => {
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: clerkAad, NAME: 'Ana Pop', TEXT: '/tichete' });
    const before = connector.activities.length;
    const response = await testApp.app.inject({ method: 'POST', url: '/api/messages', headers: { [header]: value }, payload: activity });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'FV_ERR_TEAMS_LOCAL_ONLY' } });
    expect(connector.activities).toHaveLength(before);
  });
});
