import { buttonsOf, sourcesOf, type Button, type OutboundMessage } from '../../src/messages.ts';
import { commandNameOf } from '../../src/tickets/clerk-command-parser.ts';

// OutboundMessage → Teams activity. Buttons whose value is a clerk command become Adaptive Card
// actions (Action.Submit with data {verb, command}); a command that still needs text ("/raspunde 3/2026 ")
// opens an input first. Clicking one sends the bot a message activity whose `value` carries that data,
// merged with the input, and the command runs for whoever clicked.

export const cardActionVerb = 'clerk-command';

/** The data an Action.Submit of ours carries, plus the values of the card's inputs (by input id). */
export interface CardActionData {
  verb: typeof cardActionVerb;
  command: string;
  /** The id of the input whose text completes the command. */
  textInput?: string;
  [input: string]: unknown;
}

export interface TeamsActivity {
  type: 'message';
  text?: string;
  textFormat?: 'plain' | 'markdown' | 'xml';
  summary?: string;
  attachments?: { contentType: string; content: Record<string, unknown> }[];
}

const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';

type CardElement = Record<string, unknown>;

export function isCardActionData(value: unknown): value is CardActionData {
  return typeof value === 'object' && value !== null && (value as { verb?: unknown }).verb === cardActionVerb && typeof (value as { command?: unknown }).command === 'string';
}

/** The clerk command a card click asks for: the button's command, completed by the typed text if any. */
export function commandOfCardAction(data: CardActionData): string {
  const typed = data.textInput && typeof data[data.textInput] === 'string' ? String(data[data.textInput]).trim() : '';
  return typed ? `${data.command.trim()} ${typed}` : data.command.trim();
}

/** "12/2026" from "/preia 12/2026": the ticket a command is about (not for /tichete). */
function ticketOfCommand(command: string): string | undefined {
  const name = commandNameOf(command);
  if (!name || name === 'list') return undefined;
  return /^\/\S+\s+#?(\d{1,6}(?:\/\d{4})?)(?:\s|$)/u.exec(command.trim())?.[1];
}

/** A command that is only a prefix of what must be sent: "/raspunde 3/2026 " waits for the answer. */
function expectsText(value: string): boolean {
  const name = commandNameOf(value);
  return (name === 'reply' || name === 'note' || name === 'assign') && value.trim().split(/\s+/).length <= 2;
}

function submitAction(title: string, command: string): CardElement {
  return { type: 'Action.Submit', title, data: { verb: cardActionVerb, command } };
}

function textAction(title: string, command: string, inputId: string, placeholder: string, required: boolean): CardElement {
  return {
    type: 'Action.ShowCard',
    title,
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'Input.Text', id: inputId, isMultiline: true, isRequired: required, maxLength: 4000, placeholder, ...(required ? { errorMessage: 'Scrieți textul.' } : {}) }],
      actions: [{ type: 'Action.Submit', title: 'Trimite', data: { verb: cardActionVerb, command: command.trim(), textInput: inputId } }],
    },
  };
}

function actionOf(button: Button, index: number): CardElement {
  if (!commandNameOf(button.value)) {
    // Not a command (a citizen-style choice): Teams posts the value back as if the clerk typed it.
    return { type: 'Action.Submit', title: button.label, data: { msteams: { type: 'imBack', value: button.value } } };
  }
  if (expectsText(button.value)) return textAction(button.label, button.value, `text${index}`, 'Textul pentru cetățean', true);
  return submitAction(button.label, button.value.trim());
}

/** A ticket card always lets the clerk close it, also when the message (a staff notice) offered no button for it. */
function closeActionFor(buttons: Button[]): CardElement | undefined {
  if (buttons.some((button) => commandNameOf(button.value) === 'close')) return undefined;
  const ticket = buttons.map((button) => (commandNameOf(button.value) ? ticketOfCommand(button.value) : undefined)).find(Boolean);
  return ticket ? textAction('Închide', `/inchide ${ticket}`, 'closeText', 'Mesaj pentru cetățean (opțional)', false) : undefined;
}

/** "Tip: petitie · Compartiment: urbanism" lines become facts; anything else stays text. */
function bodyOf(lines: string[]): CardElement[] {
  const body: CardElement[] = [];
  let facts: { title: string; value: string }[] = [];
  const flushFacts = () => {
    if (facts.length > 0) body.push({ type: 'FactSet', facts });
    facts = [];
  };
  for (const line of lines) {
    const pairs = line.split(' · ').map((piece) => /^([^:/]{1,30}):\s+(.+)$/u.exec(piece.trim()));
    if (pairs.every((pair) => pair !== null)) {
      for (const pair of pairs) facts.push({ title: pair![1]!, value: pair![2]! });
      continue;
    }
    flushFacts();
    if (line.trim()) body.push({ type: 'TextBlock', text: line, wrap: true, isSubtle: line.startsWith('Răspundeți cu') });
  }
  flushFacts();
  return body;
}

/**
 * What an OutboundMessage looks like in Teams. Text alone stays plain text (no Markdown surprises from
 * what citizens typed); buttons make an Adaptive Card whose first line is the title.
 */
export function renderActivity(message: OutboundMessage): TeamsActivity {
  const buttons = buttonsOf(message.parts);
  const sources = sourcesOf(message.parts);
  const text = [message.text, ...(sources.length > 0 ? ['Surse:', ...sources.map((source) => `• ${source.title}${source.url ? ` — ${source.url}` : ''}`)] : [])].join('\n');
  if (buttons.length === 0) return { type: 'message', text, textFormat: 'plain' };
  const [heading = '', ...rest] = text.split('\n');
  const close = closeActionFor(buttons);
  const card = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [{ type: 'TextBlock', text: heading, weight: 'Bolder', size: 'Medium', wrap: true }, ...bodyOf(rest)],
    actions: [...buttons.map(actionOf), ...(close ? [close] : [])],
  };
  return { type: 'message', summary: heading.slice(0, 200), attachments: [{ contentType: adaptiveCardType, content: card }] };
}

/** A plain-text answer to a clerk (command results, refusals). */
export function textActivity(text: string): TeamsActivity {
  return { type: 'message', text, textFormat: 'plain' };
}
