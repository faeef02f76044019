import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { launchBrowser, openPage, pressAndWaitForBot, saveScreenshot, sayAndWaitForBot, sendInWidget, viewports, waitForWidgetMessage, widgetElement, widgetMessages, type LaunchedBrowser } from '../helpers/browser.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 2's story in a real browser: a citizen on the town hall's website uses the chat bubble, from
// the first question to a clerk's answer arriving while the bubble is open.

let testApp: TestApp;
let baseUrl: string;
let launched: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  testApp = await startTestApp();
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
  launched = await launchBrowser();
  page = await openPage(launched.browser, viewports.tablet);
});

afterAll(async () => {
  await launched?.close();
  await testApp?.close();
});

describe('a citizen uses the chat bubble on the town hall website', () => {
  it('asks a question, gets an answer with its source, and still sees it after reloading the page', async () => {
    await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
    const launcher = await widgetElement(page, 'functionar-launcher');
    expect(await launcher.evaluate((element) => element.getAttribute('aria-expanded'))).toBe('false');
    await launcher.click();
    await widgetElement(page, 'functionar-panel');
    expect(await launcher.evaluate((element) => element.getAttribute('aria-expanded'))).toBe('true');

    // The privacy notice is there before the first question, with a link to the full page.
    const notice = await page.waitForFunction(
      () => {
        const element = document.querySelector('#functionar-widget')?.shadowRoot?.querySelector('[data-testid="functionar-privacy-notice"]');
        const link = element?.querySelector('a');
        return element?.textContent && link ? { text: element.textContent, href: link.getAttribute('href') } : false;
      },
      { timeout: 10_000 },
    );
    const { text: noticeText, href } = (await notice.jsonValue()) as { text: string; href: string };
    expect(noticeText).toMatch(/Protecția datelor/);
    expect(href).toBe(`${baseUrl}/privacy?lang=ro`);

    await sendInWidget(page, 'ce acte imi trebuie pentru autorizatie de construire');
    const answer = await waitForWidgetMessage(page, (message) => message.from === 'bot' && message.sources.length > 0, 15_000, 'an answer with a source');
    expect(answer.text).toMatch(/certificat(ul)? de urbanism/i);
    expect(answer.sources[0]).toMatch(/Sursa: .*construire/i);
    await saveScreenshot(page, 'bubble-answer-tablet');

    const before = await widgetMessages(page);
    await page.reload({ waitUntil: 'domcontentloaded' });
    const restored = await waitForWidgetMessage(page, (message) => message.from === 'bot' && message.sources.length > 0, 10_000, 'the answer restored after reload');
    expect(restored.text).toBe(answer.text);
    const after = await widgetMessages(page);
    expect(after.map((message) => [message.from, message.text])).toEqual(before.map((message) => [message.from, message.text]));
  });

  it('files a request through the bubble and sees the clerk’s answer arrive live', async () => {
    await (await widgetElement(page, 'functionar-launcher')).click();
    await widgetElement(page, 'functionar-panel');
    await sayAndWaitForBot(page, 'vreau sa depun o sesizare', /Despre ce este cererea/, 'the subject question');
    await sayAndWaitForBot(page, 'Podetul de pe ulita spre Filitelnic s-a surpat dupa ploaie', /Cum vă numiți/, 'the name question');
    await sayAndWaitForBot(page, 'Gabriela Moldovan', /Cum vă putem contacta/, 'the contact question');
    const consent = await pressAndWaitForBot(page, 'Sari peste', /GDPR/, 'the consent question');
    expect(consent.buttons).toEqual(['Da', 'Nu']);
    const confirmation = await pressAndWaitForBot(page, 'Da', /înregistrată cu numărul/, 'the registration number');
    const label = /numărul (\d+\/\d{4})/.exec(confirmation.text)?.[1];
    expect(label).toBeDefined();
    // Without PUBLIC_URL the server writes the receipt's path; the bubble links it to the bot's own address.
    const receiptHref = await page.evaluate(() =>
      [...(document.querySelector('#functionar-widget')?.shadowRoot?.querySelectorAll('[data-from="bot"] a') ?? [])].map((element) => element.getAttribute('href') ?? '').find((href) => href.endsWith('/receipt.pdf')),
    );
    expect(receiptHref).toMatch(new RegExp(`^${baseUrl.replace(/\./g, '\\.')}/api/webchat/receipts/${label?.replace('/', '-')}/[A-Za-z0-9_-]{22}/receipt\\.pdf$`));
    // The body is read to the end: a response left unread keeps its connection busy and the server from closing.
    const download = await fetch(receiptHref!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const outcome = await testApp.app.functionar.clerkCommands.run(
      { kind: 'name', value: 'Ana Pop', channel: 'cli' },
      `/raspunde ${label} Echipa de intervenție ajunge mâine la podeț.`,
    );
    expect(outcome.ok, outcome.text).toBe(true);
    const clerkMessage = await waitForWidgetMessage(page, (message) => message.from === 'clerk', 10_000, "the clerk's reply");
    expect(clerkMessage.text).toContain(`Răspuns de la primărie la cererea ${label}`);
    expect(clerkMessage.text).toContain('Echipa de intervenție ajunge mâine la podeț.');
    await saveScreenshot(page, 'bubble-clerk-reply-tablet');

    // On a phone (switching to a mobile viewport reloads the page) the open bubble fills the screen.
    await page.setViewport({ ...viewports.phone, isMobile: true, hasTouch: true });
    await page.waitForFunction(() => 'FunctionarWidget' in window);
    await page.evaluate(() => (window as unknown as { FunctionarWidget: { open(): void } }).FunctionarWidget.open());
    await widgetElement(page, 'functionar-panel');
    await waitForWidgetMessage(page, (message) => message.from === 'clerk', 10_000, "the clerk's reply after the reload");
    const panel = await page.evaluate(() => {
      const box = document.querySelector('#functionar-widget')?.shadowRoot?.querySelector('[data-testid="functionar-panel"]')?.getBoundingClientRect();
      return { width: box?.width ?? 0, height: box?.height ?? 0 };
    });
    expect(panel.width).toBe(viewports.phone.width);
    expect(panel.height).toBe(viewports.phone.height);
    await saveScreenshot(page, 'bubble-clerk-reply-phone', { fullPage: false });
  });
});
