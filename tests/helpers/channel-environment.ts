import type { FakeGraphApi } from '../fakes/fake-graph-api.ts';
import type { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';

/** Settings for an app with the Telegram webhook and the WhatsApp Cloud API on the fakes, limits out of the way. */
export function webhookChannelsEnvironment(options: { telegram: FakeTelegramApi; telegramSecret: string; graph: FakeGraphApi; whatsappSecret: string; whatsappVerifyToken: string }): Record<string, string> {
  const { telegram, graph } = options;
  return {
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_SENDER_PER_MINUTE: '1000000',
    // Suites on this helper send many unauthenticated requests from one address and assert the 401 itself;
    // the cap on failed authentications per address is tested in tests/security/abuse-caps.test.ts.
    WEBHOOK_AUTH_FAILURES_PER_IP: '1000000',
    // Statuses are asserted exactly: load shedding on a busy test machine is tested on its own.
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_WEBHOOK_SECRET: options.telegramSecret,
    TELEGRAM_API_ROOT: telegram.url,
    WHATSAPP_CLOUD_TOKEN: graph.token,
    WHATSAPP_APP_SECRET: options.whatsappSecret,
    WHATSAPP_PHONE_NUMBER_ID: '111',
    WHATSAPP_VERIFY_TOKEN: options.whatsappVerifyToken,
    WHATSAPP_GRAPH_API_ROOT: `${graph.origin}/${graph.version}`,
  };
}
