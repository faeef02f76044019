import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../../channels/whatsapp/index.ts';
import type { WhatsappWebDriver } from '../../../channels/whatsapp/web/web-driver.ts';
import { eventually, startTestApp } from '../../helpers/test-app.ts';

// The real whatsapp-web.js driver on Debian's headless Chromium. This machine may have no way to
// web.whatsapp.com: the driver must then say so clearly in the log while the server keeps serving;
// with network access it reaches the pairing QR code. Either way it must shut Chromium down on close.

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const chromiumPresent = fs.existsSync(chromiumPath);

/** Processes whose command line mentions `needle` (Linux /proc), to prove no browser outlives the app. */
function processesMentioning(needle: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the whatsapp-web.js driver on the real Chromium', () => {
  it.skipIf(!chromiumPresent)(
    chromiumPresent ? `launches ${chromiumPath} headless and reaches pairing or logs why WhatsApp Web is unreachable, without stopping the server` : `SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
    async () => {
      const testApp = await startTestApp({ WHATSAPP_WEB_ENABLED: 'true', CHROMIUM_PATH: chromiumPath });
      const sessionDirectory = path.join(testApp.dataDirectory, 'whatsapp');
      try {
        const driver = (testApp.app.functionar.channels.get('whatsapp') as WhatsappAdapter).driver as WhatsappWebDriver;
        expect(driver.name).toBe('whatsapp-web');
        const outcome = await eventually(
          () => {
            if (driver.status().state === 'pairing') return { pairing: true as const };
            const failure = testApp.logLines.find((line) => String(line.msg).startsWith('whatsapp web unavailable'));
            return failure ? { pairing: false as const, reason: String(failure.reason) } : undefined;
          },
          60_000,
          'pairing or a logged failure',
        );
        if (outcome.pairing) {
          const page = await testApp.app.inject({ method: 'GET', url: '/admin/whatsapp/qr' });
          expect(page.body).toContain('data:image/png;base64,');
        } else {
          // The browser itself started: the failure is about reaching WhatsApp Web, and says so.
          expect(outcome.reason).toMatch(/WhatsApp Web is unreachable from this machine \(net::ERR_[A-Z_]+|WhatsApp Web failed to start: /);
          expect(outcome.reason).not.toMatch(/Chromium not found|could not create/);
          console.info(`whatsapp-web.js smoke test: ${outcome.reason}`);
        }
        // The server kept serving, and says why WhatsApp is not ready.
        const health = await testApp.app.inject({ method: 'GET', url: '/healthz' });
        expect(health.json()).toEqual({ status: 'ok' });
        const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json().checks['channel:whatsapp']).toMatch(/^not ready: /);
        const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
        expect(session.statusCode).toBe(201);
        // LocalAuth keeps the session under <data>/whatsapp, where it survives restarts.
        expect(fs.existsSync(path.join(sessionDirectory, 'session'))).toBe(true);
      } finally {
        await testApp.close();
      }
      await eventually(() => processesMentioning(sessionDirectory).length === 0 || undefined, 10_000, 'Chromium closed with the app');
    },
    90_000,
  );
});
