import type { Language } from '../language.ts';
import { isAbbreviationStop } from '../abbreviations.ts';
import { foldDiacritics } from '../language.ts';
import type { OfficeHours, OutOfScopeRedirect, Procedure, RetrievedProcedure, TownHall, TownHallTopicId } from './knowledge-base.ts';

// Answers without a language model: short texts built only from the procedure's structured fields,
// so nothing is invented (no amounts the source does not state) and every card cites its source.
// Plain text with "•" bullets: it reads the same on WhatsApp, Telegram, Teams and the web chat.

/** A phone screen and a WhatsApp bubble: longer cards get their document list shortened. */
export const cardCharacterLimit = 1200;

const labels = {
  ro: {
    documents: 'Acte necesare',
    where: 'Unde',
    deadline: 'Termen',
    fee: 'Taxă',
    online: 'Online',
    source: 'Sursa',
    more: (count: number) => `+ încă ${count} (lista completă la ghișeu)`,
    toConfirm: 'de confirmat la ghișeu',
    refusal: (townHall: string) => `Sunt asistentul virtual al primăriei (${townHall}) și la asta nu vă pot ajuta.`,
    hoursTitle: (townHall: string) => `Programul cu publicul – ${townHall}`,
    closedWeekend: 'Sâmbătă, duminică și în sărbătorile legale: închis.',
    address: 'Adresa',
    addressPending: 'numărul și codul poștal urmează să fie confirmate',
    website: 'site',
    audience: 'Audiențe la primar',
    villages: (commune: string) => `Satele comunei (${commune}):`,
    departments: 'Compartimentele primăriei',
    handledBy: (title: string) => `Pentru „${title}”:`,
    askFor: 'Cum cereți o audiență',
    payment: 'Unde plătiți',
    paymentOnline: 'Online',
    aboutTownHall: (townHall: string) => `${townHall} – date de contact și program`,
    clarifyTwo: (first: string, second: string) => `Vă referiți la „${first}” sau la „${second}”?`,
    clarifyOne: (first: string) => `Vă referiți la „${first}”?`,
    clarifyMany: 'La care dintre acestea vă referiți?',
    notOurs: (title: string, authority: string) => `„${title}” nu ține de primărie. Vă rugăm să vă adresați: ${authority}.`,
    onlyProcedures: (townHall: string) => `Îmi pare rău, vă pot ajuta doar cu procedurile de la ${townHall}.`,
    canHelp: 'Vă pot ajuta cu',
    offered: (title: string) => `Dacă totuși întrebați despre „${title}”, alegeți mai jos.`,
    declinedDemand:
      'Nu pot ghici sume, nu pot aproba sau semna cereri și nu pot răspunde doar cu „da” sau „nu”: mai sus este ce se știe sigur; decizia o ia primăria, după depunerea cererii.',
    contact: 'Contact',
    phone: 'tel.',
    email: 'e-mail',
    hours: 'program',
  },
  hu: {
    documents: 'Szükséges iratok',
    where: 'Hol',
    deadline: 'Határidő',
    fee: 'Illeték',
    online: 'Online',
    source: 'Forrás',
    more: (count: number) => `+ még ${count} (a teljes lista a hivatalban)`,
    toConfirm: 'a hivatalban megerősítendő',
    refusal: (townHall: string) => `A polgármesteri hivatal (${townHall}) virtuális ügyintézője vagyok, ebben nem tudok segíteni.`,
    hoursTitle: (townHall: string) => `Ügyfélfogadás – ${townHall}`,
    closedWeekend: 'Szombaton, vasárnap és munkaszüneti napokon: zárva.',
    address: 'Cím',
    addressPending: 'a házszám és az irányítószám még megerősítésre vár',
    website: 'honlap',
    audience: 'Fogadóóra a polgármesternél',
    villages: (commune: string) => `A község falvai (${commune}):`,
    departments: 'A hivatal részlegei',
    handledBy: (title: string) => `„${title}”:`,
    askFor: 'Fogadóórára jelentkezés',
    payment: 'Hol fizethet',
    paymentOnline: 'Online',
    aboutTownHall: (townHall: string) => `${townHall} – elérhetőség és ügyfélfogadás`,
    clarifyTwo: (first: string, second: string) => `Erre gondol: „${first}” vagy „${second}”?`,
    clarifyOne: (first: string) => `Erre gondol: „${first}”?`,
    clarifyMany: 'Melyikre gondol?',
    notOurs: (title: string, authority: string) => `A(z) „${title}” nem a polgármesteri hivatal hatásköre. Kérjük, forduljon ide: ${authority}.`,
    onlyProcedures: (townHall: string) => `Sajnálom, csak a(z) ${townHall} ügyeiben tudok segíteni.`,
    canHelp: 'Ezekben segíthetek',
    offered: (title: string) => `Ha mégis erre gondolt: „${title}”, válassza alább.`,
    declinedDemand:
      'Összeget nem tudok kitalálni, kérelmet nem hagyhatok jóvá és nem írhatok alá, és nem válaszolhatok csak igennel vagy nemmel: fent az áll, amit biztosan tudni lehet; a döntést a hivatal hozza meg a kérelem beadása után.',
    contact: 'Elérhetőség',
    phone: 'tel.',
    email: 'e-mail',
    hours: 'ügyfélfogadás',
  },
  en: {
    documents: 'Documents needed',
    where: 'Where',
    deadline: 'Deadline',
    fee: 'Fee',
    online: 'Online',
    source: 'Source',
    more: (count: number) => `+ ${count} more (full list at the counter)`,
    toConfirm: 'to be confirmed at the counter',
    refusal: (townHall: string) => `I am the virtual assistant of ${townHall} and cannot help with that.`,
    hoursTitle: (townHall: string) => `Opening hours – ${townHall}`,
    closedWeekend: 'Saturday, Sunday and public holidays: closed.',
    address: 'Address',
    addressPending: 'street number and postcode still to be confirmed',
    website: 'website',
    audience: "Mayor's audience hours",
    villages: (commune: string) => `Villages of the commune (${commune}):`,
    departments: 'Offices of the town hall',
    handledBy: (title: string) => `For “${title}”:`,
    askFor: 'How to ask for an audience',
    payment: 'Where to pay',
    paymentOnline: 'Online',
    aboutTownHall: (townHall: string) => `${townHall} – contacts and opening hours`,
    clarifyTwo: (first: string, second: string) => `Do you mean “${first}” or “${second}”?`,
    clarifyOne: (first: string) => `Do you mean “${first}”?`,
    clarifyMany: 'Which of these do you mean?',
    notOurs: (title: string, authority: string) => `“${title}” is not handled by the town hall. Please contact: ${authority}.`,
    onlyProcedures: (townHall: string) => `Sorry, I can only help with the procedures of ${townHall}.`,
    canHelp: 'I can help with',
    offered: (title: string) => `If you did mean “${title}”, choose it below.`,
    declinedDemand:
      'I cannot guess amounts, approve or sign requests, or answer with only yes or no: above is what is known for certain; the town hall decides once the request is filed.',
    contact: 'Contact',
    phone: 'phone',
    email: 'e-mail',
    hours: 'hours',
  },
} as const;

const weekdayNames: Record<Language, string[]> = {
  ro: ['L', 'Ma', 'Mi', 'J', 'V', 'S', 'D'],
  hu: ['H', 'K', 'Sze', 'Cs', 'P', 'Szo', 'V'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** What the bot can help with, in the words citizens use. */
const defaultTopics: Record<Language, string> = {
  ro: 'urbanism, taxe și impozite locale, registrul agricol, stare civilă, asistență socială, petiții și sesizări',
  hu: 'településrendezés, helyi adók, mezőgazdasági nyilvántartás, anyakönyvezés, szociális segélyek, panaszok és bejelentések',
  en: 'building and planning, local taxes, the agricultural register, civil status, social assistance, petitions and reports',
};

/**
 * At most `limit` characters without cutting a sentence: whole sentences first, else up to the last
 * clause boundary (a comma, a dash, a bracket), else the whole text — a long line beats a broken one.
 */
function shorten(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = text.slice(0, limit + 1);
  const sentenceEnd = lastSentenceEnd(head);
  if (sentenceEnd >= limit * 0.4) return text.slice(0, sentenceEnd + 1);
  const clauseEnd = Math.max(...[', ', ' – ', ' (', '; '].map((mark) => head.lastIndexOf(mark)));
  // A clause must not end on the word that joined it to the next: "certificatul de naștere și, după caz".
  if (clauseEnd >= limit * 0.4) return withoutShortLastClause(closeBrackets(text.slice(0, clauseEnd).replace(danglingJoin, '').replace(/[\s,;:–-]+$/, '')));
  return text;
}

/** Fewer words than this after the last sentence end or semicolon of a cut text is the start of a thought, not one. */
const shortestLastClauseWords = 4;

/**
 * "…se eliberează fără taxă. O eventuală taxă", "…ca dreptul să curgă din luna următoare nașterii; pentru
 * indemnizație": a cut that keeps only the first words of a new sentence or of a clause after a semicolon leaves
 * a fragment, so it ends at that sentence or semicolon instead. A longer last part says something of its own
 * ("The vehicle tax is set by Bălăușeri Local Council decision").
 */
function withoutShortLastClause(cut: string): string {
  const sentenceEnd = lastSentenceEnd(`${cut} `);
  const semicolon = cut.lastIndexOf('; ');
  const boundary = Math.max(sentenceEnd, semicolon);
  if (boundary < 0 || cut.slice(boundary + 1).trim().split(/\s+/u).length >= shortestLastClauseWords) return cut;
  return boundary === sentenceEnd ? cut.slice(0, boundary + 1) : cut.slice(0, boundary);
}

/** Position of the full stop (or ! ?) that ends the last whole sentence of `text`, or -1. */
function lastSentenceEnd(text: string): number {
  for (let index = text.length - 2; index >= 0; index -= 1) {
    if ('.!?'.includes(text[index]!) && text[index + 1] === ' ' && !isAbbreviationStop(text, index)) return index;
  }
  return -1;
}

/** A clause cut inside brackets ("file number (optional") ends before the bracket instead. */
function closeBrackets(text: string): string {
  const opened = text.lastIndexOf('(');
  if (opened < 0 || text.indexOf(')', opened) >= 0) return text;
  return text.slice(0, opened).replace(/[\s,;:–-]+$/, '');
}

const danglingJoin = /\s+(și|si|sau|ori|iar|precum și|és|vagy|illetve|and|or)$/iu;

/** What a to-confirm item of a procedure is about, so that field is said to be confirmed at the counter. */
const confirmTopics: Record<'fee' | 'deadline' | 'where' | 'documents', RegExp> = {
  fee: /\b(tax[aeiu]*|cost|tarif|suma|hcl|scutir\w*|urgent\w*)\b/,
  // The validity of a certificate is not its deadline: only an item about the term itself marks it.
  deadline: /\b(termen\w*)\b/,
  where: /\b(program\w*|birou\w*|ghiseu\w*|adres\w*|compartiment\w*|sediu\w*)\b/,
  documents: /\b(acte(le)?|document\w*|dovad\w*|formular\w*|plan\w*|cop(ie|ii)|extras\w*|declarati\w*|scara|viza)\b/,
};

function fieldsToConfirm(toConfirm: readonly string[]): Set<keyof typeof confirmTopics> {
  const fields = new Set<keyof typeof confirmTopics>();
  for (const item of toConfirm.map(foldDiacritics)) {
    for (const [field, pattern] of Object.entries(confirmTopics) as [keyof typeof confirmTopics, RegExp][]) if (pattern.test(item)) fields.add(field);
  }
  return fields;
}

function documentLines(procedure: Procedure, language: Language, perDocument: number, shown: number): string[] {
  const documents = procedure.documents.map((document) => `• ${shorten(document[language], perDocument)}`);
  if (documents.length <= shown) return documents;
  return [...documents.slice(0, shown), labels[language].more(documents.length - shown)];
}

export function renderProcedureCard(procedure: Procedure, language: Language, options: { compact?: boolean } = {}): string {
  const label = labels[language];
  const unconfirmed = fieldsToConfirm(procedure.toConfirm);
  const mark = (field: keyof typeof confirmTopics, text: string) => (unconfirmed.has(field) ? `${text} (${label.toConfirm})` : text);
  const build = (perDocument: number, shown: number, perField: number) => {
    const lines = [procedure.title[language], ''];
    if (procedure.documents.length > 0) lines.push(`${mark('documents', label.documents)}:`, ...documentLines(procedure, language, perDocument, shown), '');
    lines.push(`${label.where}: ${mark('where', shorten(procedure.where[language], perField))}`);
    lines.push(`${label.deadline}: ${mark('deadline', shorten(procedure.deadline.text[language], perField))}`);
    lines.push(`${label.fee}: ${mark('fee', shorten(procedure.fee[language], perField))}`);
    if (procedure.online !== '') lines.push(`${label.online}: ${procedure.online}`);
    lines.push('', `${label.source}: ${procedure.title[language]}`);
    return lines.join('\n');
  };
  // Shorten step by step, least useful first: long document wording, then the tail of the list.
  const attempts: [number, number, number][] = options.compact
    ? [
        [80, 4, 160],
        [60, 3, 120],
      ]
    : [
        [400, 99, 400],
        [110, 99, 300],
        [90, 8, 240],
        [80, 6, 200],
        [70, 5, 160],
        [60, 4, 140],
      ];
  const limit = options.compact ? cardCharacterLimit / 2 : cardCharacterLimit;
  let card = '';
  for (const [perDocument, shown, perField] of attempts) {
    card = build(perDocument, shown, perField);
    if (card.length <= limit) return card;
  }
  return card;
}

export function renderClarification(candidates: readonly Pick<RetrievedProcedure, 'procedure'>[], language: Language): string {
  const label = labels[language];
  const titles = candidates.map((candidate) => candidate.procedure.title[language]);
  if (titles.length === 0) return label.clarifyMany;
  if (titles.length === 1) return label.clarifyOne(titles[0]!);
  if (titles.length === 2) return label.clarifyTwo(titles[0]!, titles[1]!);
  return [label.clarifyMany, ...titles.map((title) => `• ${title}`)].join('\n');
}

export function formatOfficeHours(hours: readonly OfficeHours[], language: Language): string {
  const names = weekdayNames[language];
  return hours
    .map((entry) => {
      const days = [...entry.days].sort((left, right) => left - right);
      const consecutive = days.every((day, index) => index === 0 || day === days[index - 1]! + 1);
      const dayText =
        days.length > 1 && consecutive
          ? `${names[days[0]! - 1]}–${names[days[days.length - 1]! - 1]}`
          : days.map((day) => names[day - 1]).join(', ');
      return `${dayText} ${entry.open}–${entry.close}`;
    })
    .join('; ');
}

/** "[de completat]" marks what the town hall has yet to confirm: never show it to a citizen. */
const isPlaceholder = (text: string) => /\[[^\]]*\]/.test(text);

function withoutPlaceholders(address: string): string {
  return address
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !isPlaceholder(part))
    .join(', ');
}

function contactLine(townHall: TownHall, language: Language): string | undefined {
  const label = labels[language];
  const parts = [
    townHall.phone && !isPlaceholder(townHall.phone) && `${label.phone} ${townHall.phone}`,
    townHall.email && !isPlaceholder(townHall.email) && `${label.email} ${townHall.email}`,
    townHall.hours.length > 0 && `${label.hours} ${formatOfficeHours(townHall.hours, language)}`,
    withoutPlaceholders(townHall.address),
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? `${label.contact} ${townHall.name[language]}: ${parts.join(', ')}` : undefined;
}

/** @param offered a procedure a word named although the message as a whole is not about it: offered as a choice. */
export function renderOutOfScope(redirect: OutOfScopeRedirect | undefined, townHall: TownHall, language: Language, offered?: Procedure): string {
  const label = labels[language];
  // Topics rather than office names: "taxe și impozite locale" says more than "Compartimentul ITL".
  const topics = defaultTopics[language];
  const lines = [
    redirect ? notOurs(redirect, language) : label.onlyProcedures(townHall.name[language]),
    ...(offered ? [label.offered(offered.title[language])] : []),
    `${label.canHelp}: ${topics}.`,
  ];
  const contact = contactLine(townHall, language);
  if (contact) lines.push(contact);
  return lines.join('\n');
}

/** Where to go for the part of a question another authority handles, said after the answer to the rest. */
export function renderAlsoElsewhere(redirect: OutOfScopeRedirect, language: Language): string {
  return notOurs(redirect, language);
}

/** "… nu ține de primărie. Vă rugăm să vă adresați: <authority>." — an authority ending its own sentence keeps one full stop. */
function notOurs(redirect: OutOfScopeRedirect, language: Language): string {
  return labels[language].notOurs(redirect.title[language], redirect.authority[language].trim().replace(/\.+$/u, ''));
}

/** Said after an answer whose question also asked to guess an amount, answer only yes or no or approve a request. */
export function renderDeclinedDemand(language: Language): string {
  return labels[language].declinedDemand;
}

/** Chit-chat and attempts to steer the assistant: a short, polite no and what it is for. */
export function renderRefusal(townHall: TownHall, language: Language): string {
  const label = labels[language];
  return `${label.refusal(townHall.name[language])}\n${label.canHelp}: ${defaultTopics[language]}.`;
}

/** The source a town-hall fact cites: the town hall's own file, never a procedure. */
export function townHallSource(townHall: TownHall, language: Language): { slug: string; title: string } {
  return { slug: 'town-hall', title: labels[language].aboutTownHall(townHall.name[language]) };
}

/**
 * A question about the town hall itself, answered from town-hall.md. What the file still lists as to
 * confirm is said as such; placeholders ("[de completat]") are never shown.
 */
export function renderTownHallFact(topic: TownHallTopicId, townHall: TownHall, language: Language, procedure?: Procedure): string {
  const label = labels[language];
  const name = townHall.name[language];
  const pending = townHall.toConfirm.map(foldDiacritics);
  const unconfirmed = (pattern: RegExp) => (pending.some((item) => pattern.test(item)) ? ` (${label.toConfirm})` : '');
  const hours = () => [`${label.hoursTitle(name)}${unconfirmed(/\bprogram\w*/)}:`, formatOfficeHours(townHall.hours, language), label.closedWeekend].join('\n');
  const address = () => {
    const known = withoutPlaceholders(townHall.address);
    return `${label.address}: ${known}${isPlaceholder(townHall.address) ? ` (${label.addressPending})` : ''}`;
  };
  const contact = () =>
    [
      townHall.email && !isPlaceholder(townHall.email) ? `${label.email}: ${townHall.email}` : '',
      townHall.phone && !isPlaceholder(townHall.phone) ? `${label.phone} ${townHall.phone}` : '',
      townHall.website && !isPlaceholder(townHall.website) ? `${label.website}: ${townHall.website}${unconfirmed(/\bsite\w*/)}` : '',
    ].filter(Boolean);
  switch (topic) {
    case 'hours':
      return hours();
    case 'address':
      return [address(), `${label.hours}: ${formatOfficeHours(townHall.hours, language)}`].join('\n');
    case 'contact':
      return [`${label.contact} ${name}:`, ...contact(), address()].join('\n');
    case 'audience':
      return [`${label.audience}: ${townHall.audience?.[language] ?? label.toConfirm}${unconfirmed(/\baudient\w*/)}`, ...(procedure ? [`${label.askFor}: ${procedure.title[language]}`] : []), hours()].join('\n');
    case 'payment':
      // Where and how to pay are the procedure's own facts; without it, the office hours.
      if (!procedure) return hours();
      return [`${label.payment}: ${procedure.where[language]}`, ...(procedure.online ? [`${label.paymentOnline}: ${procedure.online}`] : [])].join('\n');
    case 'villages':
      return [label.villages(name), ...townHall.villages.map((village) => `• ${village.ro} (${village.hu})`)].join('\n');
    case 'languages':
      return [townHall.languages?.[language] ?? label.toConfirm, hours()].join('\n');
    case 'departments': {
      if (procedure) return [label.handledBy(procedure.title[language]), procedure.where[language]].join('\n');
      const lines = townHall.departments.map((department) => `• ${department.name[language]}${department.handles ? `: ${department.handles[language]}` : ''}`);
      return [`${label.departments}:`, ...lines, hours()].join('\n');
    }
  }
}
