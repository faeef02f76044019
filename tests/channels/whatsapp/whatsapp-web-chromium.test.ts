import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../../channels/whatsapp/index.ts';
import type { WhatsappWebDriver } from '../../../channels/whatsapp/web/web-driver.ts';
import { eventually, startTestApp } from '../../helpers/test-app.ts';

// The real whatsapp-web.js driver on Debian's headless Chromium, with WhatsApp Web made unreachable on
// purpose: Chromium is told (by the proxy variables it reads on Linux) to go through a proxy on a closed
// port, so the outcome is the same on every machine, with or without internet access. The driver must
// say clearly in the log that WhatsApp Web is unreachable, the server must keep serving, and Chromium
// must be shut down on close.

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const chromiumPresent = fs.existsSync(chromiumPath);
/** Port 9 (discard) on the loopback: nothing listens, every connection through it is refused at once. */
const closedProxy = 'http://127.0.0.1:9';
const proxyVariables = ['https_proxy', 'http_proxy', 'all_proxy', 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

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
    chromiumPresent ? `launches ${chromiumPath} headless and logs that WhatsApp Web is unreachable, without stopping the server` : `SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
    async () => {
      const saved = Object.fromEntries(proxyVariables.map((name) => [name, process.env[name]]));
      // Chromium inherits the environment; the app's own calls (Chroma on the loopback) stay direct.
      for (const name of ['https_proxy', 'http_proxy', 'all_proxy']) process.env[name] = closedProxy;
      process.env.no_proxy = '127.0.0.1,localhost';
      const restoreProxyVariables = () => {
        for (const name of proxyVariables) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      };
      const testApp = await startTestApp({ WHATSAPP_WEB_ENABLED: 'true', CHROMIUM_PATH: chromiumPath });
      const sessionDirectory = path.join(testApp.dataDirectory, 'whatsapp');
      try {
        const driver = (testApp.app.functionar.channels.get('whatsapp') as WhatsappAdapter).driver as WhatsappWebDriver;
        expect(driver.name).toBe('whatsapp-web');
        const failure = await eventually(() => testApp.logLines.find((line) => String(line.msg).startsWith('whatsapp web unavailable')), 60_000, 'the logged failure');
        // The browser itself started (no "Chromium not found"): the failure is about reaching WhatsApp Web, and says so.
        expect(String(failure.reason)).toMatch(/^WhatsApp Web is unreachable from this machine \(net::ERR_PROXY_CONNECTION_FAILED at https:\/\/web\.whatsapp\.com\/?\); check its internet access$/);
        expect(driver.status().state).not.toBe('pairing');
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
        restoreProxyVariables();
      }
      await eventually(() => processesMentioning(sessionDirectory).length === 0 || undefined, 10_000, 'Chromium closed with the app');
    },
    90_000,
  );
});
