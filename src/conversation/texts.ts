import type { Language } from '../language.ts';

// Everything the bot says on its own (not from the knowledge base), in the three languages.

export const consentVersion = 'consent-2026-11-v1';

export interface CitizenTexts {
  welcome(townHall: string): string;
  startRequest: string;
  askSubject: string;
  subjectTooShort: string;
  askName: string;
  nameInvalid: string;
  askContact: string;
  contactInvalid: string;
  consent(townHall: string): string;
  consentRefused: string;
  requestRegistered(label: string, department: string, due: string, basis: string): string;
  cancelled: string;
  nothingToCancel: string;
  statusNotFound(label: string): string;
  statusLine(label: string, subject: string, status: string, due: string): string;
  statusHistory: string;
  noTickets: string;
  askTicketNumber: string;
  handover(label: string, whenOpen: string, reused: boolean): string;
  officeOpenNow: string;
  officeOpensAt(day: string, time: string): string;
  clerkReply(label: string, text: string): string;
  /** The citizen wrote on a ticket a clerk is handling: passed on to the clerk, not answered by the bot. */
  passedToClerk(label: string, fileNames: string[]): string;
  /** A bare thanks after a clerk wrote about a live request: a courtesy, not news for the clerk. */
  thanksOnThread(label: string): string;
  deadlineExtended(label: string, due: string, reason: string, basis: string): string;
  clerkCommandRefused: string;
  ticketOffer: string;
  /** After an answer, when the citizen also seems to want a request filed: filing only on their yes. */
  fileOffer: string;
  buttons: { yes: string; no: string; skip: string; cancel: string; openRequest: string; talkToPerson: string; askQuestion: string };
  yesWords: RegExp;
  noWords: RegExp;
  skipWords: RegExp;
  weekdays: string[];
  attachmentReceived(fileName: string): string;
  locationReceived: string;
  /** A photo, file or location sent outside a request: offer to make it a report. */
  mediaStartsReport: string;
}

export const citizenTexts: Record<Language, CitizenTexts> = {
  ro: {
    welcome: (townHall) =>
      `Bună ziua! Sunt asistentul virtual al primăriei (${townHall}). Vă pot spune ce acte trebuie pentru o procedură, unde și cum se depun, pot înregistra o cerere, sesizare sau petiție și vă pot spune stadiul ei. Scrieți întrebarea dvs. (în română, maghiară sau engleză). Vă rog să nu scrieți CNP-ul în chat.`,
    startRequest: 'Înregistrăm o cerere. Puteți scrie „anulează” oricând.',
    askSubject: 'Despre ce este cererea? Descrieți pe scurt problema sau ce solicitați.',
    subjectTooShort: 'Vă rog descrieți în câteva cuvinte (cel puțin 10 caractere) despre ce este cererea.',
    askName: 'Cum vă numiți? (numele și prenumele)',
    nameInvalid: 'Vă rog scrieți numele și prenumele (doar litere).',
    askContact: 'Cum vă putem contacta? Scrieți un număr de telefon sau o adresă de e-mail, ori „sari peste” ca să primiți răspunsul doar aici.',
    contactInvalid: 'Nu recunosc numărul sau adresa. Exemple: 0740 123 456 sau nume@exemplu.ro. Ori scrieți „sari peste”.',
    consent: (townHall) =>
      `${townHall} va prelucra numele și datele de contact doar pentru a răspunde acestei cereri, conform GDPR (Regulamentul UE 2016/679). Datele se păstrează cât cere legea arhivelor; le puteți cere sau șterge oricând. Sunteți de acord?`,
    consentRefused: 'Fără acordul dvs. nu putem înregistra cererea cu date personale. Cererea nu a fost înregistrată. Puteți veni la ghișeu sau ne puteți scrie din nou oricând.',
    requestRegistered: (label, department, due, basis) =>
      `Cererea dvs. a fost înregistrată cu numărul ${label} (compartimentul ${department}). Termenul legal de răspuns: ${due} (${basis}). Răspunsul vă va veni aici. Pentru stadiu, scrieți „stadiul cererii ${label}”.`,
    cancelled: 'Am anulat. Nu s-a înregistrat nimic. Cu ce vă mai pot ajuta?',
    nothingToCancel: 'Nu este nimic de anulat. Cu ce vă pot ajuta?',
    statusNotFound: (label) => `Nu găsesc cererea ${label} printre cererile depuse din această conversație. Verificați numărul sau întrebați la registratură.`,
    statusLine: (label, subject, status, due) => `Cererea ${label} („${subject}”): ${status}. Termen legal de răspuns: ${due}.`,
    statusHistory: 'Istoric:',
    noTickets: 'Nu aveți nicio cerere înregistrată din această conversație.',
    askTicketNumber: 'Ce număr are cererea? (de exemplu 12/2026)',
    handover: (label, whenOpen, reused) =>
      `${reused ? 'Cererea dvs. de a vorbi cu un funcționar este deja înregistrată' : 'Am transmis conversația unui funcționar'} (nr. ${label}). ${whenOpen} Răspunsul vă va veni aici.`,
    officeOpenNow: 'Biroul este deschis acum; un funcționar vă va răspunde cât mai curând.',
    officeOpensAt: (day, time) => `Biroul este închis acum; un funcționar vă va răspunde după redeschidere, ${day} de la ora ${time}.`,
    clerkReply: (label, text) => `Răspuns de la primărie la cererea ${label}:\n${text}`,
    passedToClerk: (label, fileNames) =>
      `Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}${fileNames.length > 0 ? `, împreună cu ${fileNames.map((name) => `„${name}”`).join(', ')}` : ''}. Răspunsul vă va veni aici.`,
    thanksOnThread: (label) => `Cu plăcere! Dacă mai aveți ceva de adăugat la cererea ${label}, scrieți aici.`,
    deadlineExtended: (label, due, reason, basis) =>
      `Termenul de răspuns la cererea dvs. ${label} a fost prelungit până la ${due} (${basis}). Motivul: ${reason}`,
    clerkCommandRefused: 'Această comandă este doar pentru funcționarii primăriei. Nimic nu a fost modificat.',
    fileOffer: 'Doriți să înregistrăm o cerere pe această temă? Un funcționar vă va răspunde în termenul legal.',
    ticketOffer:
      'Nu am un răspuns sigur la această întrebare. Pot înregistra o cerere, iar un funcționar vă va răspunde în termenul legal. Doriți?',
    buttons: { yes: 'Da', no: 'Nu', skip: 'Sari peste', cancel: 'Anulează', openRequest: 'Depun o cerere', talkToPerson: 'Vorbesc cu un funcționar', askQuestion: 'Am o întrebare' },
    yesWords: /^(da|sigur|de acord|sunt de acord|ok|bine|accept|desigur|yes|igen)\b/,
    noWords: /^(nu|nu sunt de acord|refuz|no|nem)\b/,
    skipWords: /^(sari peste|sari|skip|nu am|nu|fara|nu vreau|-)$/,
    weekdays: ['luni', 'marți', 'miercuri', 'joi', 'vineri', 'sâmbătă', 'duminică'],
    attachmentReceived: (fileName) => `Am primit fișierul „${fileName}”; îl atașez la cerere.`,
    locationReceived: 'Am primit locația; o atașez la cerere.',
    mediaStartsReport: 'Am primit ce ați trimis. Îl atașez la o sesizare nouă. Puteți scrie „anulează” oricând.\nDespre ce este? Descrieți pe scurt problema.',
  },
  hu: {
    welcome: (townHall) =>
      `Jó napot kívánok! A(z) ${townHall} virtuális ügyintézője vagyok. Megmondom, milyen iratok kellenek egy ügyhöz, hol és hogyan lehet beadni, iktatok kérelmet, bejelentést vagy petíciót, és megmondom, hol tart. Írja meg kérdését (magyarul, románul vagy angolul). Kérem, ne írja be a személyi számát (CNP).`,
    startRequest: 'Kérelmet iktatunk. Bármikor írhatja: „mégse”.',
    askSubject: 'Miről szól a kérelem? Írja le röviden a problémát vagy azt, amit kér.',
    subjectTooShort: 'Kérem, írja le néhány szóban (legalább 10 karakter), miről szól a kérelem.',
    askName: 'Hogy hívják? (vezeték- és keresztnév)',
    nameInvalid: 'Kérem, írja be a teljes nevét (csak betűk).',
    askContact: 'Hogyan érhetjük el? Írjon telefonszámot vagy e-mail-címet, vagy írja: „kihagyom”, és csak itt kap választ.',
    contactInvalid: 'Nem ismerem fel a számot vagy a címet. Példák: 0740 123 456 vagy nev@pelda.ro. Vagy írja: „kihagyom”.',
    consent: (townHall) =>
      `A(z) ${townHall} a nevét és elérhetőségét csak e kérelem megválaszolására kezeli, a GDPR (EU 2016/679 rendelet) szerint. Az adatokat a levéltári jogszabályok szerinti ideig őrizzük; bármikor kikérheti vagy töröltetheti őket. Hozzájárul?`,
    consentRefused: 'Hozzájárulása nélkül nem iktathatjuk a kérelmet személyes adatokkal. A kérelem nem lett iktatva. Személyesen is jöhet, vagy írjon újra bármikor.',
    requestRegistered: (label, department, due, basis) =>
      `Kérelmét ${label} számon iktattuk (${department} részleg). A válaszadás törvényes határideje: ${due} (${basis}). A választ itt kapja meg. Az állapotát így kérdezheti: „hol tart a ${label} kérelmem”.`,
    cancelled: 'Megszakítottam, semmit sem iktattunk. Miben segíthetek még?',
    nothingToCancel: 'Nincs mit megszakítani. Miben segíthetek?',
    statusNotFound: (label) => `Nem találom a(z) ${label} kérelmet az ebből a beszélgetésből beadott kérelmek között. Ellenőrizze a számot, vagy érdeklődjön az iktatóban.`,
    statusLine: (label, subject, status, due) => `A(z) ${label} kérelem („${subject}”): ${status}. Törvényes határidő: ${due}.`,
    statusHistory: 'Előzmények:',
    noTickets: 'Ebből a beszélgetésből még nem adott be kérelmet.',
    askTicketNumber: 'Mi a kérelem száma? (például 12/2026)',
    handover: (label, whenOpen, reused) =>
      `${reused ? 'Ügyintézővel való beszélgetés iránti kérése már iktatva van' : 'Továbbítottam a beszélgetést egy ügyintézőnek'} (szám: ${label}). ${whenOpen} A választ itt kapja meg.`,
    officeOpenNow: 'A hivatal most nyitva van; egy ügyintéző hamarosan válaszol.',
    officeOpensAt: (day, time) => `A hivatal most zárva van; egy ügyintéző nyitás után válaszol: ${day}, ${time} órától.`,
    clerkReply: (label, text) => `A polgármesteri hivatal válasza a(z) ${label} kérelemre:\n${text}`,
    passedToClerk: (label, fileNames) =>
      `Továbbítottam üzenetét${fileNames.length > 0 ? ` (${fileNames.map((name) => `„${name}”`).join(', ')} csatolva)` : ''} a(z) ${label} kérelmével foglalkozó ügyintézőnek. A választ itt kapja meg.`,
    thanksOnThread: (label) => `Szívesen! Ha még valamit hozzáfűzne a(z) ${label} kérelméhez, írjon ide.`,
    deadlineExtended: (label, due, reason, basis) =>
      `A(z) ${label} kérelmére adandó válasz határidejét ${due}-ig meghosszabbítottuk (${basis}). Indoklás: ${reason}`,
    clerkCommandRefused: 'Ez a parancs csak a hivatal ügyintézőinek szól. Semmi sem változott.',
    fileOffer: 'Szeretné, hogy iktassunk erről egy kérelmet? Egy ügyintéző a törvényes határidőn belül válaszol.',
    ticketOffer: 'Erre a kérdésre nincs biztos válaszom. Iktathatok egy kérelmet, és egy ügyintéző a törvényes határidőn belül válaszol. Szeretné?',
    buttons: { yes: 'Igen', no: 'Nem', skip: 'Kihagyom', cancel: 'Mégse', openRequest: 'Kérelmet adok be', talkToPerson: 'Ügyintézővel beszélnék', askQuestion: 'Kérdésem van' },
    yesWords: /^(igen|persze|rendben|elfogadom|hozzajarulok|jo|ok|da|yes)\b/,
    noWords: /^(nem|nem jarulok hozza|no|nu)\b/,
    skipWords: /^(kihagyom|kihagy|nincs|skip|nem|-)$/,
    weekdays: ['hétfő', 'kedd', 'szerda', 'csütörtök', 'péntek', 'szombat', 'vasárnap'],
    attachmentReceived: (fileName) => `Megkaptam a(z) „${fileName}” fájlt; a kérelemhez csatolom.`,
    locationReceived: 'Megkaptam a helyszínt; a kérelemhez csatolom.',
    mediaStartsReport: 'Megkaptam, amit küldött, és egy új bejelentéshez csatolom. Bármikor írhatja: „mégse”.\nMiről szól? Írja le röviden a problémát.',
  },
  en: {
    welcome: (townHall) =>
      `Hello! I am the virtual assistant of ${townHall}. I can tell you which documents a procedure needs and where to file them, register a request, report or petition, and tell you where it stands. Write your question (in Romanian, Hungarian or English). Please do not write your personal numeric code (CNP) in the chat.`,
    startRequest: 'Let us register a request. You can write "cancel" at any time.',
    askSubject: 'What is the request about? Describe the problem or what you are asking for in a few words.',
    subjectTooShort: 'Please describe in a few words (at least 10 characters) what the request is about.',
    askName: 'What is your full name?',
    nameInvalid: 'Please write your first and last name (letters only).',
    askContact: 'How can we reach you? Write a phone number or an e-mail address, or "skip" to get the answer only here.',
    contactInvalid: 'I do not recognise that number or address. Examples: 0740 123 456 or name@example.com. Or write "skip".',
    consent: (townHall) =>
      `${townHall} will process your name and contact details only to answer this request, under the GDPR (EU Regulation 2016/679). They are kept as long as the archive law requires; you can ask for them or have them erased at any time. Do you agree?`,
    consentRefused: 'Without your consent we cannot register the request with personal data. Nothing was registered. You can come to the counter or write again at any time.',
    requestRegistered: (label, department, due, basis) =>
      `Your request has been registered as number ${label} (department: ${department}). Legal deadline for the answer: ${due} (${basis}). The answer will reach you here. To check on it, write "status of request ${label}".`,
    cancelled: 'Cancelled; nothing was registered. What else can I help with?',
    nothingToCancel: 'There is nothing to cancel. How can I help?',
    statusNotFound: (label) => `I cannot find request ${label} among the requests filed from this conversation. Please check the number or ask the registry office.`,
    statusLine: (label, subject, status, due) => `Request ${label} ("${subject}"): ${status}. Legal deadline: ${due}.`,
    statusHistory: 'History:',
    noTickets: 'You have not filed any request from this conversation.',
    askTicketNumber: 'What is the request number? (for example 12/2026)',
    handover: (label, whenOpen, reused) =>
      `${reused ? 'Your request to talk to a clerk is already registered' : 'I have passed the conversation to a clerk'} (no. ${label}). ${whenOpen} The answer will reach you here.`,
    officeOpenNow: 'The office is open now; a clerk will answer as soon as possible.',
    officeOpensAt: (day, time) => `The office is closed now; a clerk will answer after it reopens, ${day} from ${time}.`,
    clerkReply: (label, text) => `Answer from the town hall on request ${label}:\n${text}`,
    passedToClerk: (label, fileNames) =>
      `I have passed your message${fileNames.length > 0 ? ` and ${fileNames.map((name) => `"${name}"`).join(', ')}` : ''} on to the clerk handling request ${label}. The answer will reach you here.`,
    thanksOnThread: (label) => `You are welcome! If you have anything to add to request ${label}, write here.`,
    deadlineExtended: (label, due, reason, basis) => `The deadline for answering your request ${label} has been extended to ${due} (${basis}). Reason: ${reason}`,
    clerkCommandRefused: 'This command is only for the town hall clerks. Nothing was changed.',
    fileOffer: 'Would you like us to register a request about this? A clerk will answer within the legal deadline.',
    ticketOffer: 'I do not have a reliable answer to this question. I can register a request and a clerk will answer within the legal deadline. Would you like that?',
    buttons: { yes: 'Yes', no: 'No', skip: 'Skip', cancel: 'Cancel', openRequest: 'File a request', talkToPerson: 'Talk to a clerk', askQuestion: 'Ask a question' },
    yesWords: /^(yes|yeah|yep|sure|ok|okay|i agree|agree|da|igen)\b/,
    noWords: /^(no|nope|i do not agree|nu|nem)\b/,
    skipWords: /^(skip|none|no|-)$/,
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    attachmentReceived: (fileName) => `I received the file "${fileName}"; it will be attached to the request.`,
    locationReceived: 'I received the location; it will be attached to the request.',
    mediaStartsReport: 'I received what you sent and will attach it to a new report. You can write "cancel" at any time.\nWhat is it about? Describe the problem in a few words.',
  },
};
