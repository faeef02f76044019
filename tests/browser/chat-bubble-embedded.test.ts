import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type http from 'node:http';
import type { ElementHandle, Page } from 'puppeteer-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketView } from '../../src/admin/ticket-view.ts';
import { tickets } from '../../src/database/schema.ts';
import { closeLoopbackServer, listenOnLoopback } from '../fakes/loopback-server.ts';
import { launchBrowser, openPage, pressAndWaitForBot, saveScreenshot, sayAndWaitForBot, sendInWidget, viewports, waitForBotMessageAfter, waitForWidgetMessage, widgetElement, widgetMessages, widgetSelector, type LaunchedBrowser } from '../helpers/browser.ts';
import { startTestApp, temporaryDirectory, type TestApp } from '../helpers/test-app.ts';

// The bubble embedded on the town hall's own website (another host), whose style sheet is hostile to
// widgets: a rule on every div and a transform on body. The citizen sends a photo and a scan, files a
// request, and gets a receipt link they can click; axe finds nothing to fix in the open bubble.

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let testApp: TestApp;
let publicUrl: string;
let site: http.Server;
let siteUrl: string;
let launched: LaunchedBrowser;
let page: Page;
let files: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function townHallPage(): string {
  return `<!doctype html><html lang="ro"><head><meta charset="utf-8"><title>Primăria</title>
<style>div { padding: 50px; border: 5px solid red; } body { transform: scale(1); margin: 0; } * { box-sizing: content-box; font-size: 30px; }</style></head>
<body><main><div><h1>Primăria Comunei Bălăușeri</h1><p>Pagina primăriei.</p></div></main>
<script src="${publicUrl}/widget.js" data-title="Primăria Bălăușeri" data-lang="ro" defer></script></body></html>`;
}

async function attach(file: string): Promise<void> {
  const input = (await page.$(widgetSelector('functionar-file-input'))) as ElementHandle<HTMLInputElement> | null;
  expect(input).not.toBeNull();
  await input!.uploadFile(file);
}

/** The errors the bubble shows (role=alert notes), newest last. */
async function bubbleErrors(): Promise<string[]> {
  return page.evaluate(() => [...(document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-error"]') ?? [])].map((element) => element.textContent ?? ''));
}

async function axeViolations(): Promise<{ id: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as {
      axe: { getRules(tags: string[]): { ruleId: string }[]; run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
    }).axe;
    // Experimental rules too: label-content-name-mismatch (WCAG 2.5.3) is one of them.
    const experimental = Object.fromEntries(axe.getRules(['experimental']).map((rule) => [rule.ruleId, { enabled: true }]));
    const result = await axe.run({ include: [['#functionar-widget']] }, { resultTypes: ['violations'], rules: experimental });
    return result.violations.map((violation) => ({ id: violation.id, nodes: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
}

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  testApp = await startTestApp({ PUBLIC_URL: publicUrl });
  await testApp.app.listen({ port, host: '127.0.0.1' });
  const served = await listenOnLoopback(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(townHallPage());
  });
  site = served.server;
  // Another host name than the bot's: the bubble is on the town hall's site, its server elsewhere.
  siteUrl = served.url.replace('127.0.0.1', 'localhost');
  files = temporaryDirectory('functionar-files-');
  fs.writeFileSync(path.join(files, 'groapa.png'), png);
  fs.writeFileSync(path.join(files, 'cerere.pdf'), pdf);
  fs.writeFileSync(path.join(files, 'setup.exe'), Buffer.from('MZ\x90\x00 this program cannot be run in DOS mode'));
  fs.writeFileSync(path.join(files, 'scanare-mare.pdf'), Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]));
  launched = await launchBrowser();
  page = await openPage(launched.browser, viewports.desktop);
});

afterAll(async () => {
  await launched?.close();
  if (site) await closeLoopbackServer(site);
  await testApp?.close();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

describe('the chat bubble on the town hall’s own website', () => {
  it('stays fixed in the corner of the window although the page styles every div and transforms body', async () => {
    await page.goto(`${siteUrl}/`, { waitUntil: 'domcontentloaded' });
    const launcher = await widgetElement(page, 'functionar-launcher');
    await launcher.click();
    await widgetElement(page, 'functionar-panel');
    // Scrolled: a panel carried by a transformed body would move with the page.
    await page.evaluate(() => window.scrollTo(0, 200));
    const layout = await page.evaluate(() => {
      const host = document.querySelector('#functionar-widget')!;
      const root = host.shadowRoot!;
      const box = (testId: string) => {
        const rect = root.querySelector(`[data-testid="${testId}"]`)!.getBoundingClientRect();
        return { right: Math.round(rect.right), bottom: Math.round(rect.bottom), width: Math.round(rect.width) };
      };
      const style = getComputedStyle(host);
      return { panel: box('functionar-panel'), launcher: box('functionar-launcher'), hostPadding: style.padding, hostBorder: style.borderTopWidth, width: innerWidth, height: innerHeight };
    });
    expect(layout.hostPadding).toBe('0px');
    expect(layout.hostBorder).toBe('0px');
    expect(layout.launcher.right).toBe(layout.width - 20);
    expect(layout.launcher.bottom).toBe(layout.height - 20);
    expect(layout.panel.right).toBe(layout.width - 20);
    expect(layout.panel.bottom).toBe(layout.height - 86);
    expect(layout.panel.width).toBe(380);
    await saveScreenshot(page, 'bubble-hostile-page', { fullPage: false });
  });

  it('sends a photo and a PDF, refuses a program and a file over 10 MB with a clear message, and the clerk sees the files on the request', async () => {
    let count = (await widgetMessages(page)).length;
    await attach(path.join(files, 'groapa.png'));
    await waitForBotMessageAfter(page, count, /Am primit/, 'the answer to the photo');
    count = (await widgetMessages(page)).length;
    await attach(path.join(files, 'cerere.pdf'));
    await waitForBotMessageAfter(page, count, /cerere\.pdf/, 'the answer to the PDF');
    const shown = await page.evaluate(() => [...(document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-file"]') ?? [])].map((element) => element.textContent));
    expect(shown).toEqual(['📎Fișiergroapa.png(1 KB)', '📎Fișiercerere.pdf(1 KB)']);
    for (const [bytes, extension] of [[png, 'png'], [pdf, 'pdf']] as const) {
      expect(fs.readFileSync(path.join(testApp.dataDirectory, 'attachments', `${sha256(bytes)}.${extension}`)).equals(bytes)).toBe(true);
    }

    await attach(path.join(files, 'setup.exe'));
    await page.waitForFunction(() => (document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-error"]').length ?? 0) >= 1);
    expect((await bubbleErrors()).at(-1)).toMatch(/Acest tip de fișier nu îl pot atașa/);
    await attach(path.join(files, 'scanare-mare.pdf'));
    await page.waitForFunction(() => (document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-error"]').length ?? 0) >= 2);
    expect((await bubbleErrors()).at(-1)).toMatch(/cel mult 10 MB/);
    expect(fs.readdirSync(path.join(testApp.dataDirectory, 'attachments')).sort()).toEqual([`${sha256(pdf)}.pdf`, `${sha256(png)}.png`].sort());

    // The files started a request: it is filed, and the receipt link can be clicked.
    await sayAndWaitForBot(page, 'Groapa mare pe strada Principala in fata scolii', /Cum vă numiți/, 'the name question');
    await sayAndWaitForBot(page, 'Gabriela Moldovan', /Cum vă putem contacta/, 'the contact question');
    await pressAndWaitForBot(page, 'Sari peste', /GDPR/, 'the consent question');
    const confirmation = await pressAndWaitForBot(page, 'Da', /înregistrată cu numărul/, 'the registration number');
    const label = /numărul (\d+)\/(\d{4})/.exec(confirmation.text);
    expect(label).not.toBeNull();

    const db = testApp.app.functionar.database.db;
    const ticket = (await db.select().from(tickets).where(eq(tickets.number, Number(label?.[1])))).find((row) => row.year === Number(label?.[2]));
    expect((await ticketView(db, ticket!)).attachments.map((link) => [link.attachment.fileName, link.attachment.sha256])).toEqual([
      ['groapa.png', sha256(png)],
      ['cerere.pdf', sha256(pdf)],
    ]);
  });

  it('shows the receipt link as an absolute, clickable link that carries no session id', async () => {
    const { links, text, sessionId } = await page.evaluate(() => {
      const root = document.querySelector('#functionar-widget')!.shadowRoot!;
      const bubble = [...root.querySelectorAll('[data-testid="functionar-message"][data-from="bot"]')].find((element) => /PDF/.test(element.textContent ?? ''))!;
      const stored = Object.keys(localStorage).find((key) => key.startsWith('functionar.session.'));
      return { links: [...bubble.querySelectorAll('a')].map((element) => element.getAttribute('href') ?? ''), text: bubble.textContent ?? '', sessionId: stored ? localStorage.getItem(stored) : null };
    });
    expect(sessionId).toBeTruthy();
    const receiptLink = links.find((href) => href.includes('/receipt.pdf'));
    expect(receiptLink).toMatch(new RegExp(`^${publicUrl.replace(/\./g, '\\.')}/api/webchat/receipts/\\d+-\\d{4}/[A-Za-z0-9_-]{22}/receipt\\.pdf$`));
    expect(receiptLink).not.toContain(sessionId);
    expect(text).not.toContain(sessionId);
    const download = await fetch(receiptLink!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    // Read to the end: a response left unread keeps its connection busy and the server from closing.
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    // Nor does the clerk's transcript carry it.
    const messages = await testApp.app.functionar.database.db.select().from((await import('../../src/database/schema.ts')).messages);
    const transcript = messages.map((row) => row.text).join('\n');
    expect(transcript).not.toContain(sessionId);
  });

  it('passes axe in the open bubble; every message says its language, and the log can be reached with the keyboard', async () => {
    const violations = await axeViolations();
    expect(violations).toEqual([]);
    const marks = await page.evaluate(() =>
      [...(document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-message"]') ?? [])].map((element) => `${element.getAttribute('data-from')}:${element.getAttribute('lang')}`),
    );
    expect(marks.length).toBeGreaterThan(5);
    expect(marks.every((mark) => /:(ro|hu|en)$/.test(mark))).toBe(true);
    const log = await page.evaluate(() => {
      const element = document.querySelector('#functionar-widget')!.shadowRoot!.querySelector('[data-testid="functionar-log"]')!;
      return { tabIndex: (element as HTMLElement).tabIndex, role: element.getAttribute('role'), live: element.getAttribute('aria-live') };
    });
    expect(log).toEqual({ tabIndex: 0, role: 'log', live: 'polite' });
  });

  it('marks a Hungarian conversation’s answers as Hungarian', async () => {
    page = await openPage(launched.browser, viewports.phone);
    await page.goto(`${siteUrl}/`, { waitUntil: 'domcontentloaded' });
    await (await widgetElement(page, 'functionar-launcher')).click();
    await widgetElement(page, 'functionar-panel');
    await (await widgetElement(page, 'functionar-panel', ' [data-lang="hu"]')).click();
    await sendInWidget(page, 'Milyen iratok kellenek az építési engedélyhez?');
    await waitForWidgetMessage(page, (message) => message.from === 'bot', 15_000, 'the answer');
    const marks = await page.evaluate(() =>
      [...(document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-testid="functionar-message"][data-from="bot"]') ?? [])].map((element) => element.getAttribute('lang')),
    );
    expect(marks).toEqual(marks.map(() => 'hu'));
    expect(await axeViolations()).toEqual([]);
  });
});
