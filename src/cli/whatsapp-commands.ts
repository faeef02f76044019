import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { CommandRegistrar } from './command-registrars.ts';

// `functionar whatsapp check | unlink`: what an administrator needs around the WhatsApp channel —
// is the Cloud API set up right (token, phone number id, webhook URL, template), is Chromium there
// for the WhatsApp Web driver, and how to force a new pairing.

export interface CheckLine {
  ok: boolean;
  text: string;
}

const webhookPath = '/webhooks/whatsapp';

export async function checkWhatsapp(config: Config): Promise<CheckLine[]> {
  const { whatsapp } = config;
  const lines: CheckLine[] = [];
  if (whatsapp.cloudToken && whatsapp.phoneNumberId && whatsapp.appSecret && whatsapp.verifyToken) {
    lines.push({ ok: true, text: 'Driver: WhatsApp Cloud API (official)' });
    const { GraphApiClient, defaultGraphApiRoot } = await import('../../channels/whatsapp/cloud/graph-api-client.ts');
    const graph = new GraphApiClient({ root: whatsapp.graphApiRoot ?? defaultGraphApiRoot, token: whatsapp.cloudToken, phoneNumberId: whatsapp.phoneNumberId });
    try {
      const info = await graph.phoneNumberInfo();
      lines.push({ ok: true, text: `Phone number ${info.display_phone_number ?? '?'} (${info.verified_name ?? 'no verified name'}), quality ${info.quality_rating ?? 'unknown'}` });
    } catch (error) {
      lines.push({ ok: false, text: `Graph API refused WHATSAPP_CLOUD_TOKEN / WHATSAPP_PHONE_NUMBER_ID: ${error instanceof Error ? error.message : String(error)}` });
    }
    if (!config.publicUrl) lines.push({ ok: false, text: `PUBLIC_URL is not set: Meta needs https://<your address>${webhookPath} as the callback URL` });
    else if (!config.publicUrl.startsWith('https://')) lines.push({ ok: false, text: `PUBLIC_URL must be https:// for Meta's webhooks (got ${config.publicUrl})` });
    else lines.push({ ok: true, text: `Callback URL to enter in the Meta app (WhatsApp → Configuration): ${config.publicUrl.replace(/\/+$/, '')}${webhookPath}, verify token = WHATSAPP_VERIFY_TOKEN, subscribe to "messages"` });
    lines.push(
      whatsapp.templateName
        ? { ok: true, text: `Template for replies after 24 hours: ${whatsapp.templateName} (${whatsapp.templateLanguage})` }
        : { ok: true, text: 'No WHATSAPP_TEMPLATE_NAME: clerk replies sent more than 24 hours after the citizen last wrote will not be delivered (the clerk sees it on the ticket)' },
    );
    return lines;
  }
  if (whatsapp.webEnabled) {
    const chromium = whatsapp.chromiumPath ?? '/usr/bin/chromium';
    lines.push({ ok: true, text: 'Driver: whatsapp-web.js (automates WhatsApp Web; unofficial, see README)' });
    lines.push(fs.existsSync(chromium) ? { ok: true, text: `Chromium: ${chromium}` } : { ok: false, text: `Chromium not found at ${chromium}: apt-get install chromium, or set CHROMIUM_PATH` });
    const session = path.join(config.dataDirectory, 'whatsapp', 'session');
    lines.push({
      ok: true,
      text: fs.existsSync(session) ? `Session kept in ${session} (restarts do not need a new pairing)` : `No session yet: start the server and scan the QR code (terminal or http://localhost:${config.port}/admin/whatsapp/qr)`,
    });
    return lines;
  }
  return [{ ok: false, text: 'WhatsApp is off: set WHATSAPP_CLOUD_TOKEN (+ WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN) or WHATSAPP_WEB_ENABLED=true' }];
}

/** Forgets the WhatsApp Web session: the next start asks for a new pairing. */
export function unlinkWhatsappWeb(config: Config): string {
  const directory = path.join(config.dataDirectory, 'whatsapp', 'session');
  if (!fs.existsSync(directory)) return `No WhatsApp Web session in ${directory}.`;
  fs.rmSync(directory, { recursive: true, force: true });
  return `WhatsApp Web session removed (${directory}). Also remove "Linked devices" → this device on the town hall phone; the next start shows a new QR code.`;
}

export const registerWhatsappCommands: CommandRegistrar = (program: Command, environment) => {
  const whatsapp = program.command('whatsapp').description('WhatsApp channel set-up');
  whatsapp
    .command('check')
    .description('check the WhatsApp configuration: Cloud API token and phone number, webhook URL, template, or Chromium for WhatsApp Web')
    .action(async () => {
      const lines = await checkWhatsapp(environment.config());
      for (const line of lines) console.log(`${line.ok ? '✓' : '✗'} ${line.text}`);
      if (lines.some((line) => !line.ok)) process.exitCode = 1;
    });
  whatsapp
    .command('unlink')
    .description('forget the WhatsApp Web session (stop the server first); the next start asks for a new QR pairing')
    .action(() => console.log(unlinkWhatsappWeb(environment.config())));
};
