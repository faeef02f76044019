import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { temporaryDirectory } from './temporary-directory.ts';

// Headless Debian chromium for the browser tests (npm test installs it with apt-get when missing: tests/system-tools.sh).
// Nothing is downloaded: puppeteer-core drives the system browser.

export const chromiumPath = '/usr/bin/chromium';
export const artifactsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

export const viewports = {
  desktop: { width: 1280, height: 900 },
  tablet: { width: 768, height: 1024 },
  phone: { width: 360, height: 740 },
} as const;

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (npm test does it as root: tests/system-tools.sh)`);
  // A fresh profile per run: no cookies, storage or cache from an earlier run can leak into a test.
  const profile = temporaryDirectory('functionar-chromium-');
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
    protocolTimeout: 20_000,
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page in its own browser context (its own cookies and localStorage), with a viewport and timeouts. */
export async function openPage(browser: Browser, viewport: { width: number; height: number } = viewports.desktop): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ ...viewport, deviceScaleFactor: 1, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  // No opening animations: a screenshot never catches a panel half faded in.
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(10_000);
  return page;
}

/**
 * Saves a screenshot under tests/artifacts/ (git-ignored) and returns its path. Full page by default;
 * `fullPage: false` keeps what the screen shows (a full-screen chat panel is fixed to the viewport).
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(artifactsDirectory, { recursive: true });
  const file = path.join(artifactsDirectory, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}

/** The chat widget lives in a shadow root: `pierce/` selectors reach inside it. */
export function widgetSelector(testId: string, extra = ''): string {
  return `pierce/[data-testid="${testId}"]${extra}`;
}

export async function widgetElement(page: Page, testId: string, extra = ''): Promise<ElementHandle<Element>> {
  const element = await page.waitForSelector(widgetSelector(testId, extra), { visible: true });
  if (!element) throw new Error(`widget element ${testId} not found`);
  return element;
}

export interface WidgetMessage {
  from: string;
  text: string;
  sources: string[];
  buttons: string[];
}

/** Every message shown in the bubble, read from inside its shadow root. */
export async function widgetMessages(page: Page): Promise<WidgetMessage[]> {
  return page.evaluate(() => {
    const root = document.querySelector('#functionar-widget')?.shadowRoot;
    if (!root) return [];
    return [...root.querySelectorAll('[data-testid="functionar-message"]')].map((element) => ({
      from: element.getAttribute('data-from') ?? '',
      text: element.querySelector('[data-testid="functionar-message-text"]')?.textContent ?? '',
      sources: [...element.querySelectorAll('[data-testid="functionar-source"]')].map((source) => source.textContent ?? ''),
      buttons: [...element.querySelectorAll('[data-testid="functionar-button"]')].map((button) => button.textContent ?? ''),
    }));
  });
}

/** Waits until the bubble shows a message matching `predicate` and returns it. */
export async function waitForWidgetMessage(page: Page, predicate: (message: WidgetMessage, index: number) => boolean, timeoutMs = 10_000, what = 'a message'): Promise<WidgetMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await widgetMessages(page);
    const found = messages.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the bubble shows: ${JSON.stringify(messages.map((message) => `${message.from}: ${message.text.slice(0, 80)}`))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Types `text` into the bubble's input and presses its send button. */
export async function sendInWidget(page: Page, text: string): Promise<void> {
  const input = await widgetElement(page, 'functionar-input');
  await input.type(text);
  await (await widgetElement(page, 'functionar-send')).click();
}

/** Presses the newest enabled reply button the bot offered with this label ("Da", "Sari peste"…); throws when there is none. */
export async function pressWidgetButton(page: Page, label: string): Promise<void> {
  const pressed = await page.evaluate((wanted) => {
    const root = document.querySelector('#functionar-widget')?.shadowRoot;
    const buttons = [...(root?.querySelectorAll<HTMLButtonElement>('[data-testid="functionar-button"]') ?? [])].filter((button) => !button.disabled);
    const button = buttons.reverse().find((candidate) => candidate.textContent === wanted);
    button?.click();
    return Boolean(button);
  }, label);
  if (!pressed) throw new Error(`no enabled button ${label} in the bubble`);
}

/** Waits for a bot message matching `pattern` among those after the first `count`. */
export function waitForBotMessageAfter(page: Page, count: number, pattern: RegExp, what: string): Promise<WidgetMessage> {
  return waitForWidgetMessage(page, (message, index) => index >= count && message.from === 'bot' && pattern.test(message.text), 10_000, what);
}

/** Types `text` in the bubble and waits for the bot's next message matching `pattern`. */
export async function sayAndWaitForBot(page: Page, text: string, pattern: RegExp, what: string): Promise<WidgetMessage> {
  const count = (await widgetMessages(page)).length;
  await sendInWidget(page, text);
  return waitForBotMessageAfter(page, count, pattern, what);
}

/** Presses the reply button `label` and waits for the bot's next message matching `pattern`. */
export async function pressAndWaitForBot(page: Page, label: string, pattern: RegExp, what: string): Promise<WidgetMessage> {
  const count = (await widgetMessages(page)).length;
  await pressWidgetButton(page, label);
  return waitForBotMessageAfter(page, count, pattern, what);
}
