import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSavedReply } from '../../src/admin/saved-replies.ts';
import { saveScreenshot, viewports, waitForWidgetMessage, type LaunchedBrowser } from '../helpers/browser.ts';
import { startCitizenAndClerk } from '../helpers/citizen-and-clerk.ts';
import type { TestApp } from '../helpers/test-app.ts';

// Issue 14 in a real browser, two pages side by side: the citizen's chat bubble on the town hall's site and
// the clerk's web inbox. Nothing is reloaded: the request appears in the inbox by itself, the clerk's answer
// reaches the bubble, and the citizen's answer appears on the clerk's ticket page.

let testApp: TestApp;
let baseUrl: string;
let launched: LaunchedBrowser;
let citizen: Page;
let clerk: Page;
let ticketLabel: string;
const password = 'corect-cal-baterie-capsa';

type WidgetWindow = { FunctionarWidget: { send(text: string): Promise<boolean>; open(): void } };

async function citizenSays(text: string): Promise<void> {
  await citizen.evaluate((message) => (window as unknown as WidgetWindow).FunctionarWidget.send(message), text);
}

/** A page-load marker: it survives only as long as the page is not reloaded or left. */
async function markPageLoad(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
}

async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
}

/** Waits until the page's live stream is connected (the server then reports every change). */
async function waitForLiveStream(page: Page): Promise<void> {
  await page.waitForSelector('body[data-live-stream="connected"]');
}

beforeAll(async () => {
  ({ testApp, baseUrl, launched, citizen, clerk } = await startCitizenAndClerk({ clerks: [{ name: 'Ana Pop', department: 'registratura', password }], clerkViewport: viewports.desktop }));
  const { db } = testApp.app.functionar.database;
  await addSavedReply(db, { department: '', language: 'ro', title: 'Mulțumim, verificăm', text: 'Vă mulțumim pentru sesizare; un coleg merge la fața locului. ' });
  await addSavedReply(db, { department: '', language: 'hu', title: 'Köszönjük', text: 'Köszönjük a bejelentést. ' });
});

afterAll(async () => {
  await launched?.close();
  await testApp?.close();
});

describe('a citizen and a clerk in one conversation', () => {
  it('the citizen’s request appears in the open inbox without a reload, marked unread', async () => {
    await clerk.goto(`${baseUrl}/admin/login?next=%2Fadmin`, { waitUntil: 'domcontentloaded' });
    await clerk.type('#name', 'Ana Pop');
    await clerk.type('input[type="password"]', password);
    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click('button[type="submit"]')]);
    expect(new URL(clerk.url()).pathname).toBe('/admin');
    await waitForLiveStream(clerk);
    await markPageLoad(clerk);

    await citizen.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
    await citizen.waitForFunction(() => 'FunctionarWidget' in window);
    for (const text of ['vreau sa depun o sesizare', 'Capacul de canal din fata scolii lipseste', 'Vasile Kovács', 'sari peste', 'Da']) await citizenSays(text);
    const confirmation = await waitForWidgetMessage(citizen, (message) => /înregistrată cu numărul/.test(message.text), 10_000, 'the registration number');
    ticketLabel = /numărul (\d+\/\d{4})/.exec(confirmation.text)?.[1] ?? '';
    expect(ticketLabel).toMatch(/^\d+\/\d{4}$/);

    const row = await clerk.waitForSelector(`[data-ticket="${ticketLabel}"] [data-testid="unread-marker"]`);
    expect(await row?.evaluate((element) => element.textContent)).toBe('nedeschis');
    expect(await stillSamePage(clerk)).toBe(true);
    expect(await clerk.$eval(`[data-ticket="${ticketLabel}"] h2`, (element) => element.textContent)).toContain('Capacul de canal');
    await saveScreenshot(clerk, 'live-inbox-new-ticket-desktop');
  });

  it('the clerk answers from the reply box at the top and stays there; the bubble receives the answer', async () => {
    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click(`[data-ticket="${ticketLabel}"] h2 a`)]);
    await waitForLiveStream(clerk);
    // The reply box is on the first screen, not below the transcript; the bot's conversation is folded.
    const replyTop = await clerk.$eval('#reply-text', (element) => element.getBoundingClientRect().top);
    expect(replyTop).toBeLessThan(viewports.desktop.height);
    expect(await clerk.$eval('[data-testid="transcript"]', (element) => (element as HTMLDetailsElement).open)).toBe(false);
    expect(await clerk.$eval('[data-testid="citizen-language"]', (element) => element.textContent)).toBe('Cetățeanul scrie în română — răspundeți în română.');

    // A saved reply in the citizen's language is offered first and goes into the box where the cursor is.
    const firstOffered = await clerk.$eval('#saved-reply optgroup option', (element) => element.textContent ?? '');
    expect(firstOffered).toContain('Mulțumim, verificăm');
    await clerk.select('#saved-reply', await clerk.$eval('#saved-reply optgroup option', (element) => (element as HTMLOptionElement).value));
    await clerk.click('[data-testid="saved-reply-insert"]');
    await clerk.type('#reply-text', 'Când ați observat că lipsește?');
    expect(await clerk.$eval('#reply-text', (element) => (element as HTMLTextAreaElement).value)).toBe(
      'Vă mulțumim pentru sesizare; un coleg merge la fața locului. Când ați observat că lipsește?',
    );
    expect(new URL(clerk.url()).search).toBe('');
    await saveScreenshot(clerk, 'live-ticket-reply-box-desktop', { fullPage: false });

    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click('[data-testid="reply-send"]')]);
    expect(new URL(clerk.url()).hash).toBe('#reply');
    // Still at the reply box, with the outcome in it.
    const after = await clerk.$eval('#reply-text', (element) => ({ top: element.getBoundingClientRect().top, bottom: element.getBoundingClientRect().bottom }));
    expect(after.top).toBeLessThan(viewports.desktop.height);
    expect(after.bottom).toBeGreaterThan(0);
    const outcome = await clerk.$eval('#reply', (element) => ({ text: element.textContent ?? '', focused: document.activeElement === element, testId: element.getAttribute('data-testid') }));
    expect(outcome).toMatchObject({ testId: 'admin-flash', focused: true });
    expect(outcome.text).toContain(`Răspuns trimis cetățeanului pentru ${ticketLabel}`);

    const received = await waitForWidgetMessage(citizen, (message) => message.from === 'clerk', 10_000, "the clerk's answer in the bubble");
    expect(received.text).toContain('Când ați observat că lipsește?');
    await citizen.evaluate(() => (window as unknown as WidgetWindow).FunctionarWidget.open());
    await saveScreenshot(citizen, 'live-answer-in-bubble-phone', { fullPage: false });
  });

  it('the citizen writes back and the clerk’s ticket page shows it first, without a reload', async () => {
    await waitForLiveStream(clerk);
    await markPageLoad(clerk);
    await citizenSays('De ieri dimineata, cineva l-a luat noaptea.');
    await clerk.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="thread"] [data-testid="conversation-message"][data-from="citizen"]')].some((element) => (element.textContent ?? '').includes('De ieri dimineata')),
      { timeout: 10_000 },
    );
    expect(await stillSamePage(clerk)).toBe(true);
    // Newest first: the citizen's message (after it only the bot's note that it reached the clerks) comes
    // before the clerk's earlier answer; the reply box kept its place at the top.
    const thread = await clerk.$$eval('[data-testid="thread"] [data-testid="conversation-message"]', (elements) => elements.map((element) => element.getAttribute('data-from')));
    expect(thread.filter((author) => author !== 'bot')).toEqual(['citizen', 'clerk']);
    expect(await clerk.$eval('#reply-text', (element) => element.getBoundingClientRect().top)).toBeLessThan(viewports.desktop.height);
    await saveScreenshot(clerk, 'live-ticket-citizen-answer-desktop');

    // Back in the inbox the ticket reads as opened: the page itself was the clerk reading the message.
    await clerk.goto(`${baseUrl}/admin`, { waitUntil: 'domcontentloaded' });
    expect(await clerk.$(`[data-ticket="${ticketLabel}"] [data-testid="unread-marker"]`)).toBeNull();
  });
});
