import type { Database } from '../database/connection.ts';
import type { ContactRow, ConversationRow, MessageRow } from '../database/schema.ts';
import type { KnowledgeBase, Procedure } from '../knowledge/knowledge-base.ts';
import { foldDiacritics, type Language } from '../language.ts';
import type { AttachmentPart, Button } from '../messages.ts';
import { deadlineRuleFor, formatDate, localDate, type TicketType } from '../tickets/deadlines.ts';
import {
  createTicket,
  eventsOfTicket,
  findTicket,
  openHandoverTicket,
  ticketLabel,
  ticketsOfContact,
} from '../tickets/ticket-store.ts';
import { departmentName, statusLabel } from '../tickets/ticket-labels.ts';
import type { Reply, TurnResult } from './conversation-service.ts';
import { findTicketNumber } from './intent-detection.ts';
import { officeStatus } from './office-hours.ts';
import { describesReport } from './report-keywords.ts';
import { advanceIntake, startIntake, subjectGivenWithRequest, type IntakeReply, type IntakeState, type OfferState } from './request-intake.ts';
import { consentVersion, type CitizenTexts } from './texts.ts';

export interface TurnContext {
  database: Database;
  knowledge: KnowledgeBase | undefined;
  townHallName: string;
  message: MessageRow;
  contact: ContactRow;
  conversation: ConversationRow;
  language: Language;
  texts: CitizenTexts;
  state: import('./request-intake.ts').ConversationState | null;
  offerButtons: Button[];
}

function toReplies(replies: IntakeReply[]): Reply[] {
  return replies.map((reply) => ({ text: reply.text, buttons: reply.buttons }));
}

const defaultHours = [
  { days: [1, 2, 3, 4], open: '08:00', close: '16:00' },
  { days: [5], open: '08:00', close: '14:00' },
];

/** Decides the ticket's type and department from what the citizen wrote. */
async function classifyRequest(turn: TurnContext, subject: string): Promise<{ type: TicketType; department: string; procedure?: Procedure }> {
  const folded = foldDiacritics(subject);
  if (/\b(petitie|petitia|petitiei|peticio|peticiot|petition)\b/.test(folded)) return { type: 'petitie', department: 'secretariat' };
  if (/\b(informati[ie]+ (de interes )?public|544\/2001|kozerdeku|public information)/.test(folded)) return { type: 'informatii-publice', department: 'secretariat' };
  if (turn.knowledge) {
    try {
      const retrieval = await turn.knowledge.retrieve(subject, turn.language);
      const best = retrieval.decision === 'answer' ? retrieval.candidates[0]?.procedure : undefined;
      if (best) return { type: best.requestType, department: best.department, procedure: best };
    } catch {
      // Knowledge down: the ticket still gets registered, with the general term, at the registry.
    }
  }
  // The same words in the three languages (report-keywords.ts): a report is a report in Hungarian too.
  if (describesReport(subject)) return { type: 'sesizare', department: 'registratura' };
  return { type: 'cerere', department: 'registratura' };
}

export function attachmentsOf(message: MessageRow): { attachments: AttachmentPart[]; location?: { latitude: number; longitude: number } } {
  const parts = (message.parts ?? []) as import('../messages.ts').MessagePart[];
  const attachments = parts.filter((part): part is AttachmentPart => part.type === 'attachment');
  const location = parts.find((part) => part.type === 'location');
  return { attachments, location: location && location.type === 'location' ? { latitude: location.latitude, longitude: location.longitude } : undefined };
}

export async function handleTicketIntake(turn: TurnContext, state: IntakeState | undefined): Promise<TurnResult> {
  const { texts } = turn;
  const { attachments, location } = attachmentsOf(turn.message);
  if (!state) {
    // A photo or a pin sent on its own is almost always a report about something in the commune.
    if ((attachments.length > 0 || location) && turn.message.text.trim() === '') {
      const state: IntakeState = { kind: 'intake', step: 'subject', attachments, location };
      return { intent: 'ticket', replies: [{ text: texts.mediaStartsReport, buttons: [{ label: texts.buttons.cancel, value: texts.buttons.cancel }] }], state };
    }
    // "Vreau să depun o sesizare: pe strada Morii e o groapă": the subject is already said, not asked again.
    const subject = subjectGivenWithRequest(turn.message.text);
    const started = startIntake(texts, subject);
    const state: IntakeState = attachments.length > 0 || location ? { ...started.state, attachments, location } : started.state;
    return { intent: 'ticket', replies: toReplies(started.replies), state };
  }
  if (attachments.length > 0 || location) {
    const withFiles: IntakeState = { ...state, attachments: [...(state.attachments ?? []), ...attachments], location: location ?? state.location };
    if (turn.message.text.trim() === '') {
      const acknowledgements = [
        ...attachments.map((attachment) => ({ text: texts.attachmentReceived(attachment.fileName) })),
        ...(location ? [{ text: texts.locationReceived }] : []),
      ];
      return { intent: 'intake', replies: acknowledgements, state: withFiles };
    }
    state = withFiles;
  }
  const outcome = advanceIntake(state, turn.message.text, texts, turn.townHallName);
  if (outcome.status === 'continue') return { intent: 'intake', replies: toReplies(outcome.replies), state: outcome.state };
  if (outcome.status === 'refused') return { intent: 'intake', replies: toReplies(outcome.replies), state: null };

  const intake = outcome.intake;
  const classification = await classifyRequest(turn, intake.subject);
  const rule = deadlineRuleFor(classification.type, classification.procedure);
  return {
    intent: 'ticket',
    replies: [],
    state: null,
    handedOver: true,
    commit: async (transaction, now) => {
      const ticket = await createTicket(
        transaction,
        {
          contactId: turn.contact.id,
          conversationId: turn.conversation.id,
          channel: turn.contact.channel,
          type: classification.type,
          subject: intake.subject.slice(0, 140),
          text: [
            intake.subject,
            intake.attachments.length > 0 ? `Atașamente: ${intake.attachments.map((file) => `${file.fileName} (sha256 ${file.sha256})`).join(', ')}` : '',
            intake.location ? `Locație: ${intake.location.latitude}, ${intake.location.longitude}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
          procedureSlug: classification.procedure?.slug,
          department: classification.department,
          citizenName: intake.name,
          citizenPhone: intake.phone,
          citizenEmail: intake.email,
          consentAt: now.toISOString(),
          consentVersion,
          deadline: rule,
        },
        now,
        { type: 'citizen', id: String(turn.contact.id), channel: turn.contact.channel },
      );
      const department = departmentName(classification.department, turn.language);
      return {
        replies: [{ text: texts.requestRegistered(ticketLabel(ticket), department, formatDate(ticket.dueDate), rule.basis), ticketId: ticket.id }],
        newTicket: ticket,
      };
    },
  };
}

/** After "I can register a request — would you like that?": yes starts the intake with that question. */
export function handleTicketOffer(turn: TurnContext, state: OfferState, text: string): TurnResult | undefined {
  const folded = foldDiacritics(text);
  if (turn.texts.yesWords.test(folded)) {
    const started = startIntake(turn.texts, state.question);
    return { intent: 'ticket', replies: toReplies(started.replies), state: started.state };
  }
  if (turn.texts.noWords.test(folded)) return { intent: 'cancel', replies: [{ text: turn.texts.cancelled }], state: null };
  return undefined;
}

export async function handleStatus(turn: TurnContext): Promise<TurnResult> {
  const { texts } = turn;
  const reference = findTicketNumber(turn.message.text);
  if (!reference) {
    const own = await ticketsOfContact(turn.database, turn.contact.id);
    if (own.length === 0) return { intent: 'status', replies: [{ text: texts.noTickets }] };
    const lines = own.slice(0, 5).map((ticket) => statusLineOf(turn, ticket));
    return { intent: 'status', replies: [{ text: lines.join('\n') }] };
  }
  const ticket = await findTicket(turn.database, reference);
  // The same words whether the ticket does not exist or belongs to someone else: nothing leaks.
  if (!ticket || ticket.contactId !== turn.contact.id) {
    return { intent: 'status', replies: [{ text: texts.statusNotFound(`${reference.number}/${reference.year}`) }] };
  }
  const visibleKinds: Record<string, Record<Language, string>> = {
    created: { ro: 'înregistrată', hu: 'iktatva', en: 'registered' },
    assigned: { ro: 'preluată de un funcționar', hu: 'ügyintézőhöz került', en: 'taken by a clerk' },
    reply: { ro: 'răspuns trimis', hu: 'válasz elküldve', en: 'answer sent' },
    closed: { ro: 'închisă', hu: 'lezárva', en: 'closed' },
  };
  const history = (await eventsOfTicket(turn.database, ticket.id))
    .filter((event) => visibleKinds[event.kind])
    .map((event) => `• ${formatDate(localDate(new Date(event.createdAt)))}: ${visibleKinds[event.kind]?.[turn.language]}`);
  return { intent: 'status', replies: [{ text: [statusLineOf(turn, ticket), texts.statusHistory, ...history].join('\n') }] };
}

function statusLineOf(turn: TurnContext, ticket: import('../database/schema.ts').TicketRow): string {
  const status = statusLabel(ticket.status, turn.language, 'citizen');
  return turn.texts.statusLine(ticketLabel(ticket), ticket.subject, status, formatDate(ticket.dueDate));
}

export function handleHandover(turn: TurnContext): TurnResult {
  const { texts, language } = turn;
  const hours = turn.knowledge?.townHall().hours ?? defaultHours;
  const timezone = turn.knowledge?.townHall().timezone ?? 'Europe/Bucharest';
  const office = officeStatus(hours, new Date(), timezone);
  const whenOpen = office.open
    ? texts.officeOpenNow
    : texts.officeOpensAt(
        office.nextOpening.date === localDate(new Date(), timezone) ? texts.weekdays[office.nextOpening.weekday - 1] ?? '' : `${texts.weekdays[office.nextOpening.weekday - 1]} ${formatDate(office.nextOpening.date)}`,
        office.nextOpening.time,
      );
  return {
    intent: 'handover',
    replies: [],
    state: null,
    handedOver: true,
    commit: async (transaction, now) => {
      const existing = await openHandoverTicket(transaction, turn.contact.id);
      const ticket =
        existing ??
        (await createTicket(
          transaction,
          {
            contactId: turn.contact.id,
            conversationId: turn.conversation.id,
            channel: turn.contact.channel,
            type: 'handover',
            subject: language === 'hu' ? 'Ügyintézővel szeretne beszélni' : language === 'en' ? 'Wants to talk to a clerk' : 'Dorește să vorbească cu un funcționar',
            text: turn.message.text,
            department: 'registratura',
            handover: true,
            deadline: deadlineRuleFor('handover'),
          },
          now,
          { type: 'citizen', id: String(turn.contact.id), channel: turn.contact.channel },
        ));
      return {
        replies: [{ text: texts.handover(ticketLabel(ticket), whenOpen, Boolean(existing)), ticketId: ticket.id }],
        newTicket: existing ? undefined : ticket,
      };
    },
  };
}
