import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi } from '../../fakes/fake-graph-api.ts';
import { temporaryDirectory } from '../../helpers/test-app.ts';
import { accessToken, appSecret, phoneNumberId, verifyToken } from './cloud-webhook.ts';

// The administrator's `functionar whatsapp check | unlink`, run as the real CLI process.

const run = promisify(execFile);
let graph: FakeGraphApi;
let dataDirectory: string;

async function cli(args: string[], environment: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDirectory, LOG_LEVEL: 'silent', ...environment },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  graph = await FakeGraphApi.start({ token: accessToken });
  graph.addPhoneNumber(phoneNumberId, '+40 265 123 456', 'Primaria Balauseri');
  dataDirectory = temporaryDirectory();
});

afterAll(async () => {
  await graph?.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('functionar whatsapp', () => {
  const cloud = {
    WHATSAPP_CLOUD_TOKEN: accessToken,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
  };

  it('check confirms the Cloud API token and phone number and prints the callback URL', async () => {
    const result = await cli(['whatsapp', 'check'], { ...cloud, WHATSAPP_GRAPH_API_ROOT: graph.root, PUBLIC_URL: 'https://bot.balauseri.ro' });
    expect(result.output).toContain('✓ Phone number +40 265 123 456 (Primaria Balauseri), quality GREEN');
    expect(result.output).toContain('https://bot.balauseri.ro/webhooks/whatsapp');
    expect(result.output).toMatch(/No WHATSAPP_TEMPLATE_NAME/);
    expect(result.code).toBe(0);
  });

  it('check fails with the Graph API’s reason when the token is wrong', async () => {
    const result = await cli(['whatsapp', 'check'], { ...cloud, WHATSAPP_CLOUD_TOKEN: 'expired', WHATSAPP_GRAPH_API_ROOT: graph.root, PUBLIC_URL: 'https://bot.balauseri.ro' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/✗ Graph API refused .*HTTP 401 \(code 190\)/);
  });

  it('unlink forgets the WhatsApp Web session so the next start asks for a new pairing', async () => {
    const session = path.join(dataDirectory, 'whatsapp', 'session', 'Default');
    fs.mkdirSync(session, { recursive: true });
    const result = await cli(['whatsapp', 'unlink'], { WHATSAPP_WEB_ENABLED: 'true' });
    expect(result.output).toMatch(/session removed/);
    expect(fs.existsSync(path.join(dataDirectory, 'whatsapp', 'session'))).toBe(false);
  });
});
