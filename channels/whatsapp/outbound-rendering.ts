import type { InboundGateway } from '../../src/gateway/inbound-gateway.ts';
import type { Language } from '../../src/language.ts';
import fs from 'node:fs';
import { attachmentFilePath } from '../../src/attachments/attachment-store.ts';
import { readFilePart } from '../../src/documents/document-storage.ts';
import { buttonsOf, sourcesOf, type AttachmentPart, type Button, type FilePart, type OutboundMessage } from '../../src/messages.ts';
import { withoutCitations } from '../../src/llm/citations.ts';
import { whatsappTexts } from './whatsapp-texts.ts';

// WhatsApp shows plain text: sources become lines of text, and buttons become native buttons where the
// driver can (Cloud API) or a numbered list the citizen answers with a digit (every driver's fallback).

export interface RenderedOutbound {
  text: string;
  choices: Button[];
  /** Files to send after the text as documents (a registration receipt, an issued document…). */
  attachments: OutboundFile[];
}

export function renderOutbound(message: OutboundMessage, language: Language): RenderedOutbound {
  // The sources are listed under the text, so the model's "[slug]" citations are left out of it.
  const text = withoutCitations(message.text, new Set(sourcesOf(message.parts).map((source) => source.slug))).trim();
  // Answer cards already name their source; only sources the text does not mention are listed.
  const missing = sourcesOf(message.parts).filter((source) => !text.includes(source.title) && !text.includes(`(${source.slug})`));
  const sourceLines = missing.map((source) => `• ${source.title}${source.url ? ` — ${source.url}` : ''}`);
  const withSources = sourceLines.length > 0 ? `${text}\n\n${whatsappTexts[language].sources}:\n${sourceLines.join('\n')}` : text;
  const choices = buttonsOf(message.parts).filter((button) => button.label.trim() !== '' && button.value.trim() !== '');
  const attachments = message.parts.filter((part): part is OutboundFile => part.type === 'attachment' || part.type === 'file');
  return { text: withSources, choices, attachments };
}

/** A stored file sent as a WhatsApp document: an attachment, or a document the town hall issued. */
export type OutboundFile = AttachmentPart | FilePart;

/** The bytes of a file to send (attachments and issued documents live in different folders of the data directory). */
export function outboundFileBytes(dataDirectory: string, file: OutboundFile): Buffer {
  return file.type === 'file' ? readFilePart(dataDirectory, file) : fs.readFileSync(attachmentFilePath(dataDirectory, file));
}

export function numberedChoices(choices: readonly Button[], language: Language): string {
  return [...choices.map((choice, index) => `${index + 1}. ${choice.label}`), '', whatsappTexts[language].numberedHint].join('\n');
}

/** Splits at paragraph, then line, then word boundaries so no piece exceeds `limit` characters. */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((index) => index > limit / 2) ?? limit;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** The language to frame a message in: the contact's current conversation, else Romanian. */
export async function languageOfRecipient(gateway: InboundGateway, channel: string, externalId: string): Promise<Language> {
  return (await gateway.languageOf(channel, externalId)) ?? 'ro';
}

/**
 * "2" typed after a numbered list means the second option: returns that option's value when the last
 * message sent to this person offered choices, so the pipeline sees the same text a button press gives.
 */
export async function resolveNumberedChoice(gateway: InboundGateway, channel: string, externalId: string, text: string): Promise<string | undefined> {
  const match = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (!match) return undefined;
  const choices = await gateway.records.lastOfferedChoices(channel, externalId);
  return choices[Number(match[1]) - 1]?.value;
}
