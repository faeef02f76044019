import { createHash } from 'node:crypto';
import type { AttachmentPart, Button, MessagePart, OutboundMessage, SourceReference } from '../../src/messages.ts';
import { sourcesOf } from '../../src/messages.ts';
import { withoutCitations } from '../../src/llm/citations.ts';

// OutboundMessage → what Telegram's sendMessage accepts. HTML parse mode, because only three
// characters need escaping there (MarkdownV2 needs eighteen, and knowledge texts are full of them).

/** Telegram counts a message's length after entity parsing, i.e. the visible text. */
export const telegramTextLimit = 4096;
/** callback_data is 1–64 bytes. */
export const callbackDataLimit = 64;
/** Marks callback data that is a digest of a longer button value, not the value itself. */
const digestPrefix = '#k:';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/** Splits plain text into pieces of at most `limit` characters, at a paragraph, line or word break when there is one. */
export function splitText(text: string, limit = telegramTextLimit): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const minimum = Math.floor(limit / 2);
    let cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((index) => index >= minimum) ?? -1;
    if (cut < 0) {
      cut = limit;
      // Never cut an emoji or a non-BMP letter in half: Telegram would reject the orphaned surrogate.
      if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    }
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/** A line of rendered HTML together with the length Telegram will count for it. */
interface RenderedLine {
  html: string;
  visibleLength: number;
}

function sourceLine(source: SourceReference): RenderedLine {
  const label = `📄 ${source.title}`;
  const url = source.url && /^https?:\/\//i.test(source.url) ? source.url : undefined;
  return {
    html: url ? `📄 <a href="${escapeAttribute(url)}">${escapeHtml(source.title)}</a>` : escapeHtml(label),
    visibleLength: label.length,
  };
}

function attachmentLine(part: AttachmentPart): RenderedLine {
  const label = `📎 ${part.fileName}`;
  return { html: escapeHtml(label), visibleLength: label.length };
}

function locationLine(latitude: number, longitude: number): RenderedLine {
  const url = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}`;
  const label = `📍 ${latitude}, ${longitude}`;
  return { html: `📍 <a href="${escapeAttribute(url)}">${latitude}, ${longitude}</a>`, visibleLength: label.length };
}

/** Lines shown under the text: cited sources, and a text fallback for files and places. */
function trailingLines(parts: readonly MessagePart[], text: string): RenderedLine[] {
  const lines: RenderedLine[] = [];
  // A retrieval card already names its source in the text; a second line with the same title is noise.
  for (const source of sourcesOf(parts)) if (source.url || !text.includes(source.title)) lines.push(sourceLine(source));
  for (const part of parts) {
    if (part.type === 'attachment') lines.push(attachmentLine(part));
    if (part.type === 'location') lines.push(locationLine(part.latitude, part.longitude));
  }
  return lines;
}

/** The HTML chunks of one outbound message, each within Telegram's limit, in sending order. */
export function renderMessageChunks(message: Pick<OutboundMessage, 'text' | 'parts'>, limit = telegramTextLimit): string[] {
  // The sources are listed under the text, so the model's "[slug]" citations are left out of it.
  const text = withoutCitations(message.text, new Set(sourcesOf(message.parts).map((source) => source.slug)));
  const chunks = splitText(text, limit).map((piece) => ({ html: escapeHtml(piece), visibleLength: piece.length }));
  const lines = trailingLines(message.parts, text);
  if (lines.length > 0) {
    const block = {
      html: lines.map((line) => line.html).join('\n'),
      visibleLength: lines.reduce((total, line) => total + line.visibleLength, 0) + lines.length - 1,
    };
    const last = chunks.at(-1);
    if (last && last.visibleLength + 2 + block.visibleLength <= limit) {
      last.html = `${last.html}\n\n${block.html}`;
      last.visibleLength += 2 + block.visibleLength;
    } else if (block.visibleLength <= limit) {
      chunks.push(block);
    } else {
      for (const line of lines) chunks.push(line);
    }
  }
  if (chunks.length === 0) chunks.push({ html: '…', visibleLength: 1 });
  return chunks.map((chunk) => chunk.html);
}

/** The button's value itself when it fits in callback_data, else a digest to look the value up by. */
export function callbackDataFor(value: string): string {
  if (value !== '' && !value.startsWith(digestPrefix) && Buffer.byteLength(value, 'utf8') <= callbackDataLimit) return value;
  return `${digestPrefix}${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`;
}

export function isDigestCallbackData(data: string): boolean {
  return data.startsWith(digestPrefix);
}

/** The value of the pressed button: `data` itself, or the button of `buttons` whose digest it is. */
export function buttonValueOf(data: string, buttons: readonly Button[]): string | undefined {
  if (!isDigestCallbackData(data)) return data;
  return buttons.find((button) => callbackDataFor(button.value) === data)?.value;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: { text: string; callback_data: string }[][];
}

/** Short choices ("Da" / "Nu") side by side, longer ones one per row so their labels are not cut. */
export function inlineKeyboardFor(buttons: readonly Button[]): InlineKeyboardMarkup | undefined {
  if (buttons.length === 0) return undefined;
  const keys = buttons.map((button) => ({ text: button.label.slice(0, 64), callback_data: callbackDataFor(button.value) }));
  const perRow = buttons.every((button) => button.label.length <= 16) ? 3 : 1;
  const rows: InlineKeyboardMarkup['inline_keyboard'] = [];
  for (let index = 0; index < keys.length; index += perRow) rows.push(keys.slice(index, index + perRow));
  return { inline_keyboard: rows };
}
