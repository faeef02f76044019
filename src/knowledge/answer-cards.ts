import type { Language } from '../language.ts';
import type { OfficeHours, OutOfScopeRedirect, Procedure, RetrievedProcedure, TownHall } from './knowledge-base.ts';

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
    more: (count: number) => `… și încă ${count} (lista completă la ghișeu)`,
    clarifyTwo: (first: string, second: string) => `Vă referiți la „${first}” sau la „${second}”?`,
    clarifyOne: (first: string) => `Vă referiți la „${first}”?`,
    clarifyMany: 'La care dintre acestea vă referiți?',
    notOurs: (title: string, authority: string) => `„${title}” nu ține de primărie. Vă rugăm să vă adresați: ${authority}.`,
    onlyProcedures: (townHall: string) => `Îmi pare rău, vă pot ajuta doar cu procedurile de la ${townHall}.`,
    canHelp: 'Vă pot ajuta cu',
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
    more: (count: number) => `… és még ${count} (a teljes lista a hivatalban)`,
    clarifyTwo: (first: string, second: string) => `Erre gondol: „${first}” vagy „${second}”?`,
    clarifyOne: (first: string) => `Erre gondol: „${first}”?`,
    clarifyMany: 'Melyikre gondol?',
    notOurs: (title: string, authority: string) => `A(z) „${title}” nem a polgármesteri hivatal hatásköre. Kérjük, forduljon ide: ${authority}.`,
    onlyProcedures: (townHall: string) => `Sajnálom, csak a(z) ${townHall} ügyeiben tudok segíteni.`,
    canHelp: 'Ezekben segíthetek',
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
    more: (count: number) => `… and ${count} more (full list at the counter)`,
    clarifyTwo: (first: string, second: string) => `Do you mean “${first}” or “${second}”?`,
    clarifyOne: (first: string) => `Do you mean “${first}”?`,
    clarifyMany: 'Which of these do you mean?',
    notOurs: (title: string, authority: string) => `“${title}” is not handled by the town hall. Please contact: ${authority}.`,
    onlyProcedures: (townHall: string) => `Sorry, I can only help with the procedures of ${townHall}.`,
    canHelp: 'I can help with',
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

function shorten(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > limit * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:–-]+$/, '')}…`;
}

function documentLines(procedure: Procedure, language: Language, perDocument: number, shown: number): string[] {
  const documents = procedure.documents.map((document) => `• ${shorten(document[language], perDocument)}`);
  if (documents.length <= shown) return documents;
  return [...documents.slice(0, shown), labels[language].more(documents.length - shown)];
}

export function renderProcedureCard(procedure: Procedure, language: Language): string {
  const label = labels[language];
  const build = (perDocument: number, shown: number, perField: number) => {
    const lines = [procedure.title[language], ''];
    if (procedure.documents.length > 0) lines.push(`${label.documents}:`, ...documentLines(procedure, language, perDocument, shown), '');
    lines.push(`${label.where}: ${shorten(procedure.where[language], perField)}`);
    lines.push(`${label.deadline}: ${shorten(procedure.deadline.text[language], perField)}`);
    lines.push(`${label.fee}: ${shorten(procedure.fee[language], perField)}`);
    if (procedure.online !== '') lines.push(`${label.online}: ${procedure.online}`);
    lines.push('', `${label.source}: ${procedure.title[language]} (${procedure.slug})`);
    return lines.join('\n');
  };
  // Shorten step by step, least useful first: long document wording, then the tail of the list.
  const attempts: [number, number, number][] = [
    [400, 99, 400],
    [110, 99, 300],
    [90, 8, 240],
    [80, 6, 200],
    [70, 5, 160],
    [60, 4, 140],
  ];
  let card = '';
  for (const [perDocument, shown, perField] of attempts) {
    card = build(perDocument, shown, perField);
    if (card.length <= cardCharacterLimit) return card;
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

export function renderOutOfScope(redirect: OutOfScopeRedirect | undefined, townHall: TownHall, language: Language): string {
  const label = labels[language];
  // Topics rather than office names: "taxe și impozite locale" says more than "Compartimentul ITL".
  const topics = defaultTopics[language];
  const lines = [
    redirect ? label.notOurs(redirect.title[language], redirect.authority[language]) : label.onlyProcedures(townHall.name[language]),
    `${label.canHelp}: ${topics}.`,
  ];
  const contact = contactLine(townHall, language);
  if (contact) lines.push(contact);
  return shorten(lines.join('\n'), cardCharacterLimit);
}
