import { foldDiacritics } from '../language.ts';
import type { AttachmentPart, Button } from '../messages.ts';
import type { CitizenTexts } from './texts.ts';

// The guided intake as a pure state machine: subject → name → contact → consent. The pipeline stores
// the state on the conversation, so an intake survives a restart and continues on the next message.

export type IntakeStep = 'subject' | 'name' | 'contact' | 'consent';

export interface IntakeState {
  kind: 'intake';
  step: IntakeStep;
  subject?: string;
  name?: string;
  phone?: string;
  email?: string;
  attachments?: AttachmentPart[];
  location?: { latitude: number; longitude: number };
}

export interface OfferState {
  kind: 'offer';
  /** The question the bot could not answer: it becomes the request's subject if the citizen accepts. */
  question: string;
}

export type ConversationState = IntakeState | OfferState;

export interface IntakeReply {
  text: string;
  buttons?: Button[];
}

export interface CompletedIntake {
  subject: string;
  name: string;
  phone?: string;
  email?: string;
  attachments: AttachmentPart[];
  location?: { latitude: number; longitude: number };
}

export type IntakeOutcome =
  | { status: 'continue'; state: IntakeState; replies: IntakeReply[] }
  | { status: 'refused'; replies: IntakeReply[] }
  | { status: 'complete'; intake: CompletedIntake };

const phonePattern = /^(?:\+40|0040|0)[237]\d{8}$|^\+(?!40)\d{8,15}$/;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,24}$/;
const namePattern = /^[\p{L}][\p{L}' .-]{1,78}[\p{L}.]$/u;

export function parseContact(text: string): { phone?: string; email?: string } | undefined {
  const candidate = text.trim();
  if (emailPattern.test(candidate)) return { email: candidate.toLowerCase() };
  const digits = candidate.replace(/[\s().-]/g, '');
  if (phonePattern.test(digits)) return { phone: digits };
  return undefined;
}

function consentButtons(texts: CitizenTexts): Button[] {
  return [
    { label: texts.buttons.yes, value: texts.buttons.yes },
    { label: texts.buttons.no, value: texts.buttons.no },
  ];
}

// The words of "I want to file a request" in the three languages: what is left once they are removed is
// what the request is about ("vreau să depun o sesizare: pe strada Morii e o groapă").
const filingWords = new Set(
  [
    'vreau', 'as', 'vrea', 'doresc', 'dori', 'pot', 'trebuie', 'sa', 'depun', 'fac', 'inregistrez', 'deschid', 'trimit', 'o', 'un', 'noua', 'nou',
    'cerere', 'cererea', 'sesizare', 'sesizarea', 'petitie', 'petitia', 'reclamatie', 'reclamatia', 'solicitare', 'plangere', 'va', 'rog', 'buna', 'ziua', 'deschide', 'inregistreaza',
    'szeretnek', 'akarok', 'egy', 'kerelmet', 'kervenyt', 'bejelentest', 'panaszt', 'beadvanyt', 'tenni', 'tennek', 'adnek', 'benyujtani', 'beadni', 'kerem', 'jo', 'napot',
    'i', 'would', 'like', 'want', 'to', 'file', 'open', 'submit', 'make', 'lodge', 'a', 'an', 'my', 'new', 'formal', 'written', 'request', 'complaint', 'petition', 'report', 'please', 'hello',
  ],
);

/**
 * The subject the citizen gave in the same message as their wish to file, or undefined when the message
 * only asks to file: the intake then does not ask "what is it about?" about something already said.
 */
export function subjectGivenWithRequest(text: string): string | undefined {
  const words = foldDiacritics(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  const rest = words.filter((word) => !filingWords.has(word));
  // At least two words and ten letters that are not the filing itself: "vreau să depun o cerere urgent" is not a subject.
  if (rest.length < 2 || rest.join('').length < 10) return undefined;
  return text.trim();
}

export function startIntake(texts: CitizenTexts, subject?: string): { state: IntakeState; replies: IntakeReply[] } {
  if (subject && subject.trim().length >= 10) {
    return { state: { kind: 'intake', step: 'name', subject: subject.trim() }, replies: [{ text: `${texts.startRequest}\n${texts.askName}` }] };
  }
  return {
    state: { kind: 'intake', step: 'subject' },
    replies: [{ text: `${texts.startRequest}\n${texts.askSubject}`, buttons: [{ label: texts.buttons.cancel, value: texts.buttons.cancel }] }],
  };
}

export function advanceIntake(state: IntakeState, text: string, texts: CitizenTexts, townHallName: string): IntakeOutcome {
  const answer = text.trim();
  const folded = foldDiacritics(answer);
  switch (state.step) {
    case 'subject':
      if (answer.length < 10) return { status: 'continue', state, replies: [{ text: texts.subjectTooShort }] };
      return { status: 'continue', state: { ...state, step: 'name', subject: answer.slice(0, 2000) }, replies: [{ text: texts.askName }] };
    case 'name':
      if (!namePattern.test(answer) || !/\p{L}{2,}/u.test(answer)) return { status: 'continue', state, replies: [{ text: texts.nameInvalid }] };
      return {
        status: 'continue',
        state: { ...state, step: 'contact', name: answer.replace(/\s+/g, ' ') },
        replies: [{ text: texts.askContact, buttons: [{ label: texts.buttons.skip, value: texts.buttons.skip }] }],
      };
    case 'contact': {
      if (texts.skipWords.test(folded)) {
        return { status: 'continue', state: { ...state, step: 'consent' }, replies: [consentQuestion(texts, townHallName)] };
      }
      const contact = parseContact(answer);
      if (!contact) return { status: 'continue', state, replies: [{ text: texts.contactInvalid, buttons: [{ label: texts.buttons.skip, value: texts.buttons.skip }] }] };
      return { status: 'continue', state: { ...state, ...contact, step: 'consent' }, replies: [consentQuestion(texts, townHallName)] };
    }
    case 'consent':
      if (texts.yesWords.test(folded)) {
        return {
          status: 'complete',
          intake: {
            subject: state.subject ?? '',
            name: state.name ?? '',
            phone: state.phone,
            email: state.email,
            attachments: state.attachments ?? [],
            location: state.location,
          },
        };
      }
      if (texts.noWords.test(folded)) return { status: 'refused', replies: [{ text: texts.consentRefused }] };
      return { status: 'continue', state, replies: [consentQuestion(texts, townHallName)] };
  }
}

/** The consent question, asked when the intake reaches that step (it needs the town hall's name). */
export function consentQuestion(texts: CitizenTexts, townHall: string): IntakeReply {
  return { text: texts.consent(townHall), buttons: consentButtons(texts) };
}
