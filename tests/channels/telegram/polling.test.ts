import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../../fakes/fake-telegram-api.ts';
import { settled } from '../../helpers/settled.ts';
import { eventually } from '../../helpers/test-app.ts';
import { buttonPress, citizen, postUpdate, startTelegramApp, textFrom, type TelegramTestApp } from './telegram-test-kit.ts';

// A town hall without a public address: the server asks Telegram for updates (getUpdates) itself.

let telegram: FakeTelegramApi;
let testApp: TelegramTestApp | undefined;

beforeAll(async () => {
  telegram = await FakeTelegramApi.start();
  // A webhook left over from an earlier set-up: polling must remove it, or Telegram answers 409.
  telegram.webhook = { url: 'https://old.example.ro/webhooks/telegram' };
  testApp = await startTelegramApp({ TELEGRAM_MODE: 'polling', TELEGRAM_WEBHOOK_SECRET: '', RATE_LIMIT_PER_SENDER_PER_MINUTE: '5' }, { telegram });
});

afterAll(async () => {
  await testApp?.close();
  await telegram?.close();
});

describe('Telegram in long-polling mode', () => {
  it('fetches updates from Telegram, answers them, and reports ready while polling', async () => {
    const ion = citizen('ro');
    telegram.queueUpdate(textFrom(ion, 'ce acte imi trebuie pentru autorizatie de construire'));
    const [answer] = await eventually(() => {
      const sent = telegram.sentMessages(ion.id);
      return sent.length > 0 ? sent : undefined;
    }, 8000);
    expect(answer?.text).toMatch(/certificat(ul)? de urbanism/i);
    expect(telegram.callsOf('deleteWebhook')).toHaveLength(1);
    expect(telegram.webhook).toBeUndefined();
    // The next getUpdates carries an offset past the update: Telegram will not send it again.
    await eventually(() => (telegram.pendingUpdates() === 0 ? true : undefined));

    const ready = await testApp!.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().checks['channel:telegram']).toBe('ok');
    // No webhook route in polling mode.
    expect((await postUpdate(testApp!.app, textFrom(ion, 'salut'))).statusCode).toBe(404);
  });

  it('answers a button press received by polling', async () => {
    const erzsebet = citizen('hu', 'Erzsébet');
    telegram.queueUpdate(textFrom(erzsebet, 'Jó napot!'));
    const greeting = await eventually(() => telegram.sentMessages(erzsebet.id)[0]);
    const button = greeting.replyMarkup?.inline_keyboard?.flat().find((key) => key.text === 'Kérelmet adok be');
    expect(button).toBeDefined();
    telegram.queueUpdate(buttonPress(erzsebet, greeting, button!.callback_data));
    const askSubject = await eventually(() => telegram.sentMessages(erzsebet.id)[1]);
    expect(askSubject.text).toMatch(/kérelem/i);
  });

  it('tells a sender who floods the bot to slow down, once, and drops the excess', async () => {
    const flooder = citizen('ro');
    for (let index = 0; index < 8; index += 1) telegram.queueUpdate(textFrom(flooder, 'buna ziua'));
    // The poller confirms an offset only after the batch's handlers returned: every update was then
    // stored or dropped. Once the app settled, what it stored is answered and sent.
    await eventually(() => (telegram.pendingUpdates() === 0 ? true : undefined));
    await settled(testApp!.app, 'the flood handled');
    const sent = telegram.sentMessages(flooder.id);
    expect(sent).toHaveLength(6);
    expect(sent.filter((message) => /așteptați un minut/.test(message.text))).toHaveLength(1);
  });

  it('stops polling when the server closes', async () => {
    const closing = testApp!;
    await closing.close();
    testApp = undefined;
    // close() returns once the polling loop has ended (it logs when it gave up waiting for it), and the
    // long poll it had open at Telegram is let go: nothing is left that could ask for updates again.
    expect(closing.logLines.filter((line) => /long polling did not stop/.test(String(line.msg)))).toEqual([]);
    await eventually(() => (telegram.heldPolls() === 0 ? true : undefined), 5000, 'the last long poll let go');
    const pollsAfterClose = telegram.arrivalsOf('getUpdates');
    // An update arriving now wakes no poller: it waits at Telegram for the next start.
    telegram.queueUpdate(textFrom(citizen('ro'), 'buna ziua'));
    expect(telegram.pendingUpdates()).toBe(1);
    expect(telegram.arrivalsOf('getUpdates')).toBe(pollsAfterClose);
  });

  it('reports not ready while Telegram cannot be reached, and starts polling once it can', async () => {
    const flaky = await FakeTelegramApi.start();
    flaky.failNext('getMe', { kind: 'server-error', status: 502 });
    const restarted = await startTelegramApp({ TELEGRAM_MODE: 'polling' }, { telegram: flaky });
    try {
      const notReady = await eventually(async () => {
        const response = await restarted.app.inject({ method: 'GET', url: '/readyz' });
        return response.statusCode === 503 ? response : undefined;
      });
      expect(notReady.json().checks['channel:telegram']).toMatch(/not ready: telegram long polling is not running/);
      await eventually(async () => ((await restarted.app.inject({ method: 'GET', url: '/readyz' })).json().checks['channel:telegram'] === 'ok' ? true : undefined), 8000);
      expect(flaky.callsOf('getMe').map((call) => call.status)).toEqual([502, 200]);
    } finally {
      await restarted.close();
      await flaky.close();
    }
  });
});
