import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig, minimumSecretLength } from '../../src/config.ts';

// Secrets the town hall chooses are checked at start-up: one clear line per problem, never the secret itself.

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: '/tmp/functionar-config-test', ...environment });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('minimum secret lengths', () => {
  it('refuses a 1-character Telegram webhook secret, naming the variable and the length, not the value', () => {
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_SECRET: 'x' });
    expect(problems).toEqual([`TELEGRAM_WEBHOOK_SECRET: must be at least ${minimumSecretLength} characters (got 1); generate one with: openssl rand -hex 24`]);
  });

  it('refuses characters Telegram would refuse when the webhook is set', () => {
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_SECRET: 'secret with spaces and ăîș!' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TELEGRAM_WEBHOOK_SECRET: Telegram accepts only letters/);
    expect(problems[0]).not.toContain('spaces');
  });

  it('gives one line per short secret, all at once', () => {
    const problems = problemsOf({
      WHATSAPP_CLOUD_TOKEN: 'token',
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_APP_SECRET: 'abc',
      WHATSAPP_VERIFY_TOKEN: 'verify',
      WHATSAPP_QR_TOKEN: 'qr',
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_QR_TOKEN']);
    expect(problems.join('\n')).not.toMatch(/verify\b|abc|\bqr\b/);
  });

  it('accepts secrets of the minimum length and the cap settings', () => {
    const config = loadConfig({
      DATA_DIR: '/tmp/functionar-config-test',
      TELEGRAM_BOT_TOKEN: '123:abc',
      TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(minimumSecretLength),
      WEBCHAT_STREAMS_PER_IP: '12',
      WEBCHAT_SESSIONS_PER_IP_PER_DAY: '500',
    });
    expect(config.telegram.webhookSecret).toHaveLength(minimumSecretLength);
    expect(config.webchat.streamsPerIp).toBe(12);
    expect(config.rateLimits.webchatSessionsPerIpPerDay).toBe(500);
  });

  it('has defaults a town hall can live with', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/functionar-config-test' });
    expect(config.webchat.streamsPerIp).toBe(50);
    expect(config.rateLimits.webchatSessionsPerIpPerDay).toBe(200);
  });
});
