import { formatDateTime } from '../admin/dates.ts';
import type { TicketRow } from '../database/schema.ts';
import type { Language } from '../language.ts';
import type { ClerkCommandProblem, ClerkOutcome, ExtensionRefusal, IssuedDocumentSummary, TicketDetails } from './clerk-command.ts';
import { formatDate } from './deadlines.ts';
import { countedNouns, countOf, departmentIds, departmentName, eventLabel, statusLabel } from './ticket-labels.ts';
import { isFinalStatus, isOpenStatus } from './ticket-states.ts';
import { ticketLabel } from './ticket-store.ts';
import { wordlessMessageText } from './ticket-thread.ts';

// Every text a clerk reads back from a command, in one place per language. Clerks work in Romanian on
// every channel today; Hungarian and English are here so a surface for them needs no new wording.

/** At most this many tickets are written out in a chat listing. */
export const listingLimit = 30;

interface ClerkTexts {
  usage: string;
  problem(problem: ClerkCommandProblem): string;
  notAllowed: string;
  ticketNotFound(label: string): string;
  cannotReply(label: string, status: string): string;
  alreadyClosed(label: string, status: string): string;
  notApplicable(label: string, status: string): string;
  unknownAssignee(target: string): string;
  citizenGone(label: string): string;
  extensionRefused(ticket: TicketRow, reason: ExtensionRefusal): string;
  noTickets: string;
  listingHeader(count: number): string;
  listingLine(ticket: TicketRow, today: string): string;
  listingMore(count: number): string;
  replied(label: string, channel: string, publishedOnOpen311: boolean): string;
  noted(label: string): string;
  taken(label: string, clerkName: string): string;
  movedToDepartment(label: string, department: string): string;
  assignedToClerk(label: string, clerkName: string): string;
  deadlineExtended(label: string, due: string, basis: string): string;
  closed(label: string, citizenMessaged: boolean): string;
  unknownDocument(template: string, available: string[]): string;
  documentNotElectronic(label: string, title: string, reason: string, presence: boolean): string;
  documentsUnavailable: string;
  documentIssued(label: string, document: IssuedDocumentSummary): string;
  details(ticket: TicketRow, details: TicketDetails): string;
}

function isOverdue(ticket: TicketRow, today: string): boolean {
  return ticket.dueDate < today && isOpenStatus(ticket.status);
}

function historyLines(details: TicketDetails, language: Language): { history: string[] } {
  return {
    // Bucharest time and the event's name, as in the web inbox's audit table.
    history: details.history.map((event) => `  ${formatDateTime(event.createdAt)} ${eventLabel(event.kind, language)}${event.text !== null ? `: ${event.text.slice(0, 120)}` : ''}`),
  };
}

/** At most this many thread messages in `/vezi`: a chat screen, not an archive (the web inbox and `tickets show` have all). */
export const threadLimit = 10;

type AuthorNames = Record<TicketDetails['conversation'][number]['author'], string>;

interface ThreadWords {
  heading: string;
  older(count: number): string;
}

const threadWords: Record<Language, ThreadWords> = {
  ro: { heading: 'Fir (ora României):', older: (count) => `  … ${count} mai vechi` },
  hu: { heading: 'Üzenetek (romániai idő):', older: (count) => `  … ${count} korábbi` },
  en: { heading: 'Thread (Romania time):', older: (count) => `  … ${count} older` },
};

/**
 * The ticket's thread for a chat: in order, each message with its Bucharest time and author, files named
 * with a short hash (enough to tell two apart; the full one is on the ticket page and in `tickets show`),
 * only the last `threadLimit` with a count of the older ones. Without a thread, the conversation's last
 * messages, as before threads existed.
 */
function threadSection(details: TicketDetails, authorName: AuthorNames, language: Language, conversationHeading: string): string {
  const thread = details.thread ?? [];
  if (thread.length === 0) {
    const conversation = details.conversation.map((message) => `  ${authorName[message.author]}: ${message.text.slice(0, 200).replace(/\n/g, ' ')}`);
    return conversation.length > 0 ? `${conversationHeading}\n${conversation.join('\n')}` : '';
  }
  const words = threadWords[language];
  const shown = thread.slice(-threadLimit);
  const hidden = thread.length - shown.length;
  const lines = shown.map((entry) => {
    const text = entry.text.trim().replace(/\s*\n\s*/g, ' ');
    const files = entry.attachments.map((file) => `📎 ${file.fileName} (${file.sha256.slice(0, 12)})`);
    const body = [text.length > 200 ? `${text.slice(0, 200)}…` : text, ...files].filter(Boolean).join(' ') || wordlessMessageText(entry.kind);
    return `  ${formatDateTime(entry.createdAt)} ${authorName[entry.author]}: ${body}`;
  });
  return [words.heading, ...(hidden > 0 ? [words.older(hidden)] : []), ...lines].join('\n');
}

function joinLines(lines: string[]): string {
  return lines.filter(Boolean).join('\n');
}

const romanian: ClerkTexts = {
  usage:
    'Comenzi: /tichete [deschise|ale-mele|intarziate], /vezi N, /raspunde N text, /nota N text, /aloca N departament|funcționar, /preia N, /prelungeste N motiv, /inchide N [text], /emite N DOCUMENT [text] (N sau N/AAAA)',
  problem(problem) {
    switch (problem.problem) {
      case 'unknown-command':
        return `Comandă necunoscută. ${this.usage}`;
      case 'unknown-filter':
        return `Filtru necunoscut „${problem.filter}”. ${this.usage}`;
      case 'missing-ticket-number':
        return `Lipsește numărul tichetului (ex. 12 sau 12/2026). ${this.usage}`;
      case 'missing-text':
        return {
          reply: 'Lipsește textul: /raspunde N text',
          note: 'Lipsește textul: /nota N text',
          assign: 'Spuneți cui: /aloca N departament|funcționar',
          // The law asks for the reason to be told to the petitioner (OG 27/2002 art. 9, Legea 544/2001 art. 7).
          extend: 'Lipsește motivul: /prelungeste N motiv (motivul îl primește și cetățeanul)',
          issue: 'Spuneți ce document: /emite N DOCUMENT [text] (ex. /emite 12 adeverinta-registru-agricol scop: APIA)',
        }[problem.command];
    }
  },
  notAllowed: 'Nu aveți dreptul să folosiți comenzile pentru funcționari. Nimic nu a fost modificat.',
  ticketNotFound: (label) => `Tichetul ${label} nu există.`,
  cannotReply: (label, status) => `${label} este ${status}; nu se mai poate răspunde.`,
  alreadyClosed: (label, status) => `${label} este deja ${status}.`,
  notApplicable: (label, status) => `${label} este ${status}; comanda nu se aplică.`,
  unknownAssignee: (target) => `„${target}” nu este nici compartiment (${departmentIds.join(', ')}), nici funcționar înregistrat.`,
  citizenGone: (label) => `Cetățeanul tichetului ${label} nu mai există.`,
  extensionRefused(ticket, reason) {
    const label = ticketLabel(ticket);
    switch (reason) {
      case 'not-open':
        return `${label} este ${statusLabel(ticket.status, 'ro', 'staff')}; termenul nu se mai prelungește.`;
      case 'type-not-extendable':
        return `Termenul unui tichet de tip „${ticket.type}” nu se prelungește: legea permite prelungirea doar la petiții (OG 27/2002, art. 9) și la cererile de informații publice (Legea 544/2001, art. 7).`;
      case 'already-extended':
        return `Termenul tichetului ${label} a fost deja prelungit; legea permite o singură prelungire.`;
      case 'term-expired':
        return `Termenul tichetului ${label} a expirat la ${formatDate(ticket.dueDate)}; prelungirea se hotărăște și se comunică înainte de expirare.`;
      case 'already-longer':
        return `Termenul tichetului ${label} (${formatDate(ticket.dueDate)}) este deja mai lung decât cel prelungit legal.`;
    }
  },
  noTickets: 'Niciun tichet.',
  listingHeader: (count) => `${countOf(count, countedNouns.ticket.ro, 'ro')}:`,
  listingLine: (ticket, today) =>
    `${ticketLabel(ticket)} · ${statusLabel(ticket.status, 'ro', 'staff')} · ${ticket.department} · termen ${formatDate(ticket.dueDate)}${isOverdue(ticket, today) ? ' ⚠ întârziat' : ''} · ${ticket.subject.slice(0, 60)}`,
  listingMore: (count) => `… și încă ${count}`,
  replied: (label, channel, published) =>
    `Răspuns trimis cetățeanului pentru ${label} (canal ${channel}).${published ? ' Cerere Open311: răspunsul apare public în API (status_notes), după regula primăriei OPEN311_PUBLISH.' : ''}`,
  noted: (label) => `Notă internă adăugată la ${label}.`,
  taken: (label, name) => `${label} vă este alocat (${name}).`,
  movedToDepartment: (label, department) => `${label} mutat la compartimentul ${department}.`,
  assignedToClerk: (label, name) => `${label} alocat lui ${name}.`,
  deadlineExtended: (label, due, basis) => `Termenul tichetului ${label} a fost prelungit până la ${due} (${basis}). Cetățeanul a primit motivul.`,
  closed: (label, messaged) => `${label} închis.${messaged ? ' Cetățeanul a primit mesajul.' : ''}`,
  unknownDocument: (template, available) => `Nu există modelul de document „${template}”. Modele: ${available.join(', ') || 'niciunul (knowledge/documents/)'}.`,
  documentNotElectronic: (label, title, reason, presence) =>
    `${title} nu se emite electronic pentru ${label}: ${reason}${presence ? ' Cetățeanul trebuie să vină personal la ghișeu; spuneți-i cu /raspunde.' : ' Se eliberează pe hârtie; spuneți-i cetățeanului cu /raspunde.'} Nimic nu a fost emis.`,
  documentsUnavailable: 'Emiterea documentelor nu este pornită în acest proces. Nimic nu a fost emis.',
  documentIssued: (label, document) =>
    `${document.title} nr. ${document.label} emis pentru ${label}${document.signed ? ', semnat electronic' : ', NESEMNAT (nu e configurat un certificat)'}; se trimite cetățeanului. Cod de verificare ${document.code}. ${label} este rezolvat.`,
  details(ticket, details) {
    const lines = historyLines(details, 'ro');
    return joinLines([
      `Tichet ${ticketLabel(ticket)} — ${ticket.subject}`,
      `Tip: ${ticket.type}${ticket.handover ? ' (cere un funcționar)' : ''} · Compartiment: ${ticket.department} · Stare: ${statusLabel(ticket.status, 'ro', 'staff')}`,
      `Termen legal: ${formatDate(ticket.dueDate)} (${ticket.dueRule})`,
      `Canal: ${ticket.channel}${details.contactName ? ` · ${details.contactName}` : ''}${ticket.citizenName ? ` · Nume: ${ticket.citizenName}` : ''}${ticket.citizenPhone ? ` · Tel: ${ticket.citizenPhone}` : ''}${ticket.citizenEmail ? ` · E-mail: ${ticket.citizenEmail}` : ''}`,
      details.assigneeName ? `Alocat: ${details.assigneeName}` : 'Nealocat',
      `Text: ${ticket.text}`,
      threadSection(details, { citizen: 'cetățean', clerk: 'funcționar', bot: 'bot' }, 'ro', 'Conversație:'),
      lines.history.length > 0 ? `Istoric:\n${lines.history.join('\n')}` : '',
    ]);
  },
};

const hungarian: ClerkTexts = {
  usage:
    'Parancsok: /tickets [open|mine|overdue|all], /show N, /reply N szöveg, /note N szöveg, /assign N részleg|ügyintéző, /take N, /extend N indoklás, /close N [szöveg], /issue N DOKUMENTUM [szöveg] (N vagy N/ÉÉÉÉ); román nevükön is: /tichete, /vezi, /raspunde, /emite…',
  problem(problem) {
    switch (problem.problem) {
      case 'unknown-command':
        return `Ismeretlen parancs. ${this.usage}`;
      case 'unknown-filter':
        return `Ismeretlen szűrő: „${problem.filter}”. ${this.usage}`;
      case 'missing-ticket-number':
        return `Hiányzik a jegy száma (pl. 12 vagy 12/2026). ${this.usage}`;
      case 'missing-text':
        return {
          reply: 'Hiányzik a szöveg: /reply N szöveg',
          note: 'Hiányzik a szöveg: /note N szöveg',
          assign: 'Kinek? /assign N részleg|ügyintéző',
          extend: 'Hiányzik az indoklás: /extend N indoklás (az ügyfél is megkapja)',
          issue: 'Melyik dokumentum? /issue N DOKUMENTUM [szöveg] (pl. /issue 12 adeverinta-registru-agricol scop: APIA)',
        }[problem.command];
    }
  },
  notAllowed: 'Nincs joga az ügyintézői parancsokhoz. Semmi sem változott.',
  ticketNotFound: (label) => `A(z) ${label} jegy nem létezik.`,
  cannotReply: (label, status) => `A(z) ${label} jegy állapota: ${status}; már nem lehet válaszolni.`,
  alreadyClosed: (label, status) => `A(z) ${label} jegy már ${status}.`,
  notApplicable: (label, status) => `A(z) ${label} jegy állapota: ${status}; a parancs nem alkalmazható.`,
  unknownAssignee: (target) => `„${target}” nem részleg (${departmentIds.join(', ')}) és nem regisztrált ügyintéző.`,
  citizenGone: (label) => `A(z) ${label} jegy ügyfele már nem létezik.`,
  extensionRefused(ticket, reason) {
    const label = ticketLabel(ticket);
    switch (reason) {
      case 'not-open':
        return `A(z) ${label} jegy állapota: ${statusLabel(ticket.status, 'hu', 'staff')}; a határidő már nem hosszabbítható.`;
      case 'type-not-extendable':
        return `„${ticket.type}” típusú jegy határideje nem hosszabbítható: a törvény csak petícióknál (OG 27/2002, 9. cikk) és közérdekű adatigénylésnél (544/2001. törvény, 7. cikk) engedi.`;
      case 'already-extended':
        return `A(z) ${label} jegy határidejét már meghosszabbították; a törvény egyetlen hosszabbítást enged.`;
      case 'term-expired':
        return `A(z) ${label} jegy határideje ${formatDate(ticket.dueDate)}-én lejárt; a hosszabbításról a lejárat előtt kell dönteni és értesíteni.`;
      case 'already-longer':
        return `A(z) ${label} jegy határideje (${formatDate(ticket.dueDate)}) már hosszabb a törvényes meghosszabbításnál.`;
    }
  },
  noTickets: 'Nincs jegy.',
  listingHeader: (count) => `${countOf(count, countedNouns.ticket.hu, 'hu')}:`,
  listingLine: (ticket, today) =>
    `${ticketLabel(ticket)} · ${statusLabel(ticket.status, 'hu', 'staff')} · ${departmentName(ticket.department, 'hu')} · határidő ${formatDate(ticket.dueDate)}${isOverdue(ticket, today) ? ' ⚠ késésben' : ''} · ${ticket.subject.slice(0, 60)}`,
  listingMore: (count) => `… és még ${count}`,
  replied: (label, channel, published) =>
    `A választ elküldtük az ügyfélnek (${label}, csatorna: ${channel}).${published ? ' Open311-kérés: a válasz nyilvánosan megjelenik az API-ban (status_notes), a hivatal OPEN311_PUBLISH szabálya szerint.' : ''}`,
  noted: (label) => `Belső megjegyzés hozzáadva: ${label}.`,
  taken: (label, name) => `A(z) ${label} jegy az Öné (${name}).`,
  movedToDepartment: (label, department) => `A(z) ${label} jegy áthelyezve: ${department}.`,
  assignedToClerk: (label, name) => `A(z) ${label} jegy kiosztva: ${name}.`,
  deadlineExtended: (label, due, basis) => `A(z) ${label} jegy határideje ${due}-ig meghosszabbítva (${basis}). Az ügyfél megkapta az indoklást.`,
  closed: (label, messaged) => `A(z) ${label} jegy lezárva.${messaged ? ' Az ügyfél megkapta az üzenetet.' : ''}`,
  unknownDocument: (template, available) => `Nincs „${template}” dokumentumminta. Minták: ${available.join(', ') || 'nincs (knowledge/documents/)'}.`,
  documentNotElectronic: (label, title, reason, presence) =>
    `${title} nem adható ki elektronikusan (${label}): ${reason}${presence ? ' Az ügyfélnek személyesen kell megjelennie; értesítse /reply paranccsal.' : ' Papíron adják ki; értesítse az ügyfelet /reply paranccsal.'} Semmi sem lett kiadva.`,
  documentsUnavailable: 'Ebben a folyamatban a dokumentumkiadás nem fut. Semmi sem lett kiadva.',
  documentIssued: (label, document) =>
    `${document.title} ${document.label} számon kiadva (${label})${document.signed ? ', elektronikusan aláírva' : ', ALÁÍRATLANUL (nincs tanúsítvány beállítva)'}; az ügyfél megkapja. Ellenőrző kód: ${document.code}. A(z) ${label} jegy megoldva.`,
  details(ticket, details) {
    const lines = historyLines(details, 'hu');
    return joinLines([
      `${ticketLabel(ticket)} jegy — ${ticket.subject}`,
      `Típus: ${ticket.type}${ticket.handover ? ' (ügyintézőt kér)' : ''} · Részleg: ${departmentName(ticket.department, 'hu')} · Állapot: ${statusLabel(ticket.status, 'hu', 'staff')}`,
      `Törvényes határidő: ${formatDate(ticket.dueDate)} (${ticket.dueRule})`,
      `Csatorna: ${ticket.channel}${details.contactName ? ` · ${details.contactName}` : ''}${ticket.citizenName ? ` · Név: ${ticket.citizenName}` : ''}${ticket.citizenPhone ? ` · Tel.: ${ticket.citizenPhone}` : ''}${ticket.citizenEmail ? ` · E-mail: ${ticket.citizenEmail}` : ''}`,
      details.assigneeName ? `Ügyintéző: ${details.assigneeName}` : 'Nincs kiosztva',
      `Szöveg: ${ticket.text}`,
      threadSection(details, { citizen: 'ügyfél', clerk: 'ügyintéző', bot: 'bot' }, 'hu', 'Beszélgetés:'),
      lines.history.length > 0 ? `Előzmények:\n${lines.history.join('\n')}` : '',
    ]);
  },
};

const english: ClerkTexts = {
  usage:
    'Commands: /tickets [open|mine|overdue|all], /show N, /reply N text, /note N text, /assign N department|clerk, /take N, /extend N reason, /close N [text], /issue N DOCUMENT [text] (N or N/YYYY); Romanian names work too: /tichete, /vezi, /raspunde, /emite…',
  problem(problem) {
    switch (problem.problem) {
      case 'unknown-command':
        return `Unknown command. ${this.usage}`;
      case 'unknown-filter':
        return `Unknown filter "${problem.filter}". ${this.usage}`;
      case 'missing-ticket-number':
        return `The ticket number is missing (e.g. 12 or 12/2026). ${this.usage}`;
      case 'missing-text':
        return {
          reply: 'The text is missing: /reply N text',
          note: 'The text is missing: /note N text',
          assign: 'To whom? /assign N department|clerk',
          extend: 'The reason is missing: /extend N reason (the citizen is told the reason)',
          issue: 'Which document? /issue N DOCUMENT [text] (e.g. /issue 12 adeverinta-registru-agricol scop: APIA)',
        }[problem.command];
    }
  },
  notAllowed: 'You may not use the clerk commands. Nothing was changed.',
  ticketNotFound: (label) => `Ticket ${label} does not exist.`,
  cannotReply: (label, status) => `${label} is ${status}; it can no longer be answered.`,
  alreadyClosed: (label, status) => `${label} is already ${status}.`,
  notApplicable: (label, status) => `${label} is ${status}; the command does not apply.`,
  unknownAssignee: (target) => `"${target}" is neither a department (${departmentIds.join(', ')}) nor a registered clerk.`,
  citizenGone: (label) => `The citizen of ticket ${label} no longer exists.`,
  extensionRefused(ticket, reason) {
    const label = ticketLabel(ticket);
    switch (reason) {
      case 'not-open':
        return `${label} is ${statusLabel(ticket.status, 'en', 'staff')}; its term can no longer be extended.`;
      case 'type-not-extendable':
        return `The term of a "${ticket.type}" ticket cannot be extended: the law allows it only for petitions (OG 27/2002, art. 9) and public-information requests (Legea 544/2001, art. 7).`;
      case 'already-extended':
        return `The term of ticket ${label} was already extended; the law allows one extension.`;
      case 'term-expired':
        return `The term of ticket ${label} ran out on ${formatDate(ticket.dueDate)}; an extension is decided and told before it runs out.`;
      case 'already-longer':
        return `The term of ticket ${label} (${formatDate(ticket.dueDate)}) is already longer than the legal extension.`;
    }
  },
  noTickets: 'No tickets.',
  listingHeader: (count) => `${countOf(count, countedNouns.ticket.en, 'en')}:`,
  listingLine: (ticket, today) =>
    `${ticketLabel(ticket)} · ${statusLabel(ticket.status, 'en', 'staff')} · ${departmentName(ticket.department, 'en')} · due ${formatDate(ticket.dueDate)}${isOverdue(ticket, today) ? ' ⚠ overdue' : ''} · ${ticket.subject.slice(0, 60)}`,
  listingMore: (count) => `… and ${count} more`,
  replied: (label, channel, published) =>
    `Answer sent to the citizen for ${label} (channel ${channel}).${published ? ' Open311 request: the answer is public in the API (status_notes), as the town hall set OPEN311_PUBLISH.' : ''}`,
  noted: (label) => `Internal note added to ${label}.`,
  taken: (label, name) => `${label} is yours (${name}).`,
  movedToDepartment: (label, department) => `${label} moved to the ${department} department.`,
  assignedToClerk: (label, name) => `${label} assigned to ${name}.`,
  deadlineExtended: (label, due, basis) => `The term of ticket ${label} was extended to ${due} (${basis}). The citizen was told the reason.`,
  closed: (label, messaged) => `${label} closed.${messaged ? ' The citizen received the message.' : ''}`,
  unknownDocument: (template, available) => `There is no document template "${template}". Templates: ${available.join(', ') || 'none (knowledge/documents/)'}.`,
  documentNotElectronic: (label, title, reason, presence) =>
    `${title} is not issued electronically for ${label}: ${reason}${presence ? ' The citizen must come in person; tell them with /reply.' : ' It is issued on paper; tell the citizen with /reply.'} Nothing was issued.`,
  documentsUnavailable: 'Issuing documents is not set up in this process. Nothing was issued.',
  documentIssued: (label, document) =>
    `${document.title} no. ${document.label} issued for ${label}${document.signed ? ', electronically signed' : ', UNSIGNED (no certificate configured)'}; it is being sent to the citizen. Verification code ${document.code}. ${label} is resolved.`,
  details(ticket, details) {
    const lines = historyLines(details, 'en');
    return joinLines([
      `Ticket ${ticketLabel(ticket)} — ${ticket.subject}`,
      `Type: ${ticket.type}${ticket.handover ? ' (asks for a clerk)' : ''} · Department: ${departmentName(ticket.department, 'en')} · Status: ${statusLabel(ticket.status, 'en', 'staff')}`,
      `Legal term: ${formatDate(ticket.dueDate)} (${ticket.dueRule})`,
      `Channel: ${ticket.channel}${details.contactName ? ` · ${details.contactName}` : ''}${ticket.citizenName ? ` · Name: ${ticket.citizenName}` : ''}${ticket.citizenPhone ? ` · Phone: ${ticket.citizenPhone}` : ''}${ticket.citizenEmail ? ` · E-mail: ${ticket.citizenEmail}` : ''}`,
      details.assigneeName ? `Assigned: ${details.assigneeName}` : 'Unassigned',
      `Text: ${ticket.text}`,
      threadSection(details, { citizen: 'citizen', clerk: 'clerk', bot: 'bot' }, 'en', 'Conversation:'),
      lines.history.length > 0 ? `History:\n${lines.history.join('\n')}` : '',
    ]);
  },
};

const clerkTexts: Record<Language, ClerkTexts> = { ro: romanian, hu: hungarian, en: english };

export function renderCommandProblem(problem: ClerkCommandProblem, language: Language): string {
  return clerkTexts[language].problem(problem);
}

export function renderTicketDetails(ticket: TicketRow, details: TicketDetails, language: Language): string {
  return clerkTexts[language].details(ticket, details);
}

/** What the clerk is shown after a command, on any surface. */
export function renderClerkOutcome(outcome: ClerkOutcome, language: Language): string {
  const texts = clerkTexts[language];
  switch (outcome.kind) {
    case 'not-allowed':
      return texts.notAllowed;
    case 'invalid-command':
      return texts.problem(outcome.problem);
    case 'ticket-not-found':
      return texts.ticketNotFound(`${outcome.number}/${outcome.year}`);
    case 'invalid-transition': {
      const label = ticketLabel(outcome.ticket);
      const status = statusLabel(outcome.from, language, 'staff');
      if (!isFinalStatus(outcome.from)) return texts.notApplicable(label, status);
      if (outcome.event === 'answered' || outcome.event === 'asked_citizen') return texts.cannotReply(label, status);
      if (outcome.event === 'closed' || outcome.event === 'closed_with_answer') return texts.alreadyClosed(label, status);
      return texts.notApplicable(label, status);
    }
    case 'unknown-assignee':
      return texts.unknownAssignee(outcome.target);
    case 'citizen-gone':
      return texts.citizenGone(ticketLabel(outcome.ticket));
    case 'extension-refused':
      return texts.extensionRefused(outcome.ticket, outcome.reason);
    case 'listed': {
      if (outcome.tickets.length === 0) return texts.noTickets;
      const shown = outcome.tickets.slice(0, listingLimit).map((ticket) => texts.listingLine(ticket, outcome.today));
      const hidden = outcome.tickets.length - shown.length;
      return joinLines([texts.listingHeader(outcome.tickets.length), ...shown, hidden > 0 ? texts.listingMore(hidden) : '']);
    }
    case 'shown':
      return texts.details(outcome.ticket, outcome.details);
    case 'replied':
      return texts.replied(ticketLabel(outcome.ticket), outcome.ticket.channel, outcome.publishedOnOpen311);
    case 'noted':
      return texts.noted(ticketLabel(outcome.ticket));
    case 'taken':
      return texts.taken(ticketLabel(outcome.ticket), outcome.clerk.name);
    case 'moved-to-department':
      return texts.movedToDepartment(ticketLabel(outcome.ticket), departmentName(outcome.department, language));
    case 'assigned-to-clerk':
      return texts.assignedToClerk(ticketLabel(outcome.ticket), outcome.clerk.name);
    case 'deadline-extended':
      return texts.deadlineExtended(ticketLabel(outcome.ticket), formatDate(outcome.dueDate), outcome.basis);
    case 'closed':
      return texts.closed(ticketLabel(outcome.ticket), outcome.citizenMessaged);
    case 'unknown-document':
      return texts.unknownDocument(outcome.template, outcome.available);
    case 'document-not-electronic':
      return texts.documentNotElectronic(ticketLabel(outcome.ticket), outcome.title, outcome.reason, outcome.presence);
    case 'documents-unavailable':
      return texts.documentsUnavailable;
    case 'document-issued':
      return texts.documentIssued(ticketLabel(outcome.ticket), outcome.document);
  }
}
