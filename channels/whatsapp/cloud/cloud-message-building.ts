import type { Language } from '../../../src/language.ts';
import type { Button } from '../../../src/messages.ts';
import { numberedChoices, splitText, type RenderedOutbound } from '../outbound-rendering.ts';
import { whatsappTexts } from '../whatsapp-texts.ts';
import { shortenText } from '../../../src/shorten-text.ts';

// Graph API message bodies for what the bot says. Limits are Meta's: text 4096 characters, interactive
// body 1024, at most 3 reply buttons titled ≤ 20 characters (id ≤ 256), lists of ≤ 10 rows titled
// ≤ 24 characters (id ≤ 200, description ≤ 72). What does not fit falls back to a numbered text list.

export const textLimit = 4096;
export const interactiveBodyLimit = 1024;
const maximumButtons = 3;
const buttonTitleLimit = 20;
const buttonIdLimit = 256;
const maximumRows = 10;
const rowTitleLimit = 24;
const rowIdLimit = 200;
const rowDescriptionLimit = 72;
/** A template body may hold 1024 characters in all; the approved fixed words need some of them. */
const templateParameterLimit = 900;

export type GraphMessage = Record<string, unknown>;

function distinct(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

export function textMessage(to: string, body: string): GraphMessage {
  return { to, type: 'text', text: { body, preview_url: false } };
}

/** Reply buttons when the options fit, a list when there are more or longer ones, undefined otherwise. */
export function interactiveMessage(to: string, body: string, choices: readonly Button[], language: Language): GraphMessage | undefined {
  const values = choices.map((choice) => choice.value);
  if (choices.length === 0 || !distinct(values)) return undefined;
  if (choices.length <= maximumButtons && choices.every((choice) => choice.label.length <= buttonTitleLimit && choice.value.length <= buttonIdLimit) && distinct(choices.map((choice) => choice.label))) {
    return {
      to,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: body },
        action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: choice.value, title: choice.label } })) },
      },
    };
  }
  if (choices.length <= maximumRows && choices.every((choice) => choice.value.length <= rowIdLimit)) {
    return {
      to,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: body },
        action: {
          button: shortenText(whatsappTexts[language].listButton, buttonTitleLimit),
          sections: [
            {
              rows: choices.map((choice) => ({
                id: choice.value,
                title: shortenText(choice.label, rowTitleLimit),
                ...(choice.label.length > rowTitleLimit ? { description: shortenText(choice.label, rowDescriptionLimit) } : {}),
              })),
            },
          ],
        },
      },
    };
  }
  return undefined;
}

/** The messages to send, in order, for one outbound message inside the customer service window. */
export function sessionMessages(to: string, rendered: RenderedOutbound, language: Language): GraphMessage[] {
  const { text, choices } = rendered;
  if (choices.length > 0) {
    const fitsInBody = text.length > 0 && text.length <= interactiveBodyLimit;
    const interactive = interactiveMessage(to, fitsInBody ? text : whatsappTexts[language].chooseOption, choices, language);
    if (interactive && fitsInBody) return [interactive];
    if (interactive) return [...textMessages(to, text), interactive];
    return textMessages(to, `${text}\n\n${numberedChoices(choices, language)}`.trim());
  }
  return textMessages(to, text);
}

function textMessages(to: string, text: string): GraphMessage[] {
  return splitText(text, textLimit)
    .filter((piece) => piece.trim() !== '')
    .map((piece) => textMessage(to, piece));
}

/** A file uploaded to the Graph API: photos as images, everything else (PDF receipts…) as documents. */
export function mediaMessage(to: string, mediaId: string, mediaType: string, fileName: string): GraphMessage {
  if (/^image\/(jpeg|png)$/i.test(mediaType)) return { to, type: 'image', image: { id: mediaId } };
  return { to, type: 'document', document: { id: mediaId, filename: fileName } };
}

/**
 * An approved template with one body variable carrying the reply. Meta refuses variables with line
 * breaks, tabs or more than four spaces in a row, so the text is flattened.
 */
export function templateMessage(to: string, text: string, templateName: string, templateLanguage: string): GraphMessage {
  const flattened = text
    .replace(/\s*\n+\s*/g, ' — ')
    .replace(/\t/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim();
  return {
    to,
    type: 'template',
    template: {
      name: templateName,
      language: { code: templateLanguage },
      components: [{ type: 'body', parameters: [{ type: 'text', text: shortenText(flattened, templateParameterLimit) }] }],
    },
  };
}
