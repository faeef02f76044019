import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, saveScreenshot, viewports, waitForWidgetMessage, type LaunchedBrowser } from '../helpers/browser.ts';
import { startCitizenAndClerk } from '../helpers/citizen-and-clerk.ts';
import type { TestApp } from '../helpers/test-app.ts';

// Issue 7's web inbox in a real browser: a clerk signs in, filters, opens a ticket and answers it, and
// the citizen — with the chat bubble open on the town hall's site — receives the answer.

let testApp: TestApp;
let baseUrl: string;
let launched: LaunchedBrowser;
let citizen: Page;
let clerk: Page;
let ticketLabel: string;
const anaPassword = 'corect-cal-baterie-capsa';

/** The citizen files a request through the bubble's own API (the bubble story itself is chat-bubble.test.ts). */
async function fileRequestInBubble(page: Page, subject: string): Promise<string> {
  await page.waitForFunction(() => 'FunctionarWidget' in window);
  for (const text of ['vreau sa depun o sesizare', subject, 'Vasile Kovács', 'sari peste', 'Da']) {
    await page.evaluate((message) => (window as unknown as { FunctionarWidget: { send(text: string): Promise<boolean> } }).FunctionarWidget.send(message), text);
  }
  const confirmation = await waitForWidgetMessage(page, (message) => /înregistrată cu numărul/.test(message.text), 10_000, 'the registration number');
  const label = /numărul (\d+\/\d{4})/.exec(confirmation.text)?.[1];
  if (!label) throw new Error(`no number in ${confirmation.text}`);
  return label;
}

async function logIn(page: Page, name: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#name');
  // Keyboard only: the name field has the focus, Tab reaches the password, Enter submits. Each step waits
  // for the focus to be where the keyboard expects it (a busy machine applies autofocus late).
  await page.waitForFunction(() => document.activeElement?.id === 'name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'password');
  await page.keyboard.type(password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.keyboard.press('Enter')]);
}

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** How many pixels the page is wider than the phone's screen (0 when nothing sticks out). */
async function horizontalOverflow(page: Page, screenWidth: number): Promise<number> {
  return page.evaluate((width) => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width, screenWidth);
}

beforeAll(async () => {
  ({ testApp, baseUrl, launched, citizen, clerk } = await startCitizenAndClerk({
    clerks: [
      { name: 'Ana Pop', department: 'registratura', password: anaPassword },
      { name: 'Mihai Szabó', department: 'urbanism', password: 'parola-lui-mihai-2026' },
    ],
    clerkViewport: viewports.tablet,
  }));
});

afterAll(async () => {
  await launched?.close();
  await testApp?.close();
});

describe('a clerk works a ticket in the web inbox', () => {
  it('signs in, filters the inbox and opens the ticket', async () => {
    await citizen.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
    ticketLabel = await fileRequestInBubble(citizen, 'Stalpul de iluminat din fata caminului cultural este aplecat');
    // A second request in another department, which the filter must hide.
    const other = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
    const otherSession = (other.json() as { sessionId: string }).sessionId;
    for (const text of ['vreau sa depun o cerere', 'Solicit certificat de urbanism pentru o anexa', 'Ilona Bartha', 'sari peste', 'da']) {
      await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${otherSession}/messages`, payload: { text } });
    }
    await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/aloca ${ticketLabel.replace(/^(\d+)/, (number) => String(Number(number) + 1))} urbanism`);

    await logIn(clerk, 'Ana Pop', anaPassword);
    expect(new URL(clerk.url()).pathname).toBe('/admin');
    expect(await clerk.$eval('html', (element) => element.getAttribute('lang'))).toBe('ro');
    const inbox = await visibleText(clerk);
    expect(inbox).toContain('Conectat: Ana Pop');
    expect(inbox).toContain('Stalpul de iluminat');
    expect(inbox).toContain('Solicit certificat de urbanism');
    await saveScreenshot(clerk, 'inbox-tablet');

    await clerk.select('#department', 'registratura');
    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click('button[type="submit"].button')]);
    expect(new URL(clerk.url()).searchParams.get('department')).toBe('registratura');
    const filtered = await visibleText(clerk);
    expect(filtered).toContain('Stalpul de iluminat');
    expect(filtered).not.toContain('Solicit certificat de urbanism');

    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click(`[data-ticket="${ticketLabel}"] h2 a`)]);
    expect(await clerk.$eval('[data-testid="ticket-title"]', (element) => element.textContent)).toContain(`Tichet ${ticketLabel}`);
    const conversation = await clerk.$$eval('[data-testid="conversation-message"]', (elements) => elements.map((element) => element.getAttribute('data-from')));
    expect(conversation).toContain('citizen');
    expect(conversation).toContain('bot');
    await saveScreenshot(clerk, 'ticket-tablet');
  });

  it("answers, and the citizen's open bubble receives the answer while the clerk sees it delivered", async () => {
    await clerk.type('#reply-text', 'Am anunțat furnizorul de energie; stâlpul va fi îndreptat săptămâna aceasta.');
    await Promise.all([clerk.waitForNavigation({ waitUntil: 'domcontentloaded' }), clerk.click('[data-testid="reply-send"]')]);
    // The outcome is announced: it takes the focus, so a screen reader reads it at once.
    const flash = await clerk.$eval('[data-testid="admin-flash"]', (element) => ({ text: element.textContent ?? '', focused: document.activeElement === element }));
    expect(flash.text).toContain(`Răspuns trimis cetățeanului pentru ${ticketLabel}`);
    expect(flash.focused).toBe(true);

    const received = await waitForWidgetMessage(citizen, (message) => message.from === 'clerk', 10_000, "the clerk's answer in the bubble");
    expect(received.text).toContain('stâlpul va fi îndreptat săptămâna aceasta');
    await citizen.evaluate(() => (window as unknown as { FunctionarWidget: { open(): void } }).FunctionarWidget.open());
    await saveScreenshot(citizen, 'inbox-answer-in-bubble-phone', { fullPage: false });

    const deadline = Date.now() + 10_000;
    let delivery = '';
    while (!delivery.includes('livrat') && Date.now() < deadline) {
      await clerk.reload({ waitUntil: 'domcontentloaded' });
      delivery = await clerk.$$eval('[data-testid="delivery-status"]', (elements) => elements.map((element) => element.textContent ?? '').join(' | '));
    }
    expect(delivery).toContain('Livrare: livrat');
    expect(await clerk.$eval('[data-testid="ticket-status"]', (element) => element.textContent)).toBe('în lucru');
    expect(await clerk.$eval('[data-testid="ticket-assignee"]', (element) => element.textContent)).toBe('Ana Pop');
    await saveScreenshot(clerk, 'ticket-answered-tablet');
  });

  it('fits a 360 px phone without sideways scrolling', async () => {
    await clerk.setViewport({ ...viewports.phone, isMobile: true, hasTouch: true });
    await clerk.goto(`${baseUrl}/admin`, { waitUntil: 'domcontentloaded' });
    expect(await horizontalOverflow(clerk, viewports.phone.width)).toBeLessThanOrEqual(0);
    await saveScreenshot(clerk, 'inbox-phone');
    await clerk.goto(`${baseUrl}/admin/tickets/${ticketLabel.split('/')[1]}/${ticketLabel.split('/')[0]}`, { waitUntil: 'domcontentloaded' });
    expect(await horizontalOverflow(clerk, viewports.phone.width)).toBeLessThanOrEqual(0);
    await saveScreenshot(clerk, 'ticket-phone');
  });
});

describe('the report page', () => {
  it('shows the indicators as bar charts on a tablet and a phone', async () => {
    await clerk.setViewport({ ...viewports.tablet, isMobile: false, hasTouch: false });
    await clerk.goto(`${baseUrl}/admin/report`, { waitUntil: 'domcontentloaded' });
    expect(await clerk.$eval('h1', (element) => element.textContent)).toMatch(/^Indicatori \d{4}$/);
    const charts = await clerk.$$eval('svg.chart[role="img"]', (elements) => elements.map((element) => element.querySelector('title')?.textContent ?? ''));
    expect(charts.length).toBeGreaterThanOrEqual(8);
    expect(charts[0]).toMatch(/ținta de 540/);
    await saveScreenshot(clerk, 'report-tablet');
    await clerk.setViewport({ ...viewports.phone, isMobile: true, hasTouch: true });
    expect(await horizontalOverflow(clerk, viewports.phone.width)).toBeLessThanOrEqual(0);
    await saveScreenshot(clerk, 'report-phone');
  });
});

describe('wrong passwords', () => {
  it('lock the name after five attempts; even the right password is refused meanwhile', async () => {
    const page = await openPage(launched.browser, viewports.phone);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await logIn(page, 'Mihai Szabó', `parola-gresita-${attempt}`);
      const error = await page.$eval('[data-testid="login-error"]', (element) => element.textContent ?? '');
      if (attempt < 5) expect(error).toBe('Numele sau parola nu sunt corecte.');
      else expect(error).toMatch(/Prea multe încercări nereușite/);
    }
    await logIn(page, 'Mihai Szabó', 'parola-lui-mihai-2026');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.$eval('[data-testid="login-error"]', (element) => element.textContent ?? '')).toMatch(/blocată până la ora \d{2}:\d{2}/);
    await saveScreenshot(page, 'login-locked-phone');
    await page.browserContext().close();
  });
});
