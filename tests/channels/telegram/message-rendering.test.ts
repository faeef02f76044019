import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { toDeliveryError } from '../../../channels/telegram/delivery-errors.ts';
import {
  buttonValueOf,
  callbackDataFor,
  escapeHtml,
  inlineKeyboardFor,
  renderMessageChunks,
  splitText,
  telegramTextLimit,
} from '../../../channels/telegram/message-rendering.ts';
import { parseTelegramHtml } from '../../fakes/fake-telegram-api.ts';

function visible(html: string): string {
  const parsed = parseTelegramHtml(html);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.text;
}

describe('what the bot sends to Telegram', () => {
  it('escapes the characters Telegram HTML reserves, so a citizen sees them as written', () => {
    const text = 'Taxa <50 m²> & "urgent" — art. 474 din Codul fiscal';
    const [html] = renderMessageChunks({ text, parts: [] });
    expect(html).toBe('Taxa &lt;50 m²&gt; &amp; "urgent" — art. 474 din Codul fiscal');
    expect(visible(html!)).toBe(text);
    expect(escapeHtml('<b>')).toBe('&lt;b&gt;');
  });

  it('splits long answers at paragraph breaks, each part within 4096 characters', () => {
    const paragraph = `${'Actele se depun la registratură & se verifică. '.repeat(20).trim()}\n\n`;
    const text = paragraph.repeat(12);
    const chunks = renderMessageChunks({ text, parts: [] });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(visible(chunk).length).toBeLessThanOrEqual(telegramTextLimit);
      expect(visible(chunk).endsWith('verifică.')).toBe(true);
    }
    expect(chunks.map(visible).join('\n\n')).toBe(text.trim());
  });

  it('cuts a text without spaces at the limit, never inside an emoji', () => {
    const text = `${'a'.repeat(telegramTextLimit - 1)}😀${'b'.repeat(10)}`;
    const pieces = splitText(text);
    expect(pieces[0]).toBe('a'.repeat(telegramTextLimit - 1));
    expect(pieces[1]).toBe(`😀${'b'.repeat(10)}`);
  });

  it('shows sources as links when they have an address, and does not repeat a source the text names', () => {
    const [html] = renderMessageChunks({
      text: 'Acte necesare: cerere, copie CI.\n\nSursa: Certificat de urbanism (certificat-urbanism)',
      parts: [
        {
          type: 'sources',
          sources: [
            { slug: 'certificat-urbanism', title: 'Certificat de urbanism' },
            { slug: 'taxe', title: 'Taxe & impozite <locale>', url: 'https://www.ghiseul.ro/ghiseul/public?a=1&b=2' },
          ],
        },
      ],
    });
    expect(html).toContain('📄 <a href="https://www.ghiseul.ro/ghiseul/public?a=1&amp;b=2">Taxe &amp; impozite &lt;locale&gt;</a>');
    expect(html!.match(/Certificat de urbanism/g)).toHaveLength(1);
    expect(visible(html!)).toContain('📄 Taxe & impozite <locale>');
  });

  it('gives files and places a text line, for a chat that shows them only as text', () => {
    const [html] = renderMessageChunks({
      text: 'Am primit:',
      parts: [
        { type: 'attachment', fileName: 'plan <1>.pdf', mediaType: 'application/pdf', size: 10, sha256: 'ab', storagePath: 'attachments/ab.pdf' },
        { type: 'location', latitude: 46.38, longitude: 24.67 },
      ],
    });
    expect(visible(html!)).toBe('Am primit:\n\n📎 plan <1>.pdf\n📍 46.38, 24.67');
  });

  it('puts a button value in callback_data when it fits in 64 bytes, and a digest when it does not', () => {
    expect(callbackDataFor('Da')).toBe('Da');
    expect(callbackDataFor('/raspunde 12/2026 ')).toBe('/raspunde 12/2026 ');
    const long = 'Certificat de atestare fiscală pentru persoane fizice și juridice — ăâîșț';
    expect(Buffer.byteLength(long)).toBeGreaterThan(64);
    const data = callbackDataFor(long);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(buttonValueOf(data, [{ label: 'x', value: 'Da' }, { label: 'Certificat', value: long }])).toBe(long);
    expect(buttonValueOf(data, [])).toBeUndefined();
    // A value that looks like a digest is itself sent as a digest, so it cannot be confused with one.
    expect(callbackDataFor('#k:abc')).not.toBe('#k:abc');
  });

  it('lays short choices side by side and long ones one per row', () => {
    expect(inlineKeyboardFor([])).toBeUndefined();
    expect(inlineKeyboardFor([{ label: 'Da', value: 'Da' }, { label: 'Nu', value: 'Nu' }])?.inline_keyboard).toEqual([
      [
        { text: 'Da', callback_data: 'Da' },
        { text: 'Nu', callback_data: 'Nu' },
      ],
    ]);
    const rows = inlineKeyboardFor([
      { label: 'Depun o cerere', value: 'Depun o cerere' },
      { label: 'Vorbesc cu un funcționar', value: 'Vorbesc cu un funcționar' },
    ])?.inline_keyboard;
    expect(rows).toHaveLength(2);
  });
});

describe('how Telegram errors reach the outbox', () => {
  it('retries 429 after retry_after, and 5xx and network errors; gives up on 403 and 400', () => {
    const rateLimited = toDeliveryError(new TelegramError({ error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }));
    expect(rateLimited).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(toDeliveryError(new TelegramError({ error_code: 502, description: 'Bad Gateway' })).retryable).toBe(true);
    expect(toDeliveryError(new Error('connect ECONNREFUSED 127.0.0.1:443')).retryable).toBe(true);
    const blocked = toDeliveryError(new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
    expect(blocked).toMatchObject({ retryable: false, code: 'FV_ERR_DELIVERY', message: 'Telegram 403: Forbidden: bot was blocked by the user' });
    expect(toDeliveryError(new TelegramError({ error_code: 400, description: 'Bad Request: chat not found' })).retryable).toBe(false);
  });
});
