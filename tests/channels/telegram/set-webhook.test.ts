import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { registerTelegramCommands } from '../../../src/cli/telegram-commands.ts';
import { FakeTelegramApi } from '../../fakes/fake-telegram-api.ts';
import { temporaryDirectory } from '../../helpers/test-app.ts';

const run = promisify(execFile);
const repository = path.resolve(import.meta.dirname, '../../..');
let telegram: FakeTelegramApi;

function environment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_WEBHOOK_SECRET: 'set-webhook-secret_42',
    TELEGRAM_API_ROOT: telegram.url,
    PUBLIC_URL: 'https://bot.primaria-balauseri.ro',
    ...overrides,
  };
}

/** Runs `functionar telegram …` in-process through the registrar, capturing what it prints. */
async function functionar(args: string[], overrides: Record<string, string> = {}) {
  const program = new Command().exitOverride();
  registerTelegramCommands(program, { config: () => loadConfig(environment(overrides)) });
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(String(line)));
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = 0;
  return { output: printed.join('\n'), exitCode };
}

beforeAll(async () => {
  telegram = await FakeTelegramApi.start();
});

afterEach(() => {
  telegram.webhook = undefined;
});

afterAll(async () => {
  await telegram?.close();
});

describe('functionar telegram set-webhook', () => {
  it('registers PUBLIC_URL/webhooks/telegram with the secret and the update kinds the bot handles', async () => {
    const { output, exitCode } = await functionar(['telegram', 'set-webhook', '--drop-pending-updates']);
    expect(exitCode).toBe(0);
    expect(telegram.webhook).toEqual({
      url: 'https://bot.primaria-balauseri.ro/webhooks/telegram',
      secretToken: 'set-webhook-secret_42',
      allowedUpdates: ['message', 'edited_message', 'callback_query'],
      dropPendingUpdates: true,
    });
    expect(output).toContain('Telegram webhook set.');
    expect(output).toContain('Webhook: https://bot.primaria-balauseri.ro/webhooks/telegram');

    const info = await functionar(['telegram', 'webhook-info']);
    expect(info.output).toContain('Update kinds: message, edited_message, callback_query');
    await functionar(['telegram', 'delete-webhook']);
    expect(telegram.webhook).toBeUndefined();
  });

  it('keeps a path in PUBLIC_URL (a server behind a reverse proxy prefix)', async () => {
    await functionar(['telegram', 'set-webhook'], { PUBLIC_URL: 'https://primaria-balauseri.ro/asistent/' });
    expect(telegram.webhook?.url).toBe('https://primaria-balauseri.ro/asistent/webhooks/telegram');
  });

  it('explains in one line what is missing, and changes nothing at Telegram', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PUBLIC_URL: '' }, /PUBLIC_URL is not set/],
      [{ PUBLIC_URL: 'http://bot.primaria-balauseri.ro' }, /PUBLIC_URL must be https:\/\//],
      [{ TELEGRAM_BOT_TOKEN: '' }, /TELEGRAM_BOT_TOKEN is not set/],
      [{ TELEGRAM_MODE: 'polling' }, /TELEGRAM_MODE=polling/],
      [{ TELEGRAM_BOT_TOKEN: '123:wrong' }, /401: Unauthorized/],
    ];
    for (const [overrides, expected] of cases) {
      const { output, exitCode } = await functionar(['telegram', 'set-webhook'], overrides);
      expect(exitCode, JSON.stringify(overrides)).toBe(1);
      expect(output).toMatch(expected);
      expect(output.split('\n')).toHaveLength(1);
    }
    expect(telegram.webhook).toBeUndefined();
  });

  it('works from the real command line', async () => {
    const dataDirectory = temporaryDirectory();
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'telegram', 'set-webhook'], {
        cwd: repository,
        env: { ...process.env, ...environment(), DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
      expect(stdout).toContain('Telegram webhook set.');
    } finally {
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    }
    expect(telegram.webhook?.url).toBe('https://bot.primaria-balauseri.ro/webhooks/telegram');
  });
});
