import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../fakes/fake-ollama-server.ts';
import { launchBrowser, openPage, viewports, waitForWidgetMessage, type LaunchedBrowser } from '../helpers/browser.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The model writes Markdown and cites [slug]; in the real bubble the citizen sees bold text, a list, a link
// only to an allowed host, the source's title where the slug was, and any HTML the model wrote as text.

let ollama: FakeOllamaServer;
let testApp: TestApp;
let baseUrl: string;
let launched: LaunchedBrowser;
let page: Page;
let slug = '';

function script(request: ChatRequestBody): FakeChatReply {
  if (request.format) return { chunks: ['{"intent":"procedure"}'] };
  const answer = `Puteți plăti **online** pe [Ghișeul.ro](https://www.ghiseul.ro) [${slug}]:\n- cu card bancar\n- cu un cont pe ghiseul.ro\n\nNu scrieți <img src=x onerror="window.hacked=1"> în chat [${slug}].`;
  return { chunks: answer.match(/\S+\s*|\s+/g) ?? [answer], delayMs: 2 };
}

const question = 'cum platesc impozitul pe casa online?';

beforeAll(async () => {
  ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
  testApp = await startTestApp({ OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '3000' });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  slug = (await testApp.app.functionar.answering.knowledge!.retrieve(question, 'ro')).candidates[0]!.procedure.slug;
  launched = await launchBrowser();
  page = await openPage(launched.browser, viewports.phone);
});

afterAll(async () => {
  await launched?.close();
  await testApp?.close();
  await ollama?.close();
});

describe('a model answer in the chat bubble', () => {
  it('shows bold, a list, an allowed link, the source title for the citation, and HTML as text', async () => {
    expect(slug).toBe('plata-impozite-locale');
    await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => 'FunctionarWidget' in window);
    await page.evaluate((text) => (window as unknown as { FunctionarWidget: { send(text: string): Promise<boolean> } }).FunctionarWidget.send(text), question);
    const answer = await waitForWidgetMessage(page, (message) => message.from === 'bot' && message.sources.length > 0, 15_000, 'the model answer');
    expect(answer.text).not.toContain(`[${slug}]`);
    expect(answer.text).not.toContain('**');

    const rendered = await page.evaluate(() => {
      const root = document.querySelector('#functionar-widget')!.shadowRoot!;
      const bubbles = [...root.querySelectorAll('[data-testid="functionar-message"][data-from="bot"] [data-testid="functionar-message-text"]')];
      const bubble = bubbles.at(-1)!;
      return {
        strong: [...bubble.querySelectorAll('strong')].map((element) => element.textContent),
        items: [...bubble.querySelectorAll('ul > li')].map((element) => element.textContent),
        links: [...bubble.querySelectorAll('a')].map((element) => element.getAttribute('href')),
        citations: [...bubble.querySelectorAll('[data-testid="functionar-citation"]')].map((element) => element.textContent),
        images: bubble.querySelectorAll('img').length,
        text: bubble.textContent,
        hacked: (window as unknown as { hacked?: number }).hacked,
      };
    });
    expect(rendered.strong).toEqual(['online']);
    expect(rendered.items).toEqual(['cu card bancar', 'cu un cont pe ghiseul.ro']);
    expect(rendered.links).toEqual(['https://www.ghiseul.ro/']);
    // The citation appears once, as the procedure's title.
    expect(rendered.citations).toHaveLength(1);
    expect(rendered.citations[0]).toMatch(/impozit/i);
    expect(rendered.images).toBe(0);
    expect(rendered.hacked).toBeUndefined();
    expect(rendered.text).toContain('<img src=x');
  });
});
