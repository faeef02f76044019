import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';
import { botAppId, botAppPassword, nextActivities, postActivity, teamsActivity, teamsEnvironment } from './teams-test-kit.ts';

// The administrator copies a clerk's Entra ID object id from the Azure portal, which shows it in capitals;
// Teams activities carry the same id in lower case. The clerk must be recognised either way.

const portalAad = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';

let connector: FakeBotConnector;
let testApp: TestApp;

beforeAll(async () => {
  connector = await FakeBotConnector.start({ appId: botAppId, appPassword: botAppPassword });
  testApp = await startTestApp(teamsEnvironment(connector));
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: portalAad });
});

afterAll(async () => {
  await testApp?.close();
  await connector?.stop();
});

describe('a clerk registered on Teams with the AAD object id in capitals', () => {
  it.each([
    ['in lower case, as Teams sends it', portalAad.toLowerCase()],
    ['in capitals', portalAad],
  ])('runs commands when the activity carries the id %s', async (_case, aadObjectId) => {
    const activity = teamsActivity('personal-message', { SERVICE_URL: connector.serviceUrl, AAD_OBJECT_ID: aadObjectId, NAME: 'Ana Pop', TEXT: '/tichete' });
    const response = await postActivity(testApp.app, activity, `Bearer ${connector.channelToken({ appId: botAppId })}`);
    expect(response.statusCode, response.body).toBe(200);
    const [answer] = await nextActivities(connector, (activity.conversation as { id: string }).id, 0);
    expect(answer!.activity.text).toBe('Niciun tichet.');
  });
});
