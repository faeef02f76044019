import fs from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { launchBrowser, openPage, saveScreenshot, viewports, waitForWidgetMessage, type LaunchedBrowser } from '../helpers/browser.ts';
import { copyKnowledge, realKnowledgeDirectory } from '../helpers/chroma.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 18 as a clerk lives it, in headless Chromium: sign in as an editor, change a procedure's fee,
// preview, publish; a citizen asking in the chat bubble gets the new fee; then restore the old version.
// The app runs on a copy of knowledge/ (KNOWLEDGE_DIR).

let testApp: TestApp;
let baseUrl: string;
let launched: LaunchedBrowser;
let clerk: Page;
let knowledgeDirectory: string;
const password = 'editoarea-are-parola-lunga';
const newFee = 'Taxa este de 23 lei conform HCL Bălăușeri nr. 7/2026.';

async function askInBubble(text: string): Promise<string> {
  const citizen = await openPage(launched.browser, viewports.phone);
  await citizen.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  await citizen.waitForFunction(() => 'FunctionarWidget' in window);
  await citizen.evaluate((message) => (window as unknown as { FunctionarWidget: { send(text: string): Promise<boolean> } }).FunctionarWidget.send(message), text);
  const answer = await waitForWidgetMessage(citizen, (message) => message.from === 'bot' && /urbanism/i.test(message.text), 10_000, 'the procedure answer');
  await citizen.browserContext().close();
  return answer.text;
}

/** How far below the Romanian title the Hungarian one starts: 0 side by side, more when stacked. */
async function hungarianBelowRomanian(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector('#title_hu')!.getBoundingClientRect().top - document.querySelector('#title_ro')!.getBoundingClientRect().top);
}

async function clickAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(selector)]);
}

beforeAll(async () => {
  knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
  testApp = await startTestApp({ KNOWLEDGE_DIR: knowledgeDirectory });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { db } = testApp.app.functionar.database;
  await addClerk(db, { name: 'Eva Editor', department: 'urbanism', editor: true });
  await setClerkPassword(db, 'Eva Editor', password);
  launched = await launchBrowser();
  clerk = await openPage(launched.browser, viewports.desktop);
}, 120_000);

afterAll(async () => {
  await launched?.close();
  await testApp?.close();
  fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
});

describe('a clerk edits a procedure in the browser', () => {
  it('changes the fee, previews, publishes, the bubble answers with it, and restores the old version', async () => {
    await clerk.goto(`${baseUrl}/admin/procedures`, { waitUntil: 'domcontentloaded' });
    await clerk.type('#name', 'Eva Editor');
    await clerk.type('input[type="password"]', password);
    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.keyboard.press('Enter')]);
    await clerk.goto(`${baseUrl}/admin/procedures`, { waitUntil: 'domcontentloaded' });
    await clickAndWait(clerk, 'a[href="/admin/procedures/certificat-urbanism"]');

    await clerk.$eval('#fee_ro', (element) => ((element as HTMLTextAreaElement).value = ''));
    await clerk.type('#fee_ro', newFee);
    await clickAndWait(clerk, '[data-testid="procedure-preview"]');
    const previews = await clerk.$$eval('[data-testid="answer-preview"]', (elements) => elements.map((element) => (element as HTMLElement).innerText));
    expect(previews).toHaveLength(3);
    expect(previews[0]).toContain(newFee);

    // Usable on a desk screen (RO and HU side by side) and on a tablet (stacked); the diff is coloured.
    expect(await hungarianBelowRomanian(clerk)).toBe(0);
    expect(await clerk.$eval('.diff li.added', (element) => getComputedStyle(element).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    await saveScreenshot(clerk, 'procedure-editor-desk');
    await clerk.setViewport(viewports.tablet);
    expect(await hungarianBelowRomanian(clerk)).toBeGreaterThan(0);
    expect(await clerk.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await saveScreenshot(clerk, 'procedure-editor-tablet');
    await clerk.setViewport(viewports.desktop);

    await clerk.type('#summary', 'taxa actualizată');
    await clickAndWait(clerk, '[data-testid="procedure-publish"]');
    expect(await clerk.$eval('[data-testid="admin-flash"]', (element) => (element as HTMLElement).innerText)).toContain('a fost publicată');
    expect(await askInBubble('cat costa certificatul de urbanism?')).toContain('23 lei');

    await clerk.goto(`${baseUrl}/admin/procedures/certificat-urbanism/history`, { waitUntil: 'domcontentloaded' });
    await clickAndWait(clerk, '[data-testid="history-restore"]');
    expect(await clerk.$eval('[data-testid="admin-flash"]', (element) => (element as HTMLElement).innerText)).toContain('restaurată');
    expect(await askInBubble('cat costa certificatul de urbanism?')).not.toContain('23 lei');
  }, 90_000);
});
