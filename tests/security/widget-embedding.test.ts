import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// A real browser proves what header assertions cannot: with our security headers and CORS allow-list,
// the bubble still works on the town hall's own website (another origin) and on our demo page, and a
// site that is not on the list cannot use the API.

const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate && fs.existsSync(candidate));

let testApp: TestApp;
let appUrl: string;
let browser: Browser;
const otherSites: http.Server[] = [];

/** A stand-in for the town hall's website: one page embedding the bubble with a script tag. */
async function startOtherSite(): Promise<string> {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="ro"><head><meta charset="utf-8"><title>Primăria</title></head>
<body><h1>Primăria Comunei Bălăușeri</h1><script src="${appUrl}/widget.js" defer></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  otherSites.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Visit {
  page: Page;
  problems: string[];
}

async function visit(url: string): Promise<Visit> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // HTTP errors are reported with their address below; the browser's own line says only the status.
    if (/^Failed to load resource/.test(message.text())) return;
    if (message.type() === 'error' || /Refused|Content Security Policy|blocked/i.test(message.text())) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => 'FunctionarWidget' in window, { timeout: 10_000 });
  return { page, problems };
}

/** The widget's own API: resolves true once the server's answer is shown, false when sending failed. */
function askThroughWidget(page: Page, question: string): Promise<boolean> {
  return page.evaluate((text) => (window as unknown as { FunctionarWidget: { send(text: string): Promise<boolean> } }).FunctionarWidget.send(text), question);
}

const allowedSite = { url: '' };

beforeAll(async () => {
  if (!chromiumPath) return;
  // The app must know the allowed origin before it starts, and the site must know the app's address:
  // reserve the site's port first, then point it at the app once the app listens.
  allowedSite.url = await startOtherSite();
  testApp = await startTestApp({ WEBCHAT_ALLOWED_ORIGINS: `${allowedSite.url},https://www.balauseri.ro` });
  appUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of otherSites) await new Promise<void>((resolve) => server.close(() => resolve()));
  await testApp?.close();
});

describe.skipIf(!chromiumPath)('the chat bubble in a real browser', () => {
  it('works when embedded on the town hall website, another origin on the allow-list', async () => {
    const { page, problems } = await visit(allowedSite.url);
    expect(await askThroughWidget(page, 'Care este programul cu publicul?')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('works on our own demo page under our Content-Security-Policy', async () => {
    const { page, problems } = await visit(`${appUrl}/`);
    expect(await askThroughWidget(page, 'ce acte trebuie pentru certificatul de urbanism')).toBe(true);
    // The widget styles its shadow root with a <style> element: the policy must allow it.
    const styled = await page.evaluate(() => {
      const host = document.querySelector('#functionar-widget');
      const launcher = host?.shadowRoot?.querySelector('.launcher');
      return launcher ? getComputedStyle(launcher).position : 'no launcher';
    });
    expect(styled).not.toBe('no launcher');
    expect(styled).toBe('fixed');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cannot be used by a site that is not on WEBCHAT_ALLOWED_ORIGINS', async () => {
    const strangerUrl = await startOtherSite();
    const { page, problems } = await visit(strangerUrl);
    // The script itself loads anywhere; the browser refuses the API answers to a foreign origin.
    expect(await askThroughWidget(page, 'program')).toBe(false);
    expect(problems.join('\n')).toMatch(/CORS|Access-Control-Allow-Origin|request failed/);
    await page.close();
  });
});
